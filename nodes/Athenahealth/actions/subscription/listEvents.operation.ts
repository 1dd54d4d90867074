import { updateDisplayOptions, type IDataObject, type IExecuteFunctions } from 'n8n-workflow';

import { athenaRequest } from '../../transport/request';
import { show } from '../fields';
import { toItems } from '../output';
import { practiceOf } from '../params';
import { feedField, subscriptionPath } from './common';

export const option = {
	name: 'List Events',
	value: 'listEvents',
	action: 'List the events of a feed',
};

export const toolDescription =
	'Read the pending changes of an athenahealth changed-data feed. Reading consumes them: another reader will not see them again. Returns the changed records.';

export const writes = false;

export const description = updateDisplayOptions(show('subscription', 'listEvents'), [feedField]);

export async function execute(this: IExecuteFunctions, i: number) {
	const body = (await athenaRequest(this, {
		method: 'GET',
		path: `${subscriptionPath(this, i)}/events`,
		practiceId: practiceOf(this, i),
		itemIndex: i,
	})) as IDataObject;
	return toItems(
		((body.subscriptions as IDataObject[]) ?? []).map((e) => ({
			feed: this.getNodeParameter('feed', i),
			...e,
		})),
		i,
	);
}
