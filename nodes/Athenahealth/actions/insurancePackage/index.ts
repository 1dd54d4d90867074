import type { INodePropertyOptions } from 'n8n-workflow';

import * as search from './search.operation';

export const insurancePackage = { search };

export const insurancePackageOperations: INodePropertyOptions[] = [
	{ name: 'Search', value: 'search', action: 'Search insurance packages', description: 'Find the package (plan) ID for a new policy by plan name and member ID (both required); at most 15 packages' },
];
