import {
	updateDisplayOptions,
	type IDataObject,
	type IExecuteFunctions,
	type INodeProperties,
} from 'n8n-workflow';

import { athenaRequest } from '../../transport/request';
import { show } from '../fields';
import { compact, dateValue, idParam, practiceOf } from '../params';
import { departmentLocator, patientLocator } from '../locators';

// Chart reads are per patient and department: "a patient may have multiple charts, and the
// department determines which chart to use", so both are required
// (docs/athena-behaviour.md#chart-department).

export const dateRangeOptions: INodeProperties[] = [
	{
		displayName: 'Start Date',
		name: 'startdate',
		type: 'string',
		default: '',
		placeholder: '2026-01-01',
	},
	{
		displayName: 'End Date',
		name: 'enddate',
		type: 'string',
		default: '',
		placeholder: '2026-12-31',
	},
];

export function chartFields(
	operation: string,
	options: INodeProperties[],
	extra: INodeProperties[] = [],
): INodeProperties[] {
	return updateDisplayOptions(show('chart', operation), [
		patientLocator(),
		departmentLocator(),
		...extra,
		...(options.length
			? [
					{
						displayName: 'Options',
						name: 'options',
						type: 'collection' as const,
						placeholder: 'Add Option',
						default: {},
						options,
					},
				]
			: []),
	]);
}

export interface ChartCall {
	patientId: string;
	departmentId: string;
	practiceId?: string;
	qs: IDataObject;
}

/** Patient, department and options (dates converted to athena's mm/dd/yyyy), checked before any call. */
export function chartCall(ctx: IExecuteFunctions, i: number): ChartCall {
	const patientId = idParam(ctx, 'patientId', i, 'Patient')!;
	const departmentId = idParam(ctx, 'departmentId', i, 'Department')!;
	const qs = compact({ ...(ctx.getNodeParameter('options', i, {}) as IDataObject) });
	for (const [key, label] of [
		['startdate', 'Start Date'],
		['enddate', 'End Date'],
	] as const)
		if (qs[key] !== undefined) qs[key] = dateValue(ctx, qs[key], i, label);
	for (const [k, v] of Object.entries(qs)) if (v === false) delete qs[k];
	return {
		patientId,
		departmentId,
		practiceId: practiceOf(ctx, i),
		qs: { ...qs, departmentid: departmentId },
	};
}

/** One GET of an unpaged chart section (problems, allergies, medications). */
export async function chartSection(
	ctx: IExecuteFunctions,
	i: number,
	section: string,
): Promise<{ call: ChartCall; body: IDataObject }> {
	const call = chartCall(ctx, i);
	const body = await athenaRequest(ctx, {
		method: 'GET',
		path: `/chart/${call.patientId}/${section}`,
		qs: call.qs,
		practiceId: call.practiceId,
		itemIndex: i,
	});
	return {
		call,
		body: (body && typeof body === 'object' && !Array.isArray(body) ? body : {}) as IDataObject,
	};
}

export const withPatient = (call: ChartCall, records: IDataObject[]) =>
	records.map((r) => ({ patientid: call.patientId, departmentid: call.departmentId, ...r }));
