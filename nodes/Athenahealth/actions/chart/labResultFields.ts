import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';

import { athenaList } from '../../transport/paginate';
import { athenaRequest } from '../../transport/request';
import { single } from '../output';
import { inputError } from '../params';
import type { ChartTarget } from './writes';

// Analytes of a lab result document (docs/athena-behaviour.md#lab-results): analytename is the
// one field athena requires.

export const ABNORMAL_FLAGS = [
	'ABNORMAL',
	'CRITICAL',
	'CRITICAL HIGH',
	'CRITICAL LOW',
	'HIGH',
	'LOW',
	'NORMAL',
];

export const analyteValues = (withId: boolean): INodeProperties[] => [
	...(withId
		? [
				{
					displayName: 'Analyte ID',
					name: 'analyteid',
					type: 'string' as const,
					default: '',
					description: 'The analyte to change (analyteid on the lab result)',
				},
			]
		: []),
	{
		displayName: 'Abnormal Flag',
		name: 'abnormalflag',
		type: 'options',
		default: '',
		options: [
			{ name: '(Not Set)', value: '' },
			...ABNORMAL_FLAGS.map((f) => ({
				name: f.toLowerCase().replace(/\b\w/g, (c) => c.toUpperCase()),
				value: f,
			})),
		],
	},
	{
		displayName: 'LOINC',
		name: 'loinc',
		type: 'string',
		default: '',
		placeholder: '2345-7',
	},
	{
		displayName: 'Name',
		name: 'analytename',
		type: 'string',
		default: '',
		description: withId
			? 'A new name (leave empty to keep it)'
			: 'The analyte (athena requires it)',
	},
	{ displayName: 'Note', name: 'note', type: 'string', default: '' },
	{
		displayName: 'Reference Range',
		name: 'referencerange',
		type: 'string',
		default: '',
		placeholder: '70-99',
	},
	{
		displayName: 'Result Status',
		name: 'resultstatus',
		type: 'string',
		default: '',
		placeholder: 'Final',
	},
	{ displayName: 'Units', name: 'units', type: 'string', default: '', placeholder: 'mg/dL' },
	{ displayName: 'Value', name: 'value', type: 'string', default: '' },
];

/** The analytes of a fixedCollection, checked: names (and ids when updating) present, empty fields left out. */
export function readAnalytes(
	ctx: IExecuteFunctions,
	i: number,
	param: string,
	withId: boolean,
): IDataObject[] {
	const list =
		((ctx.getNodeParameter(param, i, {}) as IDataObject).analyte as IDataObject[] | undefined) ??
		[];
	return list.map((a, n) => {
		const out: IDataObject = {};
		for (const [k, v] of Object.entries(a))
			if (v !== undefined && v !== '' && v !== null) out[k] = typeof v === 'string' ? v.trim() : v;
		if (withId && !/^\d{1,18}$/.test(String(out.analyteid ?? '')))
			throw inputError(
				ctx,
				i,
				`Analyte ${n + 1}: Analyte ID must be digits`,
				`Got ${out.analyteid ? `"${String(out.analyteid)}"` : 'nothing'}. Read it from Chart → Get Lab Results (analytes).`,
			);
		if (!withId && !out.analytename)
			throw inputError(
				ctx,
				i,
				`Analyte ${n + 1}: Name is required`,
				'athena refuses an analyte without a name.',
			);
		return out;
	});
}

/**
 * The lab result document already filed for this accession id (and observation date, when
 * given), found by reading the chart: the list, then each candidate's document, which carries
 * the accession id (docs/athena-behaviour.md#lab-results).
 */
export async function findFiled(
	ctx: IExecuteFunctions,
	i: number,
	t: ChartTarget,
	accessionid: string,
	observationdate?: string,
): Promise<string | undefined> {
	const results = await athenaList(ctx, {
		method: 'GET',
		path: `/chart/${t.patientId}/labresults`,
		wrapper: 'results',
		qs: { departmentid: t.departmentId, showhidden: 'true' },
		practiceId: t.practiceId,
		itemIndex: i,
	});
	const candidates = results.filter(
		(r) =>
			!observationdate ||
			!r.labresultdate ||
			String(r.labresultdate).slice(0, 10) === observationdate,
	);
	// newest first: a re-sent result is most likely among the last filed
	for (const r of candidates.slice(-50).reverse()) {
		const id = String(r.labresultid ?? '');
		if (!/^\d+$/.test(id)) continue;
		const doc = single(
			await athenaRequest(ctx, {
				method: 'GET',
				path: `/patients/${t.patientId}/documents/labresult/${id}`,
				practiceId: t.practiceId,
				itemIndex: i,
			}),
		);
		const acc = doc.externalaccessionid ?? doc.accessionid;
		if (acc !== undefined && String(acc) === accessionid) return id;
	}
	return undefined;
}
