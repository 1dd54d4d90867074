import { updateDisplayOptions, type IDataObject, type IExecuteFunctions } from 'n8n-workflow';

import { show } from '../fields';
import { hl7Error, readMessage } from './input';

// Values by path (PID.5.1, OBX[2].5, PID.13[2].4…), escaped for you.

export const option = { name: 'Set Fields', value: 'setFields', action: 'Set HL7 fields by path' };

export const toolDescription =
	'Set chosen field values in an HL7 v2 message (athenahealth interface format). Works offline. Returns the changed message.';

export const writes = false;

export const description = updateDisplayOptions(show('hl7', 'setFields'), [
	{
		displayName: 'Values',
		name: 'values',
		type: 'fixedCollection',
		typeOptions: { multipleValues: true },
		default: {},
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
					{
						displayName: 'Value',
						name: 'value',
						type: 'string',
						default: '',
						description: 'Plain text; delimiters in it are escaped for you',
					},
				],
			},
		],
	},
]);

export async function execute(this: IExecuteFunctions, i: number) {
	const m = await readMessage(this, i);
	const values =
		((this.getNodeParameter('values', i, {}) as IDataObject).value as Array<{
			path: string;
			value: string;
		}>) ?? [];
	try {
		for (const { path, value } of values) m.set(path, String(value ?? ''));
	} catch (error) {
		throw hl7Error(this, i, error);
	}
	return [{ json: { message: m.toString() }, pairedItem: { item: i } }];
}
