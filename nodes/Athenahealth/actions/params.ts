import { NodeOperationError, type IDataObject, type IExecuteFunctions } from 'n8n-workflow';

import { parseDateInput, toAthenaDate, toAthenaDateTime } from '../shared/dates';
import { athenaId } from '../shared/ids';
import { fieldLabel, toolListSize } from '../shared/toolUse';

// Reading an item's parameters into what athena takes, refusing bad input before any call with
// an error that names the field and the fix.

export function maxItems(ctx: IExecuteFunctions, i: number): number | undefined {
	if (ctx.getNodeParameter('returnAll', i, false)) return undefined;
	// as a tool, one more than the limit, so the model can be told that more exist (shared/toolUse.ts)
	return toolListSize(ctx, i, ctx.getNodeParameter('limit', i, 50) as number);
}

export function practiceOf(ctx: IExecuteFunctions, i: number): string | undefined {
	// a resource locator now; workflows saved before it hold a plain string, which reads the same
	const value = ctx.getNodeParameter('practiceId', i, '', { extractValue: true }) as unknown;
	return value === '' || value === undefined || value === null ? undefined : String(value);
}

/** Reads a parameter that must be an athena id (string/number, or a resource locator's value). */
export function idParam(
	ctx: IExecuteFunctions,
	name: string,
	i: number,
	label: string,
	optional = false,
): string | undefined {
	const raw = ctx.getNodeParameter(name, i, '', { extractValue: true }) as unknown;
	if (optional && (raw === '' || raw === undefined || raw === null)) return undefined;
	return athenaId(ctx.getNode(), raw, fieldLabel(ctx, name, label), i);
}

export function dateParam(
	ctx: IExecuteFunctions,
	name: string,
	i: number,
	label: string,
	opts: { optional?: boolean; withTime?: boolean } = {},
): string | undefined {
	const raw = ctx.getNodeParameter(name, i, '') as unknown;
	return dateValue(ctx, raw, i, fieldLabel(ctx, name, label), opts);
}

/** Any common date form → athena's mm/dd/yyyy (or mm/dd/yyyy hh:mi:ss), or an error naming the field. */
export function dateValue(
	ctx: IExecuteFunctions,
	raw: unknown,
	i: number,
	label: string,
	opts: { optional?: boolean; withTime?: boolean } = {},
): string | undefined {
	if (opts.optional && (raw === '' || raw === undefined || raw === null)) return undefined;
	const parts = parseDateInput(raw);
	const example = opts.withTime ? '2026-11-23T09:30:00' : '2026-11-23';
	if (!parts) {
		throw new NodeOperationError(ctx.getNode(), `${label} is not a date athena can use`, {
			itemIndex: i,
			description:
				`Got ${raw === '' || raw === undefined ? 'nothing' : `"${String(raw)}"`}. ` +
				`Use YYYY-MM-DD, MM/DD/YYYY or an ISO date-time, e.g. ${example}.`,
		});
	}
	return opts.withTime ? toAthenaDateTime(parts) : toAthenaDate(parts);
}

/** athena's mm/dd/yyyy[ hh:mi[:ss]] as a sortable yyyymmddhhmiss key. */
function sortKey(athena: string): string {
	const [date, time = ''] = athena.split(' ');
	const [mm, dd, yyyy] = date.split('/');
	return `${yyyy}${mm}${dd}${time.replace(/:/g, '').padEnd(6, '0')}`;
}

/** Refuses a range whose end is before its start (athena answers such a range with nothing). */
export function checkRange(
	ctx: IExecuteFunctions,
	i: number,
	start: string | undefined,
	end: string | undefined,
	startLabel: string,
	endLabel: string,
) {
	if (start && end && sortKey(end) < sortKey(start)) {
		throw inputError(
			ctx,
			i,
			`${endLabel} is before ${startLabel}`,
			`${endLabel} (${end}) must be the same as or later than ${startLabel} (${start}). Swap them or fix the expression.`,
		);
	}
}

/** Refuses a date of birth after today (athena answers "Improper DOB."). */
export function checkNotFuture(
	ctx: IExecuteFunctions,
	i: number,
	athenaDate: string | undefined,
	label: string,
) {
	if (!athenaDate) return;
	// the latest calendar date anywhere on earth (UTC+14), so no one's today is refused
	const latest = new Date(Date.now() + 14 * 3600_000);
	const today = toAthenaDate({
		year: latest.getUTCFullYear(),
		month: latest.getUTCMonth() + 1,
		day: latest.getUTCDate(),
	});
	if (sortKey(athenaDate) > sortKey(today)) {
		throw inputError(
			ctx,
			i,
			`${label} is in the future`,
			`Got ${athenaDate}. athena refuses a date of birth after today; check the field or the expression that fills it.`,
		);
	}
}

/** Drops undefined and empty-string values from a form/query object. */
export function compact(values: IDataObject): IDataObject {
	const out: IDataObject = {};
	for (const [k, v] of Object.entries(values))
		if (v !== undefined && v !== '' && v !== null) out[k] = v;
	return out;
}

/** A NodeOperationError raised before any request, naming the field and the fix. */
export function inputError(
	ctx: IExecuteFunctions,
	i: number,
	message: string,
	description?: string,
): NodeOperationError {
	return new NodeOperationError(ctx.getNode(), message, { itemIndex: i, description });
}
