import type { ResourceDefinition } from '../types';
import * as search from './search.operation';

export const insurancePackage: ResourceDefinition = {
	name: 'Insurance Package',
	resource: 'insurancePackage',
	defaultOperation: 'search',
	operations: [search],
};
