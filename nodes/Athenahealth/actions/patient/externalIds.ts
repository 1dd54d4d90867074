import type { IExecuteFunctions } from 'n8n-workflow';

import { inputError } from '../params';
import type { CustomFieldDefinition } from './customFields';

/**
 * A value that goes into a URL path segment (athena's custom field search takes the value in the
 * path): refused when empty, "." or "..", or when it holds a slash, a backslash or whitespace.
 */
export function pathValue(ctx: IExecuteFunctions, i: number, raw: unknown, label: string): string {
	const value = raw === undefined || raw === null ? '' : String(raw).trim();
	if (value === '' || value === '.' || value === '..' || /[/\\\s]/.test(value))
		throw inputError(
			ctx,
			i,
			`${label} cannot be used to search athena`,
			`Got ${value === '' ? 'nothing' : `"${value.slice(0, 40)}"`}. athena searches custom fields with the value in the URL path: it must be one value ` +
				`without slashes, backslashes or spaces.`,
		);
	return value;
}

export function requireSearchable(
	ctx: IExecuteFunctions,
	i: number,
	def: CustomFieldDefinition,
	textOnly = false,
) {
	const name = `Custom field ${def.customfieldid} (${String(def.name ?? '')})`;
	if (textOnly && def.select)
		throw inputError(
			ctx,
			i,
			`${name} is a select field`,
			'An external ID must be kept in a searchable text custom field, such as "Legacy Patient ID".',
		);
	if (!def.searchable && !def.select)
		throw inputError(
			ctx,
			i,
			`${name} is not searchable in athena`,
			'athena finds patients only by custom fields marked searchable in the practice setup. Pick a searchable field (the list marks them).',
		);
}

/** What this node run already knows about an external id: the patient, or an unconfirmed create. */
export interface Known {
	patientid?: string;
	unconfirmed?: boolean;
	/** The patient was made in this run but storing the external id on it failed. */
	idMissing?: boolean;
}

// Per node run (n8n calls the node's execute once per run; the router calls an operation once per
// item with the same context), so items with the same external id in one run share one patient.
const runs = new WeakMap<object, Map<string, Known>>();

export function knownIds(ctx: IExecuteFunctions): Map<string, Known> {
	let map = runs.get(ctx);
	if (!map) runs.set(ctx, (map = new Map()));
	return map;
}
