import type { ResourceDefinition } from '../types';
import * as ack from './ack.operation';
import * as batch from './batch.operation';
import * as build from './build.operation';
import * as getFields from './getFields.operation';
import * as parse from './parse.operation';
import * as setFields from './setFields.operation';
import * as toAthena from './toAthena.operation';
import * as validate from './validate.operation';
import { messageInput } from './input';

export const hl7: ResourceDefinition = {
	name: 'HL7 Message',
	resource: 'hl7',
	defaultOperation: 'parse',
	operations: [parse, build, getFields, setFields, ack, validate, batch, toAthena],
	// the message to work on, for every operation that reads one
	fields: messageInput(['parse', 'getFields', 'setFields', 'createAck', 'validate', 'splitBatch', 'toAthena']),
};
