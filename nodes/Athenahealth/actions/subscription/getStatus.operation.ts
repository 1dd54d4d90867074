import { updateDisplayOptions, type IDataObject, type IExecuteFunctions } from 'n8n-workflow';

import { athenaRequest } from '../../transport/request';
import { show } from '../fields';
import { toItems } from '../output';
import { practiceOf } from '../params';
import { feedField, subscriptionPath } from './common';

export const option = {
	name: 'Get Status',
	value: 'getStatus',
	action: 'Get a feed subscription status',
};

export const toolDescription =
	'Get the status of an athenahealth changed-data feed subscription. Returns whether it is active and its events.';

export const writes = false;

export const description = updateDisplayOptions(show('subscription', 'getStatus'), [feedField]);

export async function execute(this: IExecuteFunctions, i: number) {
	const body = (await athenaRequest(this, {
		method: 'GET',
		path: subscriptionPath(this, i),
		practiceId: practiceOf(this, i),
		itemIndex: i,
	})) as IDataObject;
	return toItems([{ feed: this.getNodeParameter('feed', i), ...body }], i);
}
