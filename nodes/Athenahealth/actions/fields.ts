import type { INodeProperties } from 'n8n-workflow';

// Parameters many operations share, and how an operation's fields are shown for it alone.

export const returnAllAndLimit: INodeProperties[] = [
	{
		displayName: 'Return All',
		name: 'returnAll',
		type: 'boolean',
		default: false,
		description: 'Whether to return all results or only up to a given limit',
	},
	{
		displayName: 'Limit',
		name: 'limit',
		type: 'number',
		default: 50,
		typeOptions: { minValue: 1 },
		description: 'Max number of results to return',
		displayOptions: { show: { returnAll: [false] } },
	},
];

export const simplifyField: INodeProperties = {
	displayName: 'Simplify',
	name: 'simplify',
	type: 'boolean',
	default: false,
	description: "Whether to return only the most used fields instead of athena's full record",
};

export function show(resource: string, operation: string) {
	return { show: { resource: [resource], operation: [operation] } };
}
