import {
	updateDisplayOptions,
	type IDataObject,
	type IExecuteFunctions,
	type INodeProperties,
} from 'n8n-workflow';

import { asNodeError, isAmbiguousFailure, unconfirmedWriteError } from '../../transport/errors';
import { athenaRequest, type AthenaRequest } from '../../transport/request';
import { show } from '../fields';
import { departmentLocator, patientLocator } from '../locators';
import { compact, dateValue, idParam, inputError, practiceOf } from '../params';

// Chart writes (docs/athena-behaviour.md#chart-writes): each is sent once. When athena's answer is
// lost (a timeout, a 5xx, a dropped connection), the write may have taken effect: where the chart
// can show it, the node looks before deciding; otherwise the error says it may have happened and
// how to check. athena's HTTP-200 answers with success false are raised by the transport with
// athena's own words.

/** Patient and department (which chart), then the operation's own fields. */
export function chartWriteFields(operation: string, fields: INodeProperties[]): INodeProperties[] {
	return updateDisplayOptions(show('chart', operation), [
		patientLocator(),
		departmentLocator(),
		...fields,
	]);
}

export interface ChartTarget {
	patientId: string;
	departmentId: string;
	practiceId?: string;
}

export function chartTarget(ctx: IExecuteFunctions, i: number, withPatient = true): ChartTarget {
	return {
		patientId: withPatient ? idParam(ctx, 'patientId', i, 'Patient')! : '',
		departmentId: idParam(ctx, 'departmentId', i, 'Department')!,
		practiceId: practiceOf(ctx, i),
	};
}

/** An unconfirmed write, described for the user: what it was and how to look. */
export interface WriteCheck {
	what: string;
	check: string;
	/** Looks at the chart; a record (or true) when the write is visible there. */
	verify?: () => Promise<IDataObject | boolean | undefined>;
}

export interface WriteResult {
	body: IDataObject;
	/** The answer was lost, and the chart showed the write. */
	recovered?: IDataObject | true;
}

/** Sends one write; after an ambiguous failure, looks (when it can) instead of repeating it. */
export async function chartWrite(
	ctx: IExecuteFunctions,
	i: number,
	req: AthenaRequest,
	check: WriteCheck,
): Promise<WriteResult> {
	try {
		const body = await athenaRequest(ctx, { itemIndex: i, ...req });
		return {
			body: (body && typeof body === 'object' && !Array.isArray(body)
				? body
				: Array.isArray(body) && body[0] && typeof body[0] === 'object'
					? body[0]
					: {}) as IDataObject,
		};
	} catch (error) {
		if (!isAmbiguousFailure(error)) throw asNodeError(ctx.getNode(), error);
		// athena may apply a write after answering late, so "not visible" is not "not done"
		const seen = check.verify ? await check.verify().catch(() => undefined) : undefined;
		if (seen) return { body: {}, recovered: seen };
		throw unconfirmedWriteError(ctx.getNode(), error, check.what, check.check, i);
	}
}

/** What an item says about how the write was confirmed. */
export function outcome(result: WriteResult, checkedByReading = false): IDataObject {
	if (result.recovered)
		return {
			confirmedBy: 'reading the chart after athena did not answer',
			recoveredAfterUnconfirmedWrite: true,
		};
	return { confirmedBy: checkedByReading ? 'athena and reading the chart' : 'athena' };
}

/** A GET of the chart (reads are safe to repeat). */
export async function chartRead(
	ctx: IExecuteFunctions,
	i: number,
	t: ChartTarget,
	section: string,
	qs: IDataObject = {},
): Promise<IDataObject> {
	const body = await athenaRequest(ctx, {
		method: 'GET',
		path: `/chart/${t.patientId}/${section}`,
		qs: { departmentid: t.departmentId, ...qs },
		practiceId: t.practiceId,
		itemIndex: i,
	});
	return (body && typeof body === 'object' && !Array.isArray(body) ? body : {}) as IDataObject;
}

/** Every medication entry of the chart (athena nests them as an array of arrays). */
export async function medicationEntries(
	ctx: IExecuteFunctions,
	i: number,
	t: ChartTarget,
): Promise<IDataObject[]> {
	const body = await chartRead(ctx, i, t, 'medications');
	const groups = (body.medications as unknown[]) ?? [];
	// athena nests each medication's entries in an array (docs/athena-behaviour.md#chart-sections)
	return groups.flatMap((g) => (Array.isArray(g) ? g : [g])) as IDataObject[];
}

export async function problems(
	ctx: IExecuteFunctions,
	i: number,
	t: ChartTarget,
): Promise<IDataObject[]> {
	const body = await chartRead(ctx, i, t, 'problems', { showinactive: 'true' });
	return (body.problems as IDataObject[]) ?? [];
}

// ---- input checks

const SNOMED = /^\d{6,18}$/;

export function snomedParam(ctx: IExecuteFunctions, name: string, i: number, label: string) {
	const raw = ctx.getNodeParameter(name, i, '', { extractValue: true }) as unknown;
	const code = String(raw ?? '').trim();
	if (!SNOMED.test(code))
		throw inputError(
			ctx,
			i,
			`${label} must be a SNOMED CT concept ID (6 to 18 digits)`,
			`Got ${code ? `"${code}"` : 'nothing'}, e.g. 44054006 for type 2 diabetes mellitus. athena takes SNOMED codes only here.`,
		);
	return code;
}

/** athena's medication entry ids: a letter and digits (H… entered history, C… prescribed). */
export function entryIdParam(ctx: IExecuteFunctions, name: string, i: number) {
	const raw = String(ctx.getNodeParameter(name, i, '') ?? '').trim();
	if (!/^[A-Za-z]?\d{1,18}$/.test(raw))
		throw inputError(
			ctx,
			i,
			'Medication Entry ID must be athena\'s entry ID, e.g. "H228145"',
			`Got ${raw ? `"${raw}"` : 'nothing'}. Read it from Chart → Get Medications (medicationentryid).`,
		);
	return raw.toUpperCase();
}

export const statusField = (name = 'status'): INodeProperties => ({
	displayName: 'Status',
	name,
	type: 'options',
	default: '',
	options: [
		{ name: '(Not Set)', value: '' },
		{ name: 'Acute', value: 'ACUTE' },
		{ name: 'Chronic', value: 'CHRONIC' },
	],
});

export const lateralityField = (name = 'laterality'): INodeProperties => ({
	displayName: 'Laterality',
	name,
	type: 'options',
	default: '',
	options: [
		{ name: '(Not Set)', value: '' },
		{ name: 'Bilateral', value: 'BILATERAL' },
		{ name: 'Left', value: 'LEFT' },
		{ name: 'Right', value: 'RIGHT' },
	],
});

/** The id athena answered, as a string (athena sends numbers and strings). */
export const idFrom = (value: unknown): string | undefined =>
	value === undefined || value === null || value === '' ? undefined : String(value);

/** A problem's event fields (Add Problem's Additional Fields, Update Problem's Update Fields). */
export function problemEventOptions(startDescription?: string): INodeProperties[] {
	return [
		lateralityField(),
		{ displayName: 'Note', name: 'note', type: 'string', default: '' },
		{
			displayName: 'Start Date',
			name: 'startdate',
			type: 'string',
			default: '',
			placeholder: '2026-01-31',
			...(startDescription ? { description: startDescription } : {}),
		},
		statusField(),
	];
}

/** Those fields as athena takes them: the start date as mm/dd/yyyy, a note of at most 4000 characters. */
export function problemEvent(ctx: IExecuteFunctions, i: number, fields: IDataObject): IDataObject {
	const startdate = dateValue(ctx, fields.startdate, i, 'Start Date', { optional: true });
	if (typeof fields.note === 'string' && fields.note.length > 4000)
		throw inputError(ctx, i, 'Note is longer than 4000 characters', 'Shorten the note.');
	return compact({ ...fields, startdate });
}
