import { updateDisplayOptions, type IDataObject, type IExecuteFunctions, type INodeProperties, type INodePropertyOptions } from 'n8n-workflow';

import { athenaRequest } from '../../transport/request';
import { athenaId, listedValue } from '../../shared/ids';
import { compact, inputError, practiceOf, show, toItems } from '../common';
import type { Resource } from '../types';

// Changed-data subscriptions (reference §4): the setup athena's polling feeds need.
export const FEEDS: INodePropertyOptions[] = [
	{ name: 'Allergies', value: 'chart/healthhistory/allergies' },
	{ name: 'Appointments', value: 'appointments' },
	{ name: 'Lab Results', value: 'labresults' },
	{ name: 'Medications', value: 'chart/healthhistory/medication' },
	{ name: 'Patients', value: 'patients' },
	{ name: 'Prescriptions', value: 'prescriptions' },
	{ name: 'Problems', value: 'chart/healthhistory/problems' },
	{ name: 'Providers', value: 'providers' },
];

/** The trigger's "Other Feed" choices: the feeds without their own events. */
export const OTHER_FEEDS = FEEDS.filter((f) => f.value !== 'appointments' && f.value !== 'patients');

const feed: INodeProperties = { displayName: 'Feed', name: 'feed', type: 'options', default: 'appointments', options: FEEDS };
const path = (ctx: IExecuteFunctions, i: number) => `/${listedValue(ctx.getNode(), ctx.getNodeParameter('feed', i), FEEDS, 'Feed', i)}/changed/subscription`;

export const subscription: Resource = {
	subscribe: {
		description: updateDisplayOptions(show('subscription', 'subscribe'), [
			feed,
			{ displayName: 'Event Name', name: 'eventName', type: 'string', default: '', placeholder: 'ScheduleAppointment', description: 'One event to add; empty subscribes to all of the feed\'s default events. List Events shows the names.' },
			{ displayName: 'Department IDs', name: 'departmentIds', type: 'string', default: '', placeholder: '1, 21', description: 'Comma-separated; empty means the whole practice. athena replaces the list each time.' },
		]),
		async execute(this: IExecuteFunctions, i: number) {
			const eventname = (this.getNodeParameter('eventName', i, '') as string).trim();
			if (eventname && !/^[A-Za-z]+$/.test(eventname)) throw inputError(this, i, 'Event Name must be one athena event name such as ScheduleAppointment', `Got "${eventname}".`);
			const departments = (this.getNodeParameter('departmentIds', i, '') as string).split(',').map((d) => d.trim()).filter(Boolean);
			const departmentids = departments.map((d) => athenaId(this.getNode(), d, 'Department IDs', i)).join(',');
			const form = compact({ eventname, departmentids });
			await athenaRequest(this, { method: 'POST', path: path(this, i), form, practiceId: practiceOf(this, i), itemIndex: i, idempotent: true });
			return toItems([{ feed: this.getNodeParameter('feed', i), subscribed: true, ...form, note: 'athena applies subscription changes within minutes (up to 15 in preview)' }], i);
		},
	},
	getStatus: {
		description: updateDisplayOptions(show('subscription', 'getStatus'), [feed]),
		async execute(this: IExecuteFunctions, i: number) {
			const body = (await athenaRequest(this, { method: 'GET', path: path(this, i), practiceId: practiceOf(this, i), itemIndex: i })) as IDataObject;
			return toItems([{ feed: this.getNodeParameter('feed', i), ...body }], i);
		},
	},
	listEvents: {
		description: updateDisplayOptions(show('subscription', 'listEvents'), [feed]),
		async execute(this: IExecuteFunctions, i: number) {
			const body = (await athenaRequest(this, { method: 'GET', path: `${path(this, i)}/events`, practiceId: practiceOf(this, i), itemIndex: i })) as IDataObject;
			return toItems(((body.subscriptions as IDataObject[]) ?? []).map((e) => ({ feed: this.getNodeParameter('feed', i), ...e })), i);
		},
	},
	unsubscribe: {
		description: updateDisplayOptions(show('subscription', 'unsubscribe'), [
			feed,
			{ displayName: 'Event Name', name: 'eventName', type: 'string', default: '', description: 'One event to remove; empty removes the whole subscription' },
		]),
		async execute(this: IExecuteFunctions, i: number) {
			const eventname = (this.getNodeParameter('eventName', i, '') as string).trim();
			await athenaRequest(this, { method: 'DELETE', path: path(this, i), qs: compact({ eventname }), practiceId: practiceOf(this, i), itemIndex: i, idempotent: true });
			return toItems([{ feed: this.getNodeParameter('feed', i), unsubscribed: true, ...compact({ eventname }) }], i);
		},
	},
};

export const subscriptionOperations: INodePropertyOptions[] = [
	{ name: 'Get Status', value: 'getStatus', action: 'Get a feed subscription status' },
	{ name: 'List Events', value: 'listEvents', action: 'List the events of a feed' },
	{ name: 'Subscribe', value: 'subscribe', action: 'Subscribe to a feed' },
	{ name: 'Unsubscribe', value: 'unsubscribe', action: 'Unsubscribe from a feed' },
];
