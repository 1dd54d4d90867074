import type { IExecuteFunctions } from 'n8n-workflow';

import { toItems } from '../output';
import { chartTarget, chartWrite, chartWriteFields, entryIdParam, outcome } from './writes';

export const option = {
	name: 'Remove Historical Medication',
	value: 'removeHistoricalMedication',
	action: 'Remove a historical medication from a patient chart',
	description: 'Delete a medication entry from the chart',
};

export const toolDescription =
	"Delete a medication entry from an athenahealth patient's chart (to record that a medication was " +
	'stopped, update it with a stop date instead). Returns the medication entry ID.';

export const writes = true;

export const description = chartWriteFields('removeHistoricalMedication', [
	{
		displayName: 'Medication Entry ID',
		name: 'medicationEntryId',
		type: 'string',
		default: '',
		required: true,
		placeholder: 'e.g. H228145',
		description: 'The entry (medicationentryid from Get Medications)',
	},
]);

export async function execute(this: IExecuteFunctions, i: number) {
	const t = chartTarget(this, i);
	const entry = entryIdParam(this, 'medicationEntryId', i);
	const result = await chartWrite(
		this,
		i,
		{
			method: 'DELETE',
			path: `/chart/${t.patientId}/medications/${entry}`,
			qs: { departmentid: t.departmentId },
			practiceId: t.practiceId,
		},
		{
			what: `the removal of medication entry ${entry}`,
			// not confirmed by absence: a read may leave out entries (by medication type, hidden ones)
			// that are still there (docs/athena-behaviour.md#chart-writes)
			check: `Look for it with Chart → Get Medications (patient ${t.patientId}).`,
		},
	);
	return toItems(
		[
			{
				patientid: t.patientId,
				departmentid: t.departmentId,
				medicationentryid: entry,
				removed: true,
				...outcome(result),
			},
		],
		i,
	);
}
