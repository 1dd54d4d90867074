import type { IDataObject, IExecuteFunctions } from 'n8n-workflow';

import { medicationLocator } from '../locators';
import { toItems } from '../output';
import { idParam } from '../params';
import { medicationFields, medicationForm } from './medicationFields';
import {
	chartTarget,
	chartWrite,
	chartWriteFields,
	idFrom,
	medicationEntries,
	outcome,
} from './writes';

export const option = {
	name: 'Add Historical Medication',
	value: 'addHistoricalMedication',
	action: 'Add a historical medication to a patient chart',
	description: "Record a medication the patient takes or took (athena's medication ID)",
};

export const toolDescription =
	'Record a medication an athenahealth patient takes or took (entered history, not a prescription). Returns the new medication entry ID.';

export const writes = true;

export const description = chartWriteFields('addHistoricalMedication', [
	{
		...medicationLocator(),
		description: "The medication, from athena's medication reference search",
	},
	{
		displayName: 'Additional Fields',
		name: 'additionalFields',
		type: 'collection',
		placeholder: 'Add Field',
		default: {},
		options: medicationFields,
	},
]);

export async function execute(this: IExecuteFunctions, i: number) {
	const t = chartTarget(this, i);
	const medicationid = idParam(this, 'medicationId', i, 'Medication')!;
	const form = medicationForm(
		this,
		i,
		this.getNodeParameter('additionalFields', i, {}) as IDataObject,
	);
	// the entries already there, so an entry this call made can be told apart afterwards
	const before = new Set(
		(await medicationEntries(this, i, t)).map((e) => String(e.medicationentryid)),
	);
	const added = async () =>
		(await medicationEntries(this, i, t)).find(
			(e) => !before.has(String(e.medicationentryid)) && String(e.medicationid) === medicationid,
		);
	const result = await chartWrite(
		this,
		i,
		{
			method: 'POST',
			path: `/chart/${t.patientId}/medications`,
			form: { ...form, departmentid: t.departmentId, medicationid },
			practiceId: t.practiceId,
		},
		{
			what: `the addition of medication ${medicationid} to patient ${t.patientId}'s chart`,
			check: `Look for it with Chart → Get Medications (patient ${t.patientId}, department ${t.departmentId}) before adding it again.`,
			verify: added,
		},
	);
	let medicationentryid = idFrom(result.body.medicationentryid);
	let checked = false;
	if (result.recovered && result.recovered !== true)
		medicationentryid = idFrom(result.recovered.medicationentryid);
	else if (!medicationentryid) {
		// some answers carry only success (docs/athena-behaviour.md#chart-writes): read the id back
		medicationentryid = idFrom((await added())?.medicationentryid);
		checked = true;
	}
	return toItems(
		[
			{
				patientid: t.patientId,
				departmentid: t.departmentId,
				medicationentryid,
				medicationid,
				added: true,
				...outcome(result, checked),
			},
		],
		i,
	);
}
