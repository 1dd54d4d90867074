import { updateDisplayOptions, type IDataObject, type IExecuteFunctions } from 'n8n-workflow';

import { parsePath } from '../../../hl7/codec';
import { show } from '../fields';
import { hl7Error, readMessage } from './input';

// Values by path (PID.5.1, OBX[2].5, PID.13[2].4…), unescaped for you.

export const option = { name: 'Get Fields', value: 'getFields', action: 'Get HL7 fields by path' };

export const toolDescription =
	'Read chosen field values from an HL7 v2 message (athenahealth interface format). Works offline. Returns the values.';

export const writes = false;

export const description = updateDisplayOptions(show('hl7', 'getFields'), [
	{
		displayName: 'Paths',
		name: 'paths',
		type: 'string',
		default: 'MSH.10, PID.3.1, PID.5.1, PID.5.2',
		description:
			'Comma-separated paths: SEGMENT[occurrence].field[repetition].component.subcomponent, all 1-based, e.g. PID.13[2].4 or OBX[3].5',
	},
]);

export async function execute(this: IExecuteFunctions, i: number) {
	const m = await readMessage(this, i);
	const out: IDataObject = {};
	try {
		for (const path of String(this.getNodeParameter('paths', i))
			.split(',')
			.map((p) => p.trim())
			.filter(Boolean)) {
			parsePath(path);
			out[path] = m.get(path) ?? null;
		}
	} catch (error) {
		throw hl7Error(this, i, error);
	}
	return [{ json: out, pairedItem: { item: i } }];
}
