import type { IExecuteFunctions, INodeProperties } from 'n8n-workflow';

import { listedValue } from '../../shared/ids';
import { FEED_OPTIONS } from '../../trigger/feeds';

// Changed-data subscriptions (docs/athena-behaviour.md): the setup athena's polling feeds need.
// The feeds come from the trigger's feed registry.

export const feedField: INodeProperties = {
	displayName: 'Feed',
	name: 'feed',
	type: 'options',
	default: 'appointments',
	options: FEED_OPTIONS,
};

/** The feed's subscription path; the Feed value becomes path segments, so only listed feeds pass. */
export const subscriptionPath = (ctx: IExecuteFunctions, i: number) =>
	`/${listedValue(ctx.getNode(), ctx.getNodeParameter('feed', i), FEED_OPTIONS, 'Feed', i)}/changed/subscription`;
