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
		throw refuse(node, field, `must be a numeric athena ID (digits only), got ${describe(value)}. Use the ID athena shows, e.g. 195900.`, itemIndex);
	}
	return text.trim();
}

/** A path the user typed for a Custom API Call: plain segments only, no query, no traversal. */
export function safeApiPath(node: INode, value: unknown, field: string, itemIndex?: number): string {
	const text = typeof value === 'string' ? value.trim() : '';
	const path = text.startsWith('/') ? text : `/${text}`;
	if (!/^(\/[A-Za-z0-9_\-.]+)+\/?$/.test(path) || path.split('/').some((s) => s === '..' || s === '.')) {
		throw refuse(
			node,
			field,
			`must be an athenaNet path below the practice such as /patients/1 (letters, digits, - _ . and /; no query string, no ".."), got ${describe(value)}.`,
			itemIndex,
		);
	}
	return path.replace(/\/$/, '');
}

function describe(value: unknown): string {
	if (value === undefined || value === null || value === '') return 'nothing';
	const text = typeof value === 'string' ? value : JSON.stringify(value);
	return `"${text.length > 40 ? `${text.slice(0, 40)}…` : text}"`;
}
