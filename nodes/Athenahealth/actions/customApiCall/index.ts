import type { ResourceDefinition } from '../types';
import * as call from './call.operation';

export const customApiCall: ResourceDefinition = {
	name: 'Custom API Call',
	value: 'customApiCall',
	default: 'call',
	operations: [call],
};
