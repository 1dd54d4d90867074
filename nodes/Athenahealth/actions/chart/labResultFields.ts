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

/** The line File Lab Result adds to the internal note of a result from an ORU: its ordered test (OBR-4). */
export const testNote = (testkey: string) => `Ordered test (OBR-4): ${testkey}`;

export interface FiledMatch {
	/** The ordered test (OBR-4 code^text) of a result from an ORU. */
	testkey?: string;
	/** athena's result status (Final, Corrected, …). */
	resultstatus?: string;
}

/**
 * A lab result already in the chart with this accession id (on the observation date, when given),
 * found by reading the chart: the list (every page, in no assumed order), then each candidate's
 * document, which carries the accession id (docs/athena-behaviour.md#lab-results). With a test
 * key, a result is the same only when its internal note names the same ordered test; with a result
 * status, only when its status is the same: a corrected result is new, and `corrects` is the result
 * it corrects (docs/athena-behaviour.md#oru-to-lab-result).
 */
export async function findFiled(
	ctx: IExecuteFunctions,
	i: number,
	t: ChartTarget,
	accessionid: string,
	observationdate?: string,
	match: FiledMatch = {},
): Promise<{ id?: string; corrects?: string }> {
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
	const same = (a: unknown, b: unknown) =>
		String(a ?? '')
			.trim()
			.toLowerCase() ===
		String(b ?? '')
			.trim()
			.toLowerCase();
	let corrects: string | undefined;
	for (const r of candidates) {
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
		if (acc === undefined || String(acc) !== accessionid) continue;
		if (match.testkey) {
			const note = String(doc.internalnote ?? r.internalnote ?? '');
			if (!note.split('\n').some((line) => same(line, testNote(match.testkey as string)))) continue;
		}
		if (match.resultstatus && !same(doc.resultstatus ?? r.resultstatus, match.resultstatus)) {
			if (same(match.resultstatus, 'Corrected')) corrects = corrects ?? id;
			continue;
		}
		return { id };
	}
	return { corrects };
}
