import { NodeApiError, NodeOperationError, type INode, type JsonObject } from 'n8n-workflow';

// Turns whatever athena (or its gateway) answered into one NodeApiError shape. We build the error
// from a plain object we assemble ourselves, never from the HTTP client's error, because that one
// carries the request headers, and with them the bearer token.

export type FailureCause =
	| 'rate-limited'
	| 'quota-exhausted'
	| 'temporarily-unavailable'
	| 'credential-invalid'
	| 'scope-denied'
	| 'token-rate-limited'
	| 'configuration-invalid';

export interface Failure {
	cause: FailureCause;
	retryAfterMs?: number;
}

export interface ApiErrorInput {
	status?: number;
	body?: unknown;
	requestId?: string;
	method: string;
	/** Path without host or query, e.g. /v1/195900/patients/1 (ids only, no patient data). */
	path: string;
	itemIndex?: number;
	failure?: Failure;
	/** Replaces the derived message (e.g. "gave up after 6 retries"). */
	message?: string;
	/** What the user should do, first in the description. */
	hint?: string;
	networkCode?: string;
}

// Network codes in words. n8n's error classes replace a whole message that contains a code such as
// ETIMEDOUT or ECONNRESET with their own advice ("consider setting Retry on Fail", "you can retry"),
// which is wrong for a write that may have taken effect; so codes never go into our texts.
const NETWORK_WORDS: Record<string, string> = {
	ECONNREFUSED: 'the server refused the connection',
	ENOTFOUND: 'the host name could not be resolved',
	EAI_AGAIN: 'the host name lookup failed',
	ECONNRESET: 'the connection was closed before an answer came',
	ETIMEDOUT: 'no answer came within the timeout',
	ECONNABORTED: 'the connection was aborted',
	EPIPE: 'the connection broke while sending',
	UND_ERR_SOCKET: 'the connection broke',
	ERR_SOCKET_CONNECTION_TIMEOUT: 'the connection could not be opened in time',
};

export function networkWords(code: string | undefined): string {
	return (code && NETWORK_WORDS[code]) || 'the network call failed without an answer';
}

/** What a failed call came back with: athena's (or a gateway's) answer, or a network failure. */
export interface Outcome {
	status?: number;
	headers: Record<string, unknown>;
	body?: unknown;
	networkCode?: string;
}

// n8n 2.8 wraps a failed call in a NodeApiError that keeps only the status, an object body and a
// descriptive message (newer n8n also keeps `cause`). Network failures are recognised from the
// code or from the descriptive text n8n substitutes for it.
const NETWORK_TEXT: Array<[RegExp, string]> = [
	[/ECONNREFUSED|refused the connection/i, 'ECONNREFUSED'],
	[/ENOTFOUND|cannot be established/i, 'ENOTFOUND'],
	[/EAI_AGAIN|DNS server returned an error/i, 'EAI_AGAIN'],
	[/ECONNRESET|socket hang up|closed unexpectedly/i, 'ECONNRESET'],
	[/ETIMEDOUT|timed out|timeout of \d+ms/i, 'ETIMEDOUT'],
	[/ECONNABORTED|connection was aborted/i, 'ECONNABORTED'],
	[/EPIPE/i, 'EPIPE'],
];

/** The outcome an error thrown by n8n's HTTP helper carries (read into a plain object: never the error itself). */
export function outcomeOfError(error: unknown): Outcome {
	const e = error as {
		cause?: {
			response?: { status?: number; headers?: Record<string, unknown>; data?: unknown };
			code?: string;
		};
		httpCode?: string | null;
		context?: { data?: unknown };
		message?: string;
		messages?: string[];
		code?: string;
	};
	const response = e?.cause?.response;
	if (response)
		return { status: response.status, headers: response.headers ?? {}, body: response.data };
	const status = e?.httpCode && /^\d{3}$/.test(String(e.httpCode)) ? Number(e.httpCode) : undefined;
	if (status) return { status, headers: {}, body: e.context?.data };
	const text = [e?.cause?.code, e?.code, e?.message, ...(e?.messages ?? [])]
		.filter(Boolean)
		.join(' ');
	return { headers: {}, networkCode: NETWORK_TEXT.find(([re]) => re.test(text))?.[1] ?? 'NETWORK' };
}

const TOKEN_LIKE = /(Bearer|Basic)\s+[A-Za-z0-9\-._~+/=]+/gi;

export function scrub(text: string): string {
	return text.replace(TOKEN_LIKE, '$1 [redacted]');
}

function list(value: unknown): string | undefined {
	return Array.isArray(value) && value.length ? value.map(String).join(', ') : undefined;
}

function textOf(body: unknown): string | undefined {
	if (typeof body !== 'string') return undefined;
	const stripped = body
		.replace(/<[^>]*>/g, ' ')
		.replace(/\s+/g, ' ')
		.trim();
	if (!stripped) return undefined;
	return stripped.length > 200 ? `${stripped.slice(0, 200)}…` : stripped;
}

/**
 * athena sometimes reports a failed call with HTTP 200: `success: "false"`, a non-empty
 * `errormessage` (also inside a one-element array), or a bare string body.
 */
export function failureInBody(body: unknown): string | undefined {
	if (typeof body === 'string') return textOf(body) ?? undefined;
	const record = Array.isArray(body) && body.length === 1 ? body[0] : body;
	if (!record || typeof record !== 'object' || Array.isArray(record)) return undefined;
	const r = record as Record<string, unknown>;
	const errorMessage = typeof r.errormessage === 'string' ? r.errormessage.trim() : '';
	if (r.success === false || r.success === 'false')
		return errorMessage || 'athena reported that the call did not succeed';
	if (errorMessage) return errorMessage;
	return undefined;
}

/** The texts of a FHIR OperationOutcome's issues (athena sends `details` as text, object or string). */
export function outcomeIssues(body: unknown): string[] {
	const issues = (body as { issue?: unknown })?.issue;
	if (!Array.isArray(issues)) return [];
	return issues.map((i: Record<string, unknown>) => {
		const details = i?.details as { text?: unknown } | string | undefined;
		const text =
			i?.diagnostics ??
			(typeof details === 'string' ? details : details?.text) ??
			i?.code ??
			'unknown issue';
		return `${typeof i?.severity === 'string' ? `${i.severity}: ` : ''}${String(text)}`;
	});
}

/** athena's "one of the required parameter combinations [[patient],[_id]]" → "patient; or _id". */
function combinationHint(text: string): string | undefined {
	const m = /required parameter combinations \[(.*)\] was not provided/.exec(text);
	if (!m) return undefined;
	const combos = [...m[1].matchAll(/\[([^[\]]*)\]/g)].map((c) =>
		c[1]
			.split(',')
			.map((s) => s.trim())
			.join(' + '),
	);
	return combos.length
		? `athena needs one of these search parameter combinations: ${combos.join('; or ')}. Add it under the search fields or Additional Parameters.`
		: undefined;
}

/** A body's text as JSON when it is JSON, else the text itself (athena and gateways send both). */
export function jsonOrText(text: string): unknown {
	try {
		return JSON.parse(text) as unknown;
	} catch {
		return text;
	}
}

const STATUS_HINT: Record<number, string> = {
	400: 'athena rejected the request as invalid',
	401: 'athena did not accept the credential',
	403: 'athena refused the request',
	404: 'athena could not find what was asked for',
	409: 'athena reported a conflict',
	429: 'athena is throttling this client',
	500: 'athena had an internal error',
	502: "athena's gateway could not reach the service",
	503: 'athena is temporarily unavailable',
	504: "athena's gateway timed out",
};

export function athenaApiError(node: INode, input: ApiErrorInput): NodeApiError {
	const body =
		typeof input.body === 'string' && /^\s*[{[]/.test(input.body)
			? jsonOrText(input.body)
			: input.body;
	const obj =
		body && typeof body === 'object' && !Array.isArray(body)
			? (body as Record<string, unknown>)
			: undefined;
	const details: string[] = input.hint ? [input.hint] : [];
	let message = input.message;

	if (obj) {
		const error =
			typeof obj.error === 'string'
				? obj.error
				: typeof obj.details === 'string'
					? obj.details
					: undefined;
		message ??=
			error ??
			(typeof obj.errormessage === 'string' && obj.errormessage ? obj.errormessage : undefined);
		if (typeof obj.detailedmessage === 'string') details.push(obj.detailedmessage);
		const missing = list(obj.missingfields);
		if (missing) details.push(`Missing fields: ${missing}.`);
		const invalid = list(obj.invalidfields);
		if (invalid) details.push(`Invalid fields: ${invalid}.`);
		const fields = list(obj.fields);
		if (fields) details.push(`Provide at least one of: ${fields}.`);
		const issues = outcomeIssues(obj);
		if (issues.length) {
			message ??= `athena's FHIR server refused the request: ${issues[0].replace(/^(error|fatal): /, '')}`;
			if (issues.length > 1) details.push(`Issues: ${issues.join(' | ')}.`);
			const hint = issues.map(combinationHint).find(Boolean);
			if (hint) details.push(hint);
		}
	} else {
		const text = failureInBody(body) ?? textOf(body);
		if (text && input.status && input.status >= 400) details.push(`Gateway said: ${text}`);
		else if (text) message ??= text;
	}
	if (input.networkCode) details.push(`Network: ${networkWords(input.networkCode)}.`);
	const hint = input.status ? STATUS_HINT[input.status] : undefined;
	message ??= hint
		? `${hint} (HTTP ${input.status})`
		: input.networkCode
			? 'Could not reach athena'
			: 'athena request failed';
	if (input.status === 401)
		details.push('Check the client ID and secret, the environment, and that the app is 2-legged.');
	details.push(`${input.method} ${input.path}${input.status ? ` → HTTP ${input.status}` : ''}`);
	if (input.requestId) details.push(`athena request id: ${input.requestId}`);

	const response: JsonObject = { method: input.method, path: input.path };
	if (input.status) response.httpCode = String(input.status);
	if (obj) response.body = JSON.parse(scrub(JSON.stringify(obj))) as JsonObject;
	if (input.requestId) response.requestId = input.requestId;

	const error = new NodeApiError(node, response, {
		message: scrub(message),
		description: scrub(details.join(' ')),
		httpCode: input.status ? String(input.status) : undefined,
		itemIndex: input.itemIndex,
	});
	if (input.failure) Object.assign(error, { failure: input.failure });
	return error;
}

/** A failed call the transport does not send again, and why. */
export interface GiveUp {
	outcome: Outcome;
	failure?: Failure;
	method: string;
	/** Path without host or query. */
	path: string;
	itemIndex?: number;
	requestId?: string;
	/** Safe to repeat (a read, or a write athena never received). */
	idempotent: boolean;
	/** athena's answer allowed another try: the retries ran out, or athena asked for too long a wait. */
	retryable: boolean;
	attempts: number;
	/** The wait athena asked for, when it was longer than `ceilingMs`. */
	waitAskedMs?: number;
	/** The longest wait the transport takes. */
	ceilingMs: number;
}

/** The error for a call the transport gave up on; a write that may have taken effect says so. */
export function gaveUpError(node: INode, g: GiveUp): NodeApiError {
	const { outcome, failure } = g;
	const answer = outcome.status ? `HTTP ${outcome.status}` : networkWords(outcome.networkCode);
	const unconfirmed = failure?.cause === 'temporarily-unavailable' && !g.idempotent;
	let message: string | undefined;
	if (g.retryable && g.waitAskedMs !== undefined)
		message = `athena asked to wait ${Math.ceil(g.waitAskedMs / 1000)} s before retrying, longer than the ${g.ceilingMs / 1000} s this node waits`;
	else if (g.retryable) message = `athena still refused after ${g.attempts} attempts (${answer})`;
	else if (unconfirmed)
		message = `athena did not confirm this ${g.method} (${answer}); it was not repeated because it may already have taken effect`;
	return athenaApiError(node, {
		status: outcome.status,
		body: outcome.body,
		requestId: g.requestId,
		method: g.method,
		path: g.path,
		itemIndex: g.itemIndex,
		failure,
		message,
		networkCode: outcome.networkCode,
		hint: unconfirmed
			? `Check whether ${g.path} took effect (for example with the matching Get operation) before doing anything else; do not send it again unchecked.`
			: undefined,
	});
}

/**
 * The error for a write whose outcome is unknown and that was not confirmed by a check: it may have
 * taken effect, so it names the record and how to look, and never suggests sending it again.
 */
export function unconfirmedWriteError(
	node: INode,
	error: unknown,
	what: string,
	check: string,
	itemIndex: number,
): NodeApiError {
	const e = error as {
		description?: string;
		httpCode?: string | null;
		failure?: Failure;
		context?: { data?: unknown };
	};
	const response = ((error as { errorResponse?: JsonObject }).errorResponse ?? {}) as JsonObject;
	const result = new NodeApiError(node, response, {
		message: `athena did not confirm ${what}: it may have taken effect`,
		description:
			`${check} The node did not send it again, so it was not applied twice; do not repeat it before checking. ${e.description ?? ''}`.trim(),
		httpCode: e.httpCode ?? undefined,
		itemIndex,
	});
	if (e.failure) Object.assign(result, { failure: e.failure, outcome: 'unconfirmed' });
	return result;
}

/** A write whose outcome is unknown: athena may or may not have applied it (5xx, timeout, dropped connection). */
export function isAmbiguousFailure(error: unknown): boolean {
	return (error as { failure?: Failure })?.failure?.cause === 'temporarily-unavailable';
}

/** Re-raises an error as n8n's own type; both constructors hand back an instance that already is one. */
export function asNodeError(node: INode, error: unknown): NodeApiError | NodeOperationError {
	if (error instanceof NodeOperationError) return new NodeOperationError(node, error);
	if (error instanceof NodeApiError) return new NodeApiError(node, error as unknown as JsonObject);
	return new NodeOperationError(node, error as Error);
}
