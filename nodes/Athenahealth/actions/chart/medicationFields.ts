import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';

import { compact, dateValue, checkRange } from '../params';

// The fields of a historical medication entry (docs/athena-behaviour.md#chart-sections).

export const medicationFields: INodeProperties[] = [
	{
		displayName: 'Hidden',
		name: 'hidden',
		type: 'boolean',
		default: false,
		description: 'Whether to hide the entry from the active medication list',
	},
	{ displayName: 'Patient Note', name: 'patientnote', type: 'string', default: '' },
	{ displayName: 'Provider Note', name: 'providernote', type: 'string', default: '' },
	{
		displayName: 'Sig',
		name: 'unstructuredsig',
		type: 'string',
		default: '',
		placeholder: 'Take 1 tablet daily.',
		description: 'How the patient takes it, as free text',
	},
	{
		displayName: 'Start Date',
		name: 'startdate',
		type: 'string',
		default: '',
		placeholder: '2026-01-31',
	},
	{
		displayName: 'Stop Date',
		name: 'stopdate',
		type: 'string',
		default: '',
		placeholder: '2026-06-30',
	},
	{
		displayName: 'Stop Reason',
		name: 'stopreason',
		type: 'string',
		default: '',
	},
];

export function medicationForm(ctx: IExecuteFunctions, i: number, fields: IDataObject) {
	const startdate = dateValue(ctx, fields.startdate, i, 'Start Date', { optional: true });
	const stopdate = dateValue(ctx, fields.stopdate, i, 'Stop Date', { optional: true });
	checkRange(ctx, i, startdate, stopdate, 'Start Date', 'Stop Date');
	return compact({
		...fields,
		startdate,
		stopdate,
		hidden: fields.hidden === undefined ? undefined : fields.hidden ? 'true' : 'false',
	});
}
