import { updateDisplayOptions, type IExecuteFunctions } from 'n8n-workflow';

import { athenaId } from '../../shared/ids';
import { athenaRequest } from '../../transport/request';
import { show } from '../fields';
import { toItems } from '../output';
import { compact, inputError, practiceOf } from '../params';
import { feedField, subscriptionPath } from './common';

export const option = { name: 'Subscribe', value: 'subscribe', action: 'Subscribe to a feed' };

export const toolDescription =
	'Subscribe the athenahealth practice to a changed-data feed. Returns the subscription status.';

export const writes = true;

export const description = updateDisplayOptions(show('subscription', 'subscribe'), [
	feedField,
	{
		displayName: 'Event Name',
		name: 'eventName',
		type: 'string',
		default: '',
		placeholder: 'ScheduleAppointment',
		description:
			"One event to add; empty subscribes to all of the feed's default events. List Events shows the names.",
	},
	{
		displayName: 'Department IDs',
		name: 'departmentIds',
		type: 'string',
		default: '',
		placeholder: '1, 21',
		description:
			'Comma-separated; empty means the whole practice. athena replaces the list each time.',
	},
]);

export async function execute(this: IExecuteFunctions, i: number) {
	const eventname = (this.getNodeParameter('eventName', i, '') as string).trim();
	if (eventname && !/^[A-Za-z]+$/.test(eventname))
		throw inputError(
			this,
			i,
			'Event Name must be one athena event name such as ScheduleAppointment',
			`Got "${eventname}".`,
		);
	const departments = (this.getNodeParameter('departmentIds', i, '') as string)
		.split(',')
		.map((d) => d.trim())
		.filter(Boolean);
	const departmentids = departments
		.map((d) => athenaId(this.getNode(), d, 'Department IDs', i))
		.join(',');
	const form = compact({ eventname, departmentids });
	await athenaRequest(this, {
		method: 'POST',
		path: subscriptionPath(this, i),
		form,
		practiceId: practiceOf(this, i),
		itemIndex: i,
		idempotent: true,
	});
	return toItems(
		[
			{
				feed: this.getNodeParameter('feed', i),
				subscribed: true,
				...form,
				note: 'athena applies subscription changes within minutes (up to 15 in preview)',
			},
		],
		i,
	);
}
