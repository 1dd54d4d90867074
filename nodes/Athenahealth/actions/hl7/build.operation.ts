import { updateDisplayOptions, type IDataObject, type IExecuteFunctions } from 'n8n-workflow';

import { hl7Timestamp } from '../../../hl7/ack';
import { Hl7Message } from '../../../hl7/codec';
import { show } from '../fields';
import { inputError } from '../params';
import { hl7Error } from './input';

export const option = {
	name: 'Build',
	value: 'build',
	action: 'Build an HL7 message',
	description: 'Build a message from paths and values, with MSH defaults',
};

export const toolDescription =
	'Build an HL7 v2 message (athenahealth interface format) of a given message type. Works offline. Returns the message text.';

export const writes = false;

export const description = updateDisplayOptions(show('hl7', 'build'), [
	{
		displayName: 'Message Type',
		name: 'messageType',
		type: 'string',
		default: 'ADT^A04',
		placeholder: 'SIU^S12',
		description: 'MSH-9',
	},
	{
		displayName: 'Version',
		name: 'version',
		type: 'string',
		default: '2.5.1',
		description: 'MSH-12',
	},
	{
		displayName: 'Values',
		name: 'values',
		type: 'fixedCollection',
		typeOptions: { multipleValues: true },
		default: {},
		description: 'Values by path; segments are created in the order first named',
		options: [
			{
				name: 'value',
				displayName: 'Value',
				values: [
					{
						displayName: 'Path',
						name: 'path',
						type: 'string',
						default: '',
						placeholder: 'PID.5.1',
					},
					{ displayName: 'Value', name: 'value', type: 'string', default: '' },
				],
			},
		],
	},
	{
		displayName: 'Options',
		name: 'options',
		type: 'collection',
		placeholder: 'Add Option',
		default: {},
		options: [
			{
				displayName: 'Control ID',
				name: 'controlId',
				type: 'string',
				default: '',
				description: 'MSH-10; a unique one is generated when empty',
			},
			{
				displayName: 'Processing ID',
				name: 'processingId',
				type: 'string',
				default: 'P',
				description: 'MSH-11: P production, T test',
			},
			{
				displayName: 'Receiving Application',
				name: 'receivingApplication',
				type: 'string',
				default: '',
			},
			{ displayName: 'Receiving Facility', name: 'receivingFacility', type: 'string', default: '' },
			{
				displayName: 'Sending Application',
				name: 'sendingApplication',
				type: 'string',
				default: 'N8N',
			},
			{ displayName: 'Sending Facility', name: 'sendingFacility', type: 'string', default: '' },
			{
				displayName: 'Timestamp',
				name: 'timestamp',
				type: 'string',
				default: '',
				description: 'MSH-7 (YYYYMMDDHHMMSS); now when empty',
			},
		],
	},
]);

export async function execute(this: IExecuteFunctions, i: number) {
	const o = this.getNodeParameter('options', i, {}) as IDataObject;
	const type = String(this.getNodeParameter('messageType', i)).trim();
	if (!/^[A-Z0-9]{3}(\^[A-Z0-9]{2,3}(\^[A-Z0-9_]{3,7})?)?$/.test(type))
		throw inputError(this, i, 'Message Type must look like ADT^A04 or SIU^S12', `Got "${type}".`);
	const controlId = String(
		o.controlId ||
			`N8N${Date.now().toString(36).toUpperCase()}${Math.floor(Math.random() * 1e6)
				.toString(36)
				.toUpperCase()}`,
	);
	const m = Hl7Message.parse('MSH|^~\\&');
	try {
		m.set('MSH.3', String(o.sendingApplication ?? 'N8N'));
		m.set('MSH.4', String(o.sendingFacility ?? ''));
		m.set('MSH.5', String(o.receivingApplication ?? ''));
		m.set('MSH.6', String(o.receivingFacility ?? ''));
		m.set('MSH.7', String(o.timestamp || hl7Timestamp()));
		type.split('^').forEach((part, n) => m.set(`MSH.9.${n + 1}`, part));
		m.set('MSH.10', controlId);
		m.set('MSH.11', String(o.processingId || 'P'));
		m.set('MSH.12', String(this.getNodeParameter('version', i)));
		const values =
			((this.getNodeParameter('values', i, {}) as IDataObject).value as Array<{
				path: string;
				value: string;
			}>) ?? [];
		for (const { path, value } of values) m.set(path, String(value ?? ''));
	} catch (error) {
		throw hl7Error(this, i, error);
	}
	return [{ json: { message: m.toString(), controlId }, pairedItem: { item: i } }];
}
