import { updateDisplayOptions, type IExecuteFunctions } from 'n8n-workflow';

import { athenaRequest } from '../../transport/request';
import { show } from '../fields';
import { toItems } from '../output';
import { compact, practiceOf } from '../params';
import { feedField, subscriptionPath } from './common';

export const option = {
	name: 'Unsubscribe',
	value: 'unsubscribe',
	action: 'Unsubscribe from a feed',
};

export const toolDescription =
	'Unsubscribe the athenahealth practice from a changed-data feed. Returns the result.';

export const writes = true;

export const description = updateDisplayOptions(show('subscription', 'unsubscribe'), [
	feedField,
	{
		displayName: 'Event Name',
		name: 'eventName',
		type: 'string',
		default: '',
		description: 'One event to remove; empty removes the whole subscription',
	},
]);

export async function execute(this: IExecuteFunctions, i: number) {
	const eventname = (this.getNodeParameter('eventName', i, '') as string).trim();
	await athenaRequest(this, {
		method: 'DELETE',
		path: subscriptionPath(this, i),
		qs: compact({ eventname }),
		practiceId: practiceOf(this, i),
		itemIndex: i,
		idempotent: true,
	});
	return toItems(
		[{ feed: this.getNodeParameter('feed', i), unsubscribed: true, ...compact({ eventname }) }],
		i,
	);
}
