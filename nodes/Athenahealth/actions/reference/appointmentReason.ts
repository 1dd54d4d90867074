import { updateDisplayOptions, type IExecuteFunctions } from 'n8n-workflow';

import { athenaList } from '../../transport/paginate';
import { listedValue } from '../../shared/ids';
import { idParam, inputError, maxItems, practiceOf, returnAllAndLimit, show, toItems } from '../common';
import { departmentLocator, providerLocator } from '../locators';
import type { Resource } from '../types';

// Patient appointment reasons exist per department and provider; athena requires both, and has no
// single-reason endpoint, so Get reads the list and picks the reason.
const PATIENT_TYPES = [
	{ name: 'All', value: 'all' },
	{ name: 'Existing Patients', value: 'existingpatient' },
	{ name: 'New Patients', value: 'newpatient' },
];
const scope = [
	departmentLocator(),
	providerLocator(),
	{
		displayName: 'Patient Type',
		name: 'patientType',
		type: 'options' as const,
		default: 'all',
		options: PATIENT_TYPES,
	},
];

async function reasons(ctx: IExecuteFunctions, i: number, limit?: number) {
	const type = listedValue(ctx.getNode(), ctx.getNodeParameter('patientType', i, 'all'), PATIENT_TYPES, 'Patient Type', i);
	return await athenaList(ctx, {
		method: 'GET',
		path: type === 'all' ? '/patientappointmentreasons' : `/patientappointmentreasons/${type}`,
		wrapper: 'patientappointmentreasons',
		qs: { departmentid: idParam(ctx, 'departmentId', i, 'Department'), providerid: idParam(ctx, 'providerId', i, 'Provider') },
		practiceId: practiceOf(ctx, i),
		itemIndex: i,
		maxItems: limit,
	});
}

export const appointmentReason: Resource = {
	get: {
		description: updateDisplayOptions(show('appointmentReason', 'get'), [...scope, { displayName: 'Reason ID', name: 'reasonId', type: 'string', default: '', required: true }]),
		async execute(this: IExecuteFunctions, i: number) {
			const id = idParam(this, 'reasonId', i, 'Reason ID')!;
			const found = (await reasons(this, i)).find((r) => String(r.reasonid) === id);
			if (!found) throw inputError(this, i, `Reason ${id} is not offered for this department and provider`, 'Use Get Many to see the reasons athena offers there.');
			return toItems([found], i);
		},
	},
	getAll: {
		description: updateDisplayOptions(show('appointmentReason', 'getAll'), [...scope, ...returnAllAndLimit]),
		async execute(this: IExecuteFunctions, i: number) {
			return toItems(await reasons(this, i, maxItems(this, i)), i);
		},
	},
};
