import { updateDisplayOptions, type IExecuteFunctions } from 'n8n-workflow';

import { recordsOf } from '../../transport/paginate';
import { athenaRequest } from '../../transport/request';
import { show } from '../fields';
import { toItems } from '../output';
import { practiceOf } from '../params';
import { flags } from './common';

export const option = {
	name: 'Get',
	value: 'get',
	action: 'Get a practice',
	description: "Read one practice (the Practice ID below, or the credential's)",
};

export const toolDescription =
	'Get the details of one athenahealth practice. Returns its name, address and settings.';

export const writes = false;

export const description = updateDisplayOptions(show('practice', 'get'), [
	{
		displayName:
			"Reads the practice set in Practice ID below (empty: the credential's practice), with its public names and settings",
		name: 'practiceGetNotice',
		type: 'notice',
		default: '',
	},
]);

export async function execute(this: IExecuteFunctions, i: number) {
	const body = await athenaRequest(this, {
		method: 'GET',
		path: '/practiceinfo',
		practiceId: practiceOf(this, i),
		itemIndex: i,
	});
	return toItems(recordsOf(body, 'practiceinfo').records.slice(0, 1).map(flags), i);
}
