import type { IExecuteFunctions } from 'n8n-workflow';

import { problemIdField, removeProblem } from './problemRemoval';
import { chartWriteFields } from './writes';

export const option = {
	name: 'Deactivate Problem',
	value: 'deactivateProblem',
	action: 'Deactivate a problem in a patient chart',
	description: 'Mark a problem inactive (it stays in the chart, shown with Show Inactive)',
};

export const toolDescription =
	"Deactivate (hide) a problem on an athenahealth patient's problem list; it stays in the chart as " +
	'inactive. Returns the problem ID and whether it was deactivated.';

export const writes = true;

export const description = chartWriteFields('deactivateProblem', [problemIdField]);

export async function execute(this: IExecuteFunctions, i: number) {
	return await removeProblem(this, i, false);
}
