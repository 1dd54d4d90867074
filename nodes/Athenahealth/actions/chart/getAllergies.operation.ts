import type { IDataObject, IExecuteFunctions } from 'n8n-workflow';

import { toItems } from '../output';
import { chartFields, chartSection, withPatient } from './common';

export const option = {
	name: 'Get Allergies',
	value: 'getAllergies',
	action: 'Get the allergies of a patient',
	description:
		"Read a patient's allergies (patient and department IDs, digits); one item per allergy with the chart's NKDA flag",
};

export const toolDescription =
	"List the allergies recorded in an athenahealth patient's chart for one department. Returns one allergy per item with allergen, reactions and onset.";

export const writes = false;

export const description = chartFields('getAllergies', [
	{
		displayName: 'Show Inactive',
		name: 'showinactive',
		type: 'boolean',
		default: false,
		description: 'Whether to include inactive allergies',
	},
]);

export async function execute(this: IExecuteFunctions, i: number) {
	const { call, body } = await chartSection(this, i, 'allergies');
	// the section's "no known drug allergies" flag goes on each item, since it qualifies the list
	const nkda = body.nkda === true || body.nkda === 'true';
	return toItems(
		withPatient(
			call,
			((body.allergies as IDataObject[]) ?? []).map((a) => ({ ...a, nkda })),
		),
		i,
	);
}
