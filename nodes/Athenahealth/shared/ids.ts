// Every id that reaches a URL path passes through here first, so an expression that resolves to
// "1/../../admin" or "12 OR 1=1" is refused with a message naming the field, before any request.

const DIGITS = /^\d{1,18}$/;
// athena FHIR logical ids: a-{practiceid}.{Prefix}-{localid} (reference §7.1), plus the Group id a-1.c-{pid}
const FHIR_ID = /^a-\d{1,12}\.[A-Za-z]{1,40}-[A-Za-z0-9]{1,64}$/;
const FHIR_GENERIC_ID = /^[A-Za-z0-9\-.]{1,64}$/;

export class InvalidIdError extends Error {
	constructor(
		readonly field: string,
		readonly hint: string,
	) {
		super(`${field} ${hint}`);
		this.name = 'InvalidIdError';
	}
}

/** Accepts numbers or digit strings (athena sends both); returns the canonical string form. */
export function athenaId(value: unknown, field: string): string {
	const text = typeof value === 'number' && Number.isInteger(value) ? String(value) : value;
	if (typeof text !== 'string' || !DIGITS.test(text.trim())) {
		throw new InvalidIdError(
			field,
			`must be a numeric athena ID (digits only), got ${describe(value)}. Use the ID athena shows, e.g. 195900.`,
		);
	}
	return text.trim();
}

/** A FHIR id in athena's form, or a bare athenaNet patient id turned into that form. */
export function fhirId(value: unknown, field: string, practiceId: string, prefix = 'E'): string {
	const text = typeof value === 'number' ? String(value) : typeof value === 'string' ? value.trim() : '';
	if (DIGITS.test(text)) return `a-${practiceId}.${prefix}-${text}`;
	if (FHIR_ID.test(text) || FHIR_GENERIC_ID.test(text)) return text;
	throw new InvalidIdError(
		field,
		`must be an athena FHIR ID such as a-${practiceId}.E-12345 (or a bare numeric patient ID), got ${describe(value)}.`,
	);
}

/** A path the user typed for a Custom API Call: plain segments only, no query, no traversal. */
export function safeApiPath(value: unknown, field: string): string {
	const text = typeof value === 'string' ? value.trim() : '';
	const path = text.startsWith('/') ? text : `/${text}`;
	if (!/^(\/[A-Za-z0-9_\-.]+)+\/?$/.test(path) || path.split('/').some((s) => s === '..' || s === '.')) {
		throw new InvalidIdError(
			field,
			`must be an athenaNet path below the practice such as /patients/1 (letters, digits, - _ . and /; no query string, no ".."), got ${describe(value)}.`,
		);
	}
	return path.replace(/\/$/, '');
}

function describe(value: unknown): string {
	if (value === undefined || value === null || value === '') return 'nothing';
	const text = typeof value === 'string' ? value : JSON.stringify(value);
	return `"${text.length > 40 ? `${text.slice(0, 40)}…` : text}"`;
}
