import type { IDataObject, IExecuteFunctions } from 'n8n-workflow';

import { toItems } from '../output';
import { chartFields, chartSection, withPatient } from './common';

export const option = {
	name: 'Get Medications',
	value: 'getMedications',
	action: 'Get the medications of a patient',
	description:
		"Read a patient's medications (patient and department IDs); one item per medication entry",
};

export const toolDescription =
	"List the medications in an athenahealth patient's chart for one department. Returns one medication per item with name, dosage, status and dates.";

export const writes = false;

export const description = chartFields('getMedications', [
	{
		displayName: 'Medication Type',
		name: 'medicationtype',
		type: 'options',
		default: 'ACTIVE',
		options: [
			{ name: 'Active', value: 'ACTIVE' },
			{ name: 'Denied', value: 'DENIED' },
			{ name: 'Historical', value: 'HISTORICAL' },
		],
	},
	{
		displayName: 'Show NDC',
		name: 'showndc',
		type: 'boolean',
		default: false,
		description: 'Whether to include NDC codes',
	},
	{
		displayName: 'Show Pending',
		name: 'showpend',
		type: 'boolean',
		default: false,
		description: 'Whether to include pending medications',
	},
	{
		displayName: 'Show RxNorm',
		name: 'showrxnorm',
		type: 'boolean',
		default: false,
		description: 'Whether to include RxNorm codes',
	},
]);

export async function execute(this: IExecuteFunctions, i: number) {
	const { call, body } = await chartSection(this, i, 'medications');
	// athena sends an array of arrays: each inner array is one medication's entries (entered
	// history, prescriptions). One item per entry; `medicationgroup` says which medication it is.
	const groups = Array.isArray(body.medications) ? (body.medications as unknown[]) : [];
	const entries = groups.flatMap((group, n) =>
		(Array.isArray(group) ? group : [group]).map((entry) => ({
			medicationgroup: n + 1,
			...(entry as IDataObject),
		})),
	);
	return toItems(withPatient(call, entries), i);
}
