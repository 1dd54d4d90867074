import type { IExecuteFunctions } from 'n8n-workflow';

import { problemIdField, removeProblem } from './problemRemoval';
import { chartWriteFields } from './writes';

export const option = {
	name: 'Delete Problem Added in Error',
	value: 'deleteProblemAddedInError',
	action: 'Delete a problem added in error',
	description: 'Permanently delete a problem that was added by mistake (use Deactivate otherwise)',
};

export const toolDescription =
	"Permanently delete a problem that was added to an athenahealth patient's chart by mistake. Use only " +
	'for errors; to end a real problem, deactivate it. Returns the problem ID and whether it was deleted.';

export const writes = true;

export const description = chartWriteFields('deleteProblemAddedInError', [
	{
		displayName:
			'This deletes the problem permanently, as athena does for a problem added in error. To record that a real problem ended, use Deactivate Problem.',
		name: 'deleteNotice',
		type: 'notice',
		default: '',
	},
	problemIdField,
]);

export async function execute(this: IExecuteFunctions, i: number) {
	return await removeProblem(this, i, true);
}
