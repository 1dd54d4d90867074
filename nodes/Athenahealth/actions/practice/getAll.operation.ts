import { updateDisplayOptions, type IExecuteFunctions } from 'n8n-workflow';

import { show } from '../fields';
import { toItems } from '../output';
import { reachablePractices } from './common';

export const option = {
	name: 'Get Many',
	value: 'getAll',
	action: 'Get many practices',
	description:
		'List the practices this credential can reach, and whether the credential allows calls to each',
};

export const toolDescription =
	'List the athenahealth practices this app can reach. Returns practices with practice ID, name and whether the credential allows it.';

export const writes = false;

export const description = updateDisplayOptions(show('practice', 'getAll'), [
	{
		displayName:
			"Lists every practice athena lets this credential reach. Calls go only to practices in the credential's Allowed Practice IDs " +
			'(allowedByCredential in the output).',
		name: 'practiceNotice',
		type: 'notice',
		default: '',
	},
]);

export async function execute(this: IExecuteFunctions, i: number) {
	return toItems(await reachablePractices(this, i), i);
}
