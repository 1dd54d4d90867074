import { updateDisplayOptions, type IDataObject, type IExecuteFunctions } from 'n8n-workflow';

import { parsePath } from '../../hl7/codec';
import { show } from '../common';
import { hl7Error, readMessage } from './input';

// Get Fields and Set Fields: values by path (PID.5.1, OBX[2].5, PID.13[2].4…), escapes handled.

export const getDescription = updateDisplayOptions(show('hl7', 'getFields'), [
	{
		displayName: 'Paths',
		name: 'paths',
		type: 'string',
		default: 'MSH.10, PID.3.1, PID.5.1, PID.5.2',
		description: 'Comma-separated paths: SEGMENT[occurrence].field[repetition].component.subcomponent, all 1-based, e.g. PID.13[2].4 or OBX[3].5',
	},
]);

export const setDescription = updateDisplayOptions(show('hl7', 'setFields'), [
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
					{ displayName: 'Path', name: 'path', type: 'string', default: '', placeholder: 'PID.5.1' },
					{ displayName: 'Value', name: 'value', type: 'string', default: '', description: 'Plain text; delimiters in it are escaped for you' },
				],
			},
		],
	},
]);

export async function getFields(this: IExecuteFunctions, i: number) {
	const m = await readMessage(this, i);
	const out: IDataObject = {};
	try {
		for (const path of String(this.getNodeParameter('paths', i)).split(',').map((p) => p.trim()).filter(Boolean)) {
			parsePath(path);
			out[path] = m.get(path) ?? null;
		}
	} catch (error) {
		throw hl7Error(this, i, error);
	}
	return [{ json: out, pairedItem: { item: i } }];
}

export async function setFields(this: IExecuteFunctions, i: number) {
	const m = await readMessage(this, i);
	const values = ((this.getNodeParameter('values', i, {}) as IDataObject).value as Array<{ path: string; value: string }>) ?? [];
	try {
		for (const { path, value } of values) m.set(path, String(value ?? ''));
	} catch (error) {
		throw hl7Error(this, i, error);
	}
	return [{ json: { message: m.toString() }, pairedItem: { item: i } }];
}
