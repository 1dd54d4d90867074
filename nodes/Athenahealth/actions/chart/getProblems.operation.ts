import type { IDataObject, IExecuteFunctions } from 'n8n-workflow';

import { toItems } from '../output';
import { chartFields, chartSection, withPatient } from './common';

export const option = {
	name: 'Get Problems',
	value: 'getProblems',
	action: 'Get the problems of a patient',
	description:
		"Read a patient's problem list (patient and department IDs, digits); one item per problem",
};

export const toolDescription =
	"List the problems (conditions) in an athenahealth patient's chart for one department. Returns one problem per item with its code, name, " +
	'status and dates (with YYYY-MM-DD companions).';

export const writes = false;

export const description = chartFields('getProblems', [
	{
		displayName: 'Show Diagnosis Info',
		name: 'showdiagnosisinfo',
		type: 'boolean',
		default: false,
		description: 'Whether to add encounter diagnoses and the best matching ICD-10 code',
	},
	{
		displayName: 'Show Inactive',
		name: 'showinactive',
		type: 'boolean',
		default: false,
		description: 'Whether to include inactive (hidden) problems',
	},
]);

export async function execute(this: IExecuteFunctions, i: number) {
	const { call, body } = await chartSection(this, i, 'problems');
	return toItems(withPatient(call, (body.problems as IDataObject[]) ?? []), i);
}
