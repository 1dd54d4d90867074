import {
	updateDisplayOptions,
	type IDataObject,
	type IExecuteFunctions,
	type IHttpRequestMethods,
	type INodeProperties,
} from 'n8n-workflow';

import { athenaList } from '../../transport/paginate';
import { athenaRequest } from '../../transport/request';
import { safeApiPath } from '../../shared/ids';
import { single, toItems } from '../output';
import { practiceOf } from '../params';

export const option = {
	name: 'Call',
	value: 'call',
	action: 'Call any athenaNet endpoint',
	description: 'Send a request to any athenaNet path under the practice',
};

export const toolDescription =
	'Call any athenaNet API endpoint of the athenahealth practice directly. GET reads; POST, PUT and DELETE are writes: confirm with the user ' +
	"before calling them. Returns athena's response.";

// A model is told in the description above which methods write; the node cannot know in advance.
export const writes = false;

function nameValueList(
	name: string,
	displayName: string,
	entry: string,
	entryName: string,
): INodeProperties {
	return {
		displayName,
		name,
		type: 'fixedCollection',
		typeOptions: { multipleValues: true },
		default: {},
		options: [
			{
				name: entry,
				displayName: entryName,
				values: [
					{ displayName: 'Name', name: 'name', type: 'string', default: '' },
					{ displayName: 'Value', name: 'value', type: 'string', default: '' },
				],
			},
		],
	};
}

const properties: INodeProperties[] = [
	{
		displayName: 'Method',
		name: 'method',
		type: 'options',
		default: 'GET',
		options: [
			{ name: 'DELETE', value: 'DELETE' },
			{ name: 'GET', value: 'GET' },
			{ name: 'POST', value: 'POST' },
			{ name: 'PUT', value: 'PUT' },
		],
	},
	{
		displayName: 'Path',
		name: 'path',
		type: 'string',
		default: '',
		required: true,
		placeholder: '/departments',
		description: 'Path below /v1/{practiceid}, e.g. /patients/1 or /appointments/booked',
	},
	nameValueList('query', 'Query Parameters', 'parameter', 'Parameter'),
	{
		...nameValueList('form', 'Form Fields', 'field', 'Field'),
		description: 'Sent form-encoded, as athena expects for POST and PUT',
		displayOptions: { hide: { method: ['GET'] } },
	},
	{
		displayName: 'Paginate',
		name: 'paginate',
		type: 'boolean',
		default: false,
		description:
			"Whether to follow athena's next links and return every record of a list response, one item each",
		displayOptions: { show: { method: ['GET'] } },
	},
	{
		displayName: 'Page Size',
		name: 'pageSize',
		type: 'number',
		default: 0,
		typeOptions: { minValue: 0 },
		description: "Records per request; 0 uses the endpoint's maximum",
		displayOptions: { show: { method: ['GET'], paginate: [true] } },
	},
	{
		displayName: 'Max Records',
		name: 'maxRecords',
		type: 'number',
		default: 0,
		typeOptions: { minValue: 0 },
		description: 'Stop after this many records; 0 means all',
		displayOptions: { show: { method: ['GET'], paginate: [true] } },
	},
	{
		displayName: 'Retry Writes on Server Errors',
		name: 'idempotent',
		type: 'boolean',
		default: false,
		description:
			'Whether this POST/PUT/DELETE is safe to send twice, so 502-504 and dropped connections are retried. Leave off unless repeating it cannot ' +
			'create duplicates.',
		displayOptions: { hide: { method: ['GET'] } },
	},
];

export const description = updateDisplayOptions(
	{ show: { resource: ['customApiCall'], operation: ['call'] } },
	properties,
);

function pairs(value: unknown, key: string): IDataObject {
	const out: IDataObject = {};
	for (const entry of ((value as IDataObject)?.[key] as IDataObject[]) ?? []) {
		if (entry.name) out[String(entry.name)] = entry.value as string;
	}
	return out;
}

export async function execute(this: IExecuteFunctions, i: number) {
	const method = this.getNodeParameter('method', i) as IHttpRequestMethods;
	const path = safeApiPath(this.getNode(), this.getNodeParameter('path', i), 'Path', i);
	const qs = pairs(this.getNodeParameter('query', i, {}), 'parameter');
	const practiceId = practiceOf(this, i);
	if (method === 'GET' && this.getNodeParameter('paginate', i, false)) {
		const pageSize = this.getNodeParameter('pageSize', i, 0) as number;
		const max = this.getNodeParameter('maxRecords', i, 0) as number;
		const records = await athenaList(this, {
			method,
			path,
			qs,
			practiceId,
			itemIndex: i,
			pageSize: pageSize || undefined,
			maxItems: max || undefined,
		});
		return toItems(records, i);
	}
	const body = await athenaRequest(this, {
		method,
		path,
		qs,
		form: method === 'GET' ? undefined : pairs(this.getNodeParameter('form', i, {}), 'field'),
		practiceId,
		itemIndex: i,
		idempotent:
			method === 'GET' ? true : (this.getNodeParameter('idempotent', i, false) as boolean),
	});
	if (Array.isArray(body)) return toItems(body as IDataObject[], i);
	return toItems([single(body)], i);
}
