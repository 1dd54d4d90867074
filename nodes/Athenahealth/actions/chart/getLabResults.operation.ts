import type { IExecuteFunctions } from 'n8n-workflow';

import { athenaList } from '../../transport/paginate';
import { returnAllAndLimit } from '../fields';
import { toItems } from '../output';
import { maxItems } from '../params';
import { chartCall, chartFields, dateRangeOptions, withPatient } from './common';

export const option = {
	name: 'Get Lab Results',
	value: 'getLabResults',
	action: 'Get the lab results of a patient',
	description:
		"Read a patient's lab results (patient and department IDs, optional date range); one item per result with its analytes",
};

export const toolDescription =
	"List the lab results in an athenahealth patient's chart for one department. Returns one result per item with date, status and analytes.";

export const writes = false;

export const description = chartFields(
	'getLabResults',
	[
		...dateRangeOptions,
		{
			displayName: 'Show Abnormal Details',
			name: 'showabnormaldetails',
			type: 'boolean',
			default: false,
			description: 'Whether to include details of abnormal results',
		},
		{
			displayName: 'Show Hidden',
			name: 'showhidden',
			type: 'boolean',
			default: false,
			description: 'Whether to include hidden results',
		},
	],
	returnAllAndLimit,
);

export async function execute(this: IExecuteFunctions, i: number) {
	const call = chartCall(this, i);
	const records = await athenaList(this, {
		method: 'GET',
		path: `/chart/${call.patientId}/labresults`,
		wrapper: 'results',
		qs: call.qs,
		practiceId: call.practiceId,
		itemIndex: i,
		maxItems: maxItems(this, i),
	});
	return toItems(withPatient(call, records), i);
}
