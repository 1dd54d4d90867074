import type { ResourceDefinition } from '../types';
import * as getCapabilities from './getCapabilities.operation';
import * as read from './read.operation';
import * as search from './search.operation';
import { resourceTypeField } from './fields';

export const fhir: ResourceDefinition = {
	name: 'FHIR',
	resource: 'fhir',
	defaultOperation: 'search',
	operations: [search, read, getCapabilities],
	fields: [resourceTypeField(['search', 'read'])],
};
