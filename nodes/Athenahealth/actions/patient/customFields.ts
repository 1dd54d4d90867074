import type { IDataObject, IExecuteFunctions } from 'n8n-workflow';

import { athenaList } from '../../transport/paginate';
import { athenaRequest } from '../../transport/request';
import { dateValue, inputError } from '../params';

// The practice's patient custom fields and a patient's values
// (docs/athena-behaviour.md#patient-custom-fields): athena lists the fields as a bare array; a
// patient's values carry `customfieldvalue` (text) or `optionid` (select); the PUT takes them as
// one JSON string in the form, with a department ("custom fields may be department-specific").

export interface CustomFieldDefinition extends IDataObject {
	customfieldid: string;
	name?: string;
	select?: boolean;
	searchable?: boolean;
	disallowupdate?: boolean;
	casesensitive?: boolean;
	length?: string;
	selectlist?: Array<{ optionid: string; optionvalue: string }>;
}

const yes = (v: unknown) => v === true || v === 'true';

// read once per node run and practice: every item of a list would otherwise ask again
const definitionsOfRun = new WeakMap<object, Map<string, CustomFieldDefinition[]>>();

export async function customFieldDefinitions(
	ctx: IExecuteFunctions,
	practiceId: string | undefined,
	i: number,
): Promise<CustomFieldDefinition[]> {
	let cache = definitionsOfRun.get(ctx);
	if (!cache) definitionsOfRun.set(ctx, (cache = new Map()));
	const cached = cache.get(practiceId ?? '');
	if (cached) return cached;
	const defs = await readDefinitions(ctx, practiceId, i);
	cache.set(practiceId ?? '', defs);
	return defs;
}

async function readDefinitions(
	ctx: IExecuteFunctions,
	practiceId: string | undefined,
	i: number,
): Promise<CustomFieldDefinition[]> {
	const body = await athenaRequest(ctx, {
		method: 'GET',
		path: '/customfields',
		practiceId,
		itemIndex: i,
	});
	const list = Array.isArray(body) ? (body as IDataObject[]) : [];
	return list.map((f) => ({
		...f,
		customfieldid: String(f.customfieldid),
		select: yes(f.select),
		searchable: yes(f.searchable),
		disallowupdate: yes(f.disallowupdate),
		casesensitive: yes(f.casesensitive),
		selectlist: Array.isArray(f.selectlist)
			? (f.selectlist as IDataObject[]).map((o) => ({
					optionid: String(o.optionid),
					optionvalue: String(o.optionvalue ?? ''),
				}))
			: undefined,
	}));
}

export function definitionOf(
	ctx: IExecuteFunctions,
	i: number,
	defs: CustomFieldDefinition[],
	id: string,
): CustomFieldDefinition {
	const def = defs.find((d) => d.customfieldid === id);
	if (!def)
		throw inputError(
			ctx,
			i,
			`Custom field ${id} is not one of this practice's patient custom fields`,
			`athena lists ${defs.length} patient custom field(s) for this practice: ${defs
				.map((d) => `${d.customfieldid} (${String(d.name ?? '')})`)
				.join(', ')
				.slice(0, 300)}. Pick one from the list.`,
		);
	return def;
}

/**
 * What athena stores for a value of this field: text as `customfieldvalue`, a select field's option
 * (given by its name or its option ID) as `optionid`. An option the field does not have is refused.
 * A DATE field's value goes as athena's mm/dd/yyyy (docs/athena-behaviour.md#patient-custom-fields).
 */
export function customFieldEntry(
	ctx: IExecuteFunctions,
	i: number,
	def: CustomFieldDefinition,
	value: string,
): IDataObject {
	const name = `Custom field ${def.customfieldid} (${String(def.name ?? '')})`;
	if (def.select) {
		if (value === '') return { customfieldid: def.customfieldid, optionid: '' };
		const options = def.selectlist ?? [];
		const option =
			options.find((o) => o.optionid === value) ??
			options.find((o) => o.optionvalue.toLowerCase() === value.toLowerCase());
		if (!option)
			throw inputError(
				ctx,
				i,
				`${name} has no option "${value}"`,
				`It is a select field; use one of its options: ${options
					.map((o) => `${o.optionvalue} (${o.optionid})`)
					.join(', ')}.`,
			);
		return { customfieldid: def.customfieldid, optionid: option.optionid };
	}
	if (String(def.type ?? '').toUpperCase() === 'DATE' && value !== '')
		value = dateValue(ctx, value, i, name)!;
	if (def.length && [...value].length > Number(def.length))
		throw inputError(
			ctx,
			i,
			`${name} takes at most ${def.length} characters`,
			`The value is ${[...value].length} characters long; shorten it before sending.`,
		);
	return { customfieldid: def.customfieldid, customfieldvalue: value };
}

/** A patient's values (bare array), keyed by custom field id. */
export async function patientCustomFields(
	ctx: IExecuteFunctions,
	patientId: string,
	departmentId: string,
	practiceId: string | undefined,
	i: number,
): Promise<Map<string, IDataObject>> {
	const body = await athenaRequest(ctx, {
		method: 'GET',
		path: `/patients/${patientId}/customfields`,
		qs: { departmentid: departmentId },
		practiceId,
		itemIndex: i,
	});
	const list = Array.isArray(body) ? (body as IDataObject[]) : [];
	return new Map(list.map((v) => [String(v.customfieldid), v]));
}

/** Whether a patient's stored value is the entry that was sent. */
export function holds(stored: IDataObject | undefined, entry: IDataObject): boolean {
	if (entry.optionid !== undefined)
		return entry.optionid === ''
			? !stored?.optionid
			: String(stored?.optionid ?? '') === entry.optionid;
	return String(stored?.customfieldvalue ?? '') === String(entry.customfieldvalue ?? '');
}

/**
 * Sets values and reads them back. The PUT carries the whole value of each field, so sending it
 * again is harmless and the transport may repeat it after a lost answer. Returns which fields athena
 * did not take (`disallowupdate` fields are counted, not refused).
 */
export async function setCustomFields(
	ctx: IExecuteFunctions,
	patientId: string,
	departmentId: string,
	entries: IDataObject[],
	practiceId: string | undefined,
	i: number,
): Promise<{ answer: IDataObject; notApplied: string[] }> {
	const body = await athenaRequest(ctx, {
		method: 'PUT',
		path: `/patients/${patientId}/customfields`,
		form: { departmentid: departmentId, customfields: entries },
		practiceId,
		itemIndex: i,
		idempotent: true,
	});
	const answer = (Array.isArray(body) ? body[0] : body) as IDataObject;
	const now = await patientCustomFields(ctx, patientId, departmentId, practiceId, i);
	const notApplied = entries
		.filter((e) => !holds(now.get(String(e.customfieldid)), e))
		.map((e) => String(e.customfieldid));
	return { answer: answer ?? {}, notApplied };
}

/** Patients whose value of a (searchable) field is `value` (an option id for select fields). */
export async function patientsByCustomField(
	ctx: IExecuteFunctions,
	fieldId: string,
	value: string,
	practiceId: string | undefined,
	i: number,
	maxItems?: number,
): Promise<IDataObject[]> {
	return await athenaList(ctx, {
		method: 'GET',
		path: `/patients/customfields/${fieldId}/${encodeURIComponent(value)}`,
		wrapper: 'patients',
		practiceId,
		itemIndex: i,
		maxItems,
	});
}
