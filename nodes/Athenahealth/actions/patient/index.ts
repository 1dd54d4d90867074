import type { ResourceDefinition } from '../types';
import * as create from './create.operation';
import * as findBestMatch from './findBestMatch.operation';
import * as get from './get.operation';
import * as getAll from './getAll.operation';
import * as search from './search.operation';
import * as update from './update.operation';

export const patient: ResourceDefinition = {
	name: 'Patient',
	resource: 'patient',
	defaultOperation: 'get',
	operations: [get, search, findBestMatch, create, update, getAll],
};
