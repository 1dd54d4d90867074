import type { IExecuteFunctions } from 'n8n-workflow';

import { athenaList } from '../../transport/paginate';
import { returnAllAndLimit } from '../fields';
import { toItems } from '../output';
import { idParam, maxItems } from '../params';
import { chartCall, chartFields, dateRangeOptions, withPatient } from './common';

export const option = {
	name: 'Get Many Encounters',
	value: 'getEncounters',
	action: 'Get many encounters of a patient',
	description:
		"List a patient's encounters (patient and department IDs, optional date range); one item per encounter",
};

export const toolDescription =
	"List an athenahealth patient's encounters (visits) in one department. Returns encounters with encounter ID, date, provider and status.";

export const writes = false;

export const description = chartFields(
	'getEncounters',
	[
		...dateRangeOptions,
		{
			displayName: 'Appointment ID',
			name: 'appointmentid',
			type: 'string',
			default: '',
			description: 'Only the encounter of this appointment (digits)',
		},
		{
			displayName: 'Provider ID',
			name: 'providerid',
			type: 'string',
			default: '',
			description: 'Only encounters of this provider (digits)',
		},
		{
			displayName: 'Show All Statuses',
			name: 'showallstatuses',
			type: 'boolean',
			default: false,
			description:
				'Whether to include every status; athena returns only OPEN, CLOSED and REVIEW by default',
		},
		{
			displayName: 'Show All Types',
			name: 'showalltypes',
			type: 'boolean',
			default: false,
			description:
				'Whether to include every type; athena returns only VISIT and ORDERSONLY by default',
		},
		{
			displayName: 'Show Diagnoses',
			name: 'showdiagnoses',
			type: 'boolean',
			default: false,
			description: 'Whether to include the diagnoses of each encounter',
		},
	],
	returnAllAndLimit,
);

export async function execute(this: IExecuteFunctions, i: number) {
	const call = chartCall(this, i);
	if (call.qs.appointmentid)
		call.qs.appointmentid = idParam(this, 'options.appointmentid', i, 'Appointment ID');
	if (call.qs.providerid)
		call.qs.providerid = idParam(this, 'options.providerid', i, 'Provider ID');
	const records = await athenaList(this, {
		method: 'GET',
		path: `/chart/${call.patientId}/encounters`,
		wrapper: 'encounters',
		qs: call.qs,
		practiceId: call.practiceId,
		itemIndex: i,
		maxItems: maxItems(this, i),
	});
	return toItems(withPatient(call, records), i);
}
