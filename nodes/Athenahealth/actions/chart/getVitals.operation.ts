import type { IDataObject, IExecuteFunctions } from 'n8n-workflow';

import { athenaList } from '../../transport/paginate';
import { toItems } from '../output';
import { chartCall, chartFields, dateRangeOptions, withPatient } from './common';

export const option = {
	name: 'Get Vitals',
	value: 'getVitals',
	action: 'Get the vitals of a patient',
	description:
		"Read a patient's vitals (patient and department IDs, optional date range); one item per recorded value",
};

export const toolDescription =
	"List the vital signs in an athenahealth patient's chart for one department. Returns one reading per item (such as blood pressure or weight) " +
	'with value, unit and date.';

export const writes = false;

export const description = chartFields('getVitals', [
	...dateRangeOptions,
	{
		displayName: 'Show Empty Vitals',
		name: 'showemptyvitals',
		type: 'boolean',
		default: false,
		description: 'Whether to include vitals with no readings',
	},
]);

export async function execute(this: IExecuteFunctions, i: number) {
	const call = chartCall(this, i);
	const groups = await athenaList(this, {
		method: 'GET',
		path: `/chart/${call.patientId}/vitals`,
		wrapper: 'vitals',
		qs: call.qs,
		practiceId: call.practiceId,
		itemIndex: i,
	});
	// athena groups by vital (BLOODPRESSURE), then by reading (a list of values taken together):
	// one item per value, with the vital's key and abbreviation on it.
	const values = groups.flatMap((g) =>
		((g.readings as unknown[]) ?? []).flatMap((reading) =>
			(Array.isArray(reading) ? reading : [reading]).map((v) => ({
				key: g.key,
				abbreviation: g.abbreviation,
				...(v as IDataObject),
			})),
		),
	);
	return toItems(withPatient(call, values), i);
}
