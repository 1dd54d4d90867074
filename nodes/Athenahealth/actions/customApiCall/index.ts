import type { ResourceDefinition } from '../types';
import * as call from './call.operation';

export const customApiCall: ResourceDefinition = {
	name: 'Custom API Call',
	resource: 'customApiCall',
	defaultOperation: 'call',
	operations: [call],
};
