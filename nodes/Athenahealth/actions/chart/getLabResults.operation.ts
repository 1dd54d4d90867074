import type { IExecuteFunctions } from 'n8n-workflow';

import { athenaList } from '../../transport/paginate';
import { maxItems, returnAllAndLimit, toItems } from '../common';
import { chartCall, chartFields, dateRangeOptions, withPatient } from './common';

export const description = chartFields(
	'getLabResults',
	[
		...dateRangeOptions,
		{ displayName: 'Show Abnormal Details', name: 'showabnormaldetails', type: 'boolean', default: false, description: 'Whether to include details of abnormal results' },
		{ displayName: 'Show Hidden', name: 'showhidden', type: 'boolean', default: false, description: 'Whether to include hidden results' },
	],
	returnAllAndLimit,
);

export async function execute(this: IExecuteFunctions, i: number) {
	const call = chartCall(this, i);
	const records = await athenaList(this, { method: 'GET', path: `/chart/${call.patientId}/labresults`, wrapper: 'results', qs: call.qs, practiceId: call.practiceId, itemIndex: i, maxItems: maxItems(this, i) });
	return toItems(withPatient(call, records), i);
}
