import type { IDataObject, IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';

import { normalizeRecord } from '../shared/records';

// athena's answers as n8n items: one item per record, normalized, paired with its input item.

export function toItems(records: IDataObject[], i: number): INodeExecutionData[] {
	return records.map((r) => ({ json: normalizeRecord(r), pairedItem: { item: i } }));
}

/** athena returns one record as a one-element array, sometimes as an object; always give one item. */
export function single(body: unknown): IDataObject {
	if (Array.isArray(body)) return (body[0] ?? {}) as IDataObject;
	if (body && typeof body === 'object') return body as IDataObject;
	return { result: body as string };
}

// Simplify: the fields most workflows need from athena's large patient and appointment records.
const SIMPLE_KEYS: Record<'patient' | 'appointment', string[]> = {
	patient: [
		'patientid',
		'firstname',
		'lastname',
		'dob',
		'sex',
		'email',
		'homephone',
		'mobilephone',
		'departmentid',
		'status',
		'zip',
		'lastmodified',
	],
	appointment: [
		'appointmentid',
		'date',
		'starttime',
		'duration',
		'departmentid',
		'providerid',
		'patientid',
		'appointmenttypeid',
		'appointmenttype',
		'appointmentstatus',
		'lastmodified',
		'patient',
	],
};

export function simplified(
	ctx: IExecuteFunctions,
	i: number,
	kind: 'patient' | 'appointment',
	records: IDataObject[],
): IDataObject[] {
	if (!ctx.getNodeParameter('simplify', i, false)) return records;
	const pick = (r: IDataObject, keys: string[]) =>
		Object.fromEntries(keys.filter((k) => r[k] !== undefined).map((k) => [k, r[k]])) as IDataObject;
	return records.map((r) => {
		const out = pick(r, SIMPLE_KEYS[kind]);
		if (kind === 'appointment' && r.patient && typeof r.patient === 'object')
			out.patient = pick(r.patient as IDataObject, SIMPLE_KEYS.patient);
		return out;
	});
}
