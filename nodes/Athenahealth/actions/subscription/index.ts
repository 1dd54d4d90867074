import type { ResourceDefinition } from '../types';
import * as getStatus from './getStatus.operation';
import * as listEvents from './listEvents.operation';
import * as subscribe from './subscribe.operation';
import * as unsubscribe from './unsubscribe.operation';

export const subscription: ResourceDefinition = {
	name: 'Change Subscription',
	resource: 'subscription',
	defaultOperation: 'subscribe',
	operations: [subscribe, getStatus, listEvents, unsubscribe],
};
