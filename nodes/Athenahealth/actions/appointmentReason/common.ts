import type { IExecuteFunctions, INodeProperties } from 'n8n-workflow';

import { listedValue } from '../../shared/ids';
import { athenaList } from '../../transport/paginate';
import { idParam, practiceOf } from '../params';
import { departmentLocator, providerLocator } from '../locators';

// Patient appointment reasons exist per department and provider; athena requires both, and has no
// single-reason endpoint, so Get reads the list and picks the reason.
const PATIENT_TYPES = [
	{ name: 'All', value: 'all' },
	{ name: 'Existing Patients', value: 'existingpatient' },
	{ name: 'New Patients', value: 'newpatient' },
];

export const scope: INodeProperties[] = [
	departmentLocator(),
	providerLocator(),
	{
		displayName: 'Patient Type',
		name: 'patientType',
		type: 'options',
		default: 'all',
		options: PATIENT_TYPES,
	},
];

export async function reasons(ctx: IExecuteFunctions, i: number, limit?: number) {
	const type = listedValue(
		ctx.getNode(),
		ctx.getNodeParameter('patientType', i, 'all'),
		PATIENT_TYPES,
		'Patient Type',
		i,
	);
	return await athenaList(ctx, {
		method: 'GET',
		path: type === 'all' ? '/patientappointmentreasons' : `/patientappointmentreasons/${type}`,
		wrapper: 'patientappointmentreasons',
		qs: {
			departmentid: idParam(ctx, 'departmentId', i, 'Department'),
			providerid: idParam(ctx, 'providerId', i, 'Provider'),
		},
		practiceId: practiceOf(ctx, i),
		itemIndex: i,
		maxItems: limit,
	});
}
