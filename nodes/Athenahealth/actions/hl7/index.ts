import type { INodeProperties, INodePropertyOptions } from 'n8n-workflow';

import type { Resource } from '../types';
import * as ack from './ack.operation';
import * as batch from './batch.operation';
import * as build from './build.operation';
import * as fields from './fields.operation';
import { messageInput } from './input';
import * as parse from './parse.operation';
import * as toAthena from './toAthena.operation';
import * as validate from './validate.operation';

export const hl7: Resource = {
	parse,
	build,
	getFields: { description: fields.getDescription, execute: fields.getFields },
	setFields: { description: fields.setDescription, execute: fields.setFields },
	createAck: ack,
	validate,
	splitBatch: batch,
	toAthena,
};

export const hl7Input: INodeProperties[] = messageInput(['parse', 'getFields', 'setFields', 'createAck', 'validate', 'splitBatch', 'toAthena']);

export const hl7Operations: INodePropertyOptions[] = [
	{ name: 'Build', value: 'build', action: 'Build an HL7 message', description: 'Build a message from paths and values, with MSH defaults' },
	{ name: 'Create ACK/NAK', value: 'createAck', action: 'Create an HL7 acknowledgment', description: 'Answer a message with AA/AE/AR or CA/CE/CR' },
	{ name: 'Get Fields', value: 'getFields', action: 'Get HL7 fields by path' },
	{ name: 'Parse', value: 'parse', action: 'Parse an HL7 message', description: 'Turn a message into JSON: segments, paths and athena fields' },
	{ name: 'Set Fields', value: 'setFields', action: 'Set HL7 fields by path' },
	{ name: 'Split Batch', value: 'splitBatch', action: 'Split an HL7 batch', description: 'One item per message of an FHS/BHS batch' },
	{ name: 'To athenaNet JSON', value: 'toAthena', action: 'Convert an HL7 message to athenaNet JSON', description: 'ADT and SIU as the patient and appointment records the REST operations return' },
	{ name: 'Validate', value: 'validate', action: 'Validate an HL7 message', description: 'A report of missing MSH fields, bad segments and required segments' },
];
