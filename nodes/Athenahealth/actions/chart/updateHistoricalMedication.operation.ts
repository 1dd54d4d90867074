import type { IDataObject, IExecuteFunctions } from 'n8n-workflow';

import { toItems } from '../output';
import { inputError } from '../params';
import { medicationFields, medicationForm } from './medicationFields';
import { chartTarget, chartWrite, chartWriteFields, entryIdParam, outcome } from './writes';

export const option = {
	name: 'Update Historical Medication',
	value: 'updateHistoricalMedication',
	action: 'Update a historical medication in a patient chart',
	description: 'Change the dates, sig, notes or stop reason of a medication entry',
};

export const toolDescription =
	"Change a medication entry in an athenahealth patient's chart: start and stop dates, sig, notes, stop reason. Returns the entry ID and the fields changed.";

export const writes = true;

export const description = chartWriteFields('updateHistoricalMedication', [
	{
		displayName: 'Medication Entry ID',
		name: 'medicationEntryId',
		type: 'string',
		default: '',
		required: true,
		placeholder: 'e.g. H228145',
		description: 'The entry (medicationentryid from Get Medications)',
	},
	{
		displayName: 'Update Fields',
		name: 'updateFields',
		type: 'collection',
		placeholder: 'Add Field',
		default: {},
		options: medicationFields,
	},
]);

export async function execute(this: IExecuteFunctions, i: number) {
	const t = chartTarget(this, i);
	const entry = entryIdParam(this, 'medicationEntryId', i);
	const form = medicationForm(this, i, this.getNodeParameter('updateFields', i, {}) as IDataObject);
	if (!Object.keys(form).length)
		throw inputError(this, i, 'Nothing to update', 'Add at least one field under Update Fields.');
	// sent once: athena keeps a history of events on chart entries, so a repeated update may add an
	// entry there (docs/athena-behaviour.md#chart-writes); a lost answer is reported, not retried
	const result = await chartWrite(
		this,
		i,
		{
			method: 'PUT',
			path: `/chart/${t.patientId}/medications/${entry}`,
			form: { ...form, departmentid: t.departmentId },
			practiceId: t.practiceId,
		},
		{
			what: `the update of medication entry ${entry}`,
			check: `Look at it with Chart → Get Medications (patient ${t.patientId}).`,
		},
	);
	return toItems(
		[
			{
				patientid: t.patientId,
				departmentid: t.departmentId,
				medicationentryid: entry,
				updated: true,
				updatedFields: Object.keys(form),
				...outcome(result),
			},
		],
		i,
	);
}
