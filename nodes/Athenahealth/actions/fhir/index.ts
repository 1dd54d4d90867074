import type { INodePropertyOptions } from 'n8n-workflow';

import * as getCapabilities from './getCapabilities.operation';
import * as read from './read.operation';
import * as search from './search.operation';

export { resourceTypeField } from './fields';
export const fhir = { search, read, getCapabilities };

export const fhirOperations: INodePropertyOptions[] = [
	{ name: 'Get Capabilities', value: 'getCapabilities', action: "Get athena's FHIR capability statement", description: 'What the FHIR server supports: resource types, search parameters, operations' },
	{ name: 'Read', value: 'read', action: 'Read a FHIR resource', description: 'Get one resource by its FHIR ID' },
	{ name: 'Search', value: 'search', action: 'Search FHIR resources', description: 'Search one resource type in the practice, following every page' },
];
