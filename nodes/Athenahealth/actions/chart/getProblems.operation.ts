import type { IDataObject, IExecuteFunctions } from 'n8n-workflow';

import { toItems } from '../common';
import { chartFields, chartSection, withPatient } from './common';

export const description = chartFields('getProblems', [
	{ displayName: 'Show Diagnosis Info', name: 'showdiagnosisinfo', type: 'boolean', default: false, description: 'Whether to add encounter diagnoses and the best matching ICD-10 code' },
	{ displayName: 'Show Inactive', name: 'showinactive', type: 'boolean', default: false, description: 'Whether to include inactive (hidden) problems' },
]);

export async function execute(this: IExecuteFunctions, i: number) {
	const { call, body } = await chartSection(this, i, 'problems');
	return toItems(withPatient(call, (body.problems as IDataObject[]) ?? []), i);
}
