import type { ResourceDefinition } from '../types';
import * as get from './get.operation';
import * as getAll from './getAll.operation';

export const practice: ResourceDefinition = {
	name: 'Practice',
	resource: 'practice',
	defaultOperation: 'getAll',
	operations: [getAll, get],
};
