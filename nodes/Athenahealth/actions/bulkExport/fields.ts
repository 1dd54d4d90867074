import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';

import { dateValue, inputError } from '../params';
import { FHIR_TYPES } from '../../shared/fhirTypes';
import { fhirId, listedValue } from '../../shared/ids';

// Resource types athena's Group export can include (system/<Type>.read scopes,
// docs/athena-behaviour.md#bulk-scopes).
export const BULK_TYPES = FHIR_TYPES.filter((f) => f.bulk).map((f) => f.type);

export const startFields: INodeProperties[] = [
	{
		displayName: 'Group ID',
		name: 'groupId',
		type: 'string',
		default: '',
		placeholder: 'a-1.c-195900 (the practice)',
		description:
			"The group to export. Empty exports the whole practice (athena's Group a-1.c-{practiceid}, the only export athena offers).",
	},
	{
		displayName: 'Resource Types',
		name: 'resourceTypes',
		type: 'multiOptions',
		default: [],
		options: BULK_TYPES.map((t) => ({ name: t, value: t })),
		description:
			'Types to export (_type). None selected exports every type the app may read; athena recommends choosing a few.',
	},
	{
		displayName: 'Since',
		name: 'since',
		type: 'dateTime',
		default: '',
		description: 'Only resources changed after this time (_since)',
	},
	{
		displayName: 'Export Options',
		name: 'exportOptions',
		type: 'collection',
		placeholder: 'Add Option',
		default: {},
		options: [
			{
				displayName: 'Elements',
				name: 'elements',
				type: 'string',
				default: '',
				placeholder: 'code,subject,status',
				description: 'Only these top-level elements (_elements, comma-separated)',
			},
			{
				displayName: 'Kick-Off Method',
				name: 'method',
				type: 'options',
				options: [
					{ name: 'GET (Query Parameters)', value: 'GET' },
					{ name: 'POST (Parameters Body)', value: 'POST' },
				],
				default: 'GET',
				description: 'How the export is requested',
			},
			{
				displayName: 'Output Format',
				name: 'outputFormat',
				type: 'string',
				default: 'application/fhir+ndjson',
				description: 'The _outputFormat to ask for',
			},
			{
				displayName: 'Type Filter',
				name: 'typeFilter',
				type: 'string',
				default: '',
				placeholder: 'Observation?category=laboratory',
				description: 'FHIR search queries that narrow each type (_typeFilter, comma-separated)',
			},
		],
	},
];

export const statusUrlField: INodeProperties = {
	displayName: 'Status URL',
	name: 'statusUrl',
	type: 'string',
	default: '={{ $json.statusUrl }}',
	required: true,
	description: "The status URL the Start operation returned (athena's Content-Location)",
};

export const downloadFields: INodeProperties[] = [
	{
		displayName: 'Output',
		name: 'output',
		type: 'options',
		options: [
			{
				name: 'One Binary NDJSON File per Item',
				value: 'binary',
				description: 'Streams each file into n8n binary data; memory stays flat whatever the size',
			},
			{
				name: 'One Resource per Item',
				value: 'resources',
				description: 'Parses the files into items, up to Max Resources',
			},
		],
		default: 'binary',
	},
	{
		displayName: 'Max Resources',
		name: 'maxResources',
		type: 'number',
		default: 1000,
		typeOptions: { minValue: 1 },
		description: 'Stop after this many resources (all files together); items are held in memory',
		displayOptions: { show: { output: ['resources'] } },
	},
	{
		displayName: 'Put Output File in Field',
		name: 'binaryPropertyName',
		type: 'string',
		default: 'data',
		description: 'The binary field each file goes to',
		displayOptions: { show: { output: ['binary'] } },
	},
	{
		displayName: 'Download Options',
		name: 'downloadOptions',
		type: 'collection',
		placeholder: 'Add Option',
		default: {},
		options: [
			{
				displayName: 'Resume',
				name: 'resume',
				type: 'boolean',
				default: true,
				description:
					'Whether to skip files this node already output for the same status URL, and re-use files it finished before an interruption ' +
					'instead of fetching them again (binary output, active workflows)',
			},
			{
				displayName: 'Send Authorization To Origins',
				name: 'authOrigins',
				type: 'string',
				default: '',
				placeholder: 'https://files.example.com',
				description:
					'Other origins (comma-separated) that may receive the access token when the manifest says files need it. By default the token goes only ' +
					"to athena's API origin.",
			},
		],
	},
];

/** Kick-off parameters from the node's fields, validated before any call. */
export function exportRequest(ctx: IExecuteFunctions, i: number, practiceId: string) {
	const rawGroup = String(ctx.getNodeParameter('groupId', i, '') ?? '').trim();
	const groupId = rawGroup
		? fhirId(ctx.getNode(), rawGroup.replace(/^Group\//, ''), 'Group', practiceId, 'Group ID', i)
		: `a-1.c-${practiceId}`;
	const params: Array<[string, string]> = [];
	const listed = BULK_TYPES.map((t) => ({ name: t, value: t }));
	const types = (ctx.getNodeParameter('resourceTypes', i, []) as unknown[]).map((t) =>
		listedValue(ctx.getNode(), t, listed, 'Resource Types', i),
	);
	if (types.length) params.push(['_type', types.join(',')]);
	const sinceRaw = ctx.getNodeParameter('since', i, '') as string;
	if (sinceRaw) {
		dateValue(ctx, sinceRaw, i, 'Since', { withTime: true });
		const since = new Date(sinceRaw);
		if (Number.isNaN(since.getTime()))
			throw inputError(
				ctx,
				i,
				'Since is not a date-time',
				'Use an ISO date-time such as 2026-01-01T00:00:00Z.',
			);
		params.push(['_since', since.toISOString()]);
	}
	const o = ctx.getNodeParameter('exportOptions', i, {}) as IDataObject;
	if (o.typeFilter) params.push(['_typeFilter', String(o.typeFilter)]);
	if (o.elements) params.push(['_elements', String(o.elements)]);
	if (o.outputFormat) params.push(['_outputFormat', String(o.outputFormat)]);
	return {
		groupId,
		params,
		types,
		method: (o.method === 'POST' ? 'POST' : 'GET') as 'GET' | 'POST',
	};
}
