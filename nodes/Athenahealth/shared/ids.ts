import { NodeOperationError, type INode } from 'n8n-workflow';

// Every id that reaches a URL path passes through here first, so an expression that resolves to
// "1/../../admin" or "12 OR 1=1" is refused with a message naming the field, before any request.

const DIGITS = /^\d{1,18}$/;

function refuse(node: INode, field: string, hint: string, itemIndex?: number): NodeOperationError {
	return new NodeOperationError(node, `${field} ${hint}`, { itemIndex });
}

/** Accepts numbers or digit strings (athena sends both); returns the canonical string form. */
export function athenaId(node: INode, value: unknown, field: string, itemIndex?: number): string {
	const text = typeof value === 'number' && Number.isInteger(value) ? String(value) : value;
	if (typeof text !== 'string' || !DIGITS.test(text.trim())) {
		throw refuse(
			node,
			field,
			`must be a numeric athena ID (digits only), got ${describe(value)}. Use the ID as athena shows it, digits only, e.g. 12345.`,
			itemIndex,
		);
	}
	return text.trim();
}

/** A path the user typed for a Custom API Call: plain segments only, no query, no traversal. */
export function safeApiPath(
	node: INode,
	value: unknown,
	field: string,
	itemIndex?: number,
): string {
	const text = typeof value === 'string' ? value.trim() : '';
	const path = text.startsWith('/') ? text : `/${text}`;
	if (
		!/^(\/[A-Za-z0-9_\-.]+)+\/?$/.test(path) ||
		path.split('/').some((s) => s === '..' || s === '.')
	) {
		throw refuse(
			node,
			field,
			`must be an athenaNet path below the practice such as /patients/1 (letters, digits, - _ . and /; no query string, no ".."), got ${describe(value)}.`,
			itemIndex,
		);
	}
	return path.replace(/\/$/, '');
}

/**
 * A value of an options parameter that reaches a URL path. n8n lets an expression put anything in
 * an options field, so the value must be one of the listed ones.
 */
export function listedValue(
	node: INode,
	value: unknown,
	allowed: Array<{ name: string; value: unknown }>,
	field: string,
	itemIndex?: number,
): string {
	const found = allowed.find((o) => o.value === value);
	if (typeof value !== 'string' || !found) {
		throw refuse(
			node,
			field,
			`must be one of ${allowed.map((o) => `"${String(o.value)}" (${o.name})`).join(', ')}; got ${describe(value)}.`,
			itemIndex,
		);
	}
	return value;
}

function describe(value: unknown): string {
	if (value === undefined || value === null || value === '') return 'nothing';
	const text = typeof value === 'string' ? value : JSON.stringify(value);
	return `"${text.length > 40 ? `${text.slice(0, 40)}…` : text}"`;
}

// FHIR's id grammar, plus at least one letter or digit: "." and ".." are path segments, not ids.
const FHIR_ID = /^(?=.*[A-Za-z0-9])[A-Za-z0-9\-.]{1,64}$/;
// A bare athenaOne id only maps to one FHIR id form for these types
// (docs/athena-behaviour.md#fhir-ids).
const BARE_PREFIX: Record<string, string> = {
	Patient: 'E',
	Practitioner: 'Provider',
	Location: 'Department',
};

/**
 * A FHIR logical id for `type`: athena's a-{practice}.{prefix}-{id} form, "Type/id", or a bare
 * athenaOne number where that maps to one form (a patient id 60178 → a-195900.E-60178), since athena
 * answers a bare id with a 400 (docs/athena-behaviour.md#fhir-ids).
 */
export function fhirId(
	node: INode,
	value: unknown,
	type: string,
	practiceId: string,
	field: string,
	itemIndex?: number,
): string {
	let text = (
		typeof value === 'number' && Number.isInteger(value)
			? String(value)
			: typeof value === 'string'
				? value
				: ''
	).trim();
	if (text.startsWith(`${type}/`)) text = text.slice(type.length + 1);
	if (DIGITS.test(text)) {
		const prefix = BARE_PREFIX[type];
		if (!prefix)
			throw refuse(
				node,
				field,
				`must be athena's FHIR id for a ${type} (like a-${practiceId}.encounter-62014), ` +
					`got ${describe(value)}; only Patient, Practitioner and Location accept a bare athenaOne ID.`,
				itemIndex,
			);
		return `a-${practiceId}.${prefix}-${text}`;
	}
	if (!FHIR_ID.test(text))
		throw refuse(
			node,
			field,
			`must be a FHIR id (letters, digits, - and ., at most 64), like a-${practiceId}.E-60178; got ${describe(value)}.`,
			itemIndex,
		);
	return text;
}
