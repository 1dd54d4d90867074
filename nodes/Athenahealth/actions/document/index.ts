import type { ResourceDefinition } from '../types';
import * as get from './get.operation';
import * as getAll from './getAll.operation';
import * as upload from './upload.operation';

export const document: ResourceDefinition = {
	name: 'Document',
	resource: 'document',
	defaultOperation: 'getAll',
	operations: [getAll, get, upload],
};
