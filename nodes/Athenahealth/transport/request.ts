import {
	NodeOperationError,
	type ICredentialDataDecryptedObject,
	type IDataObject,
	type IExecuteFunctions,
	type IHttpRequestMethods,
	type IHttpRequestOptions,
	type ILoadOptionsFunctions,
	type IPollFunctions,
} from 'n8n-workflow';

import { credentialScopes } from '../shared/fhirTypes';
import { athenaId } from '../shared/ids';
import { asNodeError, athenaApiError, failureInBody, jsonOrText, networkWords, type Failure } from './errors';
import { DEFAULT_RETRY_POLICY, parseRetryAfter, retryDelayMs } from './retryPolicy';
import { sleep } from './sleep';
import * as throttle from './throttle';
import { accessToken, isTokenError, type TokenSource } from './token';

export type AthenaContext = IExecuteFunctions | ILoadOptionsFunctions | IPollFunctions;

export const CREDENTIAL_TYPE = 'athenahealthOAuth2Api';

const ENVIRONMENT_BASE: Record<string, string> = {
	preview: 'https://api.preview.platform.athenahealth.com',
	production: 'https://api.platform.athenahealth.com',
};
const DEFAULT_RATE: Record<string, number> = { preview: 5, production: 100, custom: 5 };

export interface AthenaConnection {
	baseUrl: string;
	practiceId: string;
	allowedPracticeIds: Set<string>;
	ratePerSecond: number;
	/** Whether the credential divides athena's limit among processes itself (Processes Sharing This App's Limit > 1). */
	rateDivided: boolean;
	/** Whether the credential asks for athena's FHIR scopes. */
	fhirEnabled: boolean;
	/** The scopes the token asks for. */
	scopes: string[];
	/** Throttle key: one schedule per credential (base URL + client id) and practice. */
	credentialKey: string;
	/** What the token request needs (client id and secret stay in memory, never in output). */
	tokenCredentials: ICredentialDataDecryptedObject;
}

export interface FullResponse {
	body: unknown;
	headers: Record<string, string | string[] | undefined>;
	statusCode: number;
}

export interface SendOptions {
	method: IHttpRequestMethods;
	url: string;
	practiceId: string;
	qs?: IDataObject;
	body?: string;
	headers?: Record<string, string>;
	/** Safe to repeat after a 5xx or a dropped connection. Defaults to true for GET/HEAD/OPTIONS only. */
	idempotent?: boolean;
	itemIndex?: number;
	/** Return the body as text instead of parsing JSON. */
	text?: boolean;
	/** Return a 2xx/3xx body as a Readable stream (error bodies are still read, as text). */
	stream?: boolean;
	/** false: send without the credential. Only calls to athena's own origin carry the token. */
	authenticate?: boolean;
	/** The user allowed the token to go to this URL's (non-athena) origin. */
	tokenOriginAllowed?: boolean;
	/** Hand 3xx answers back instead of following them (n8n would forward the token cross-origin). */
	noRedirects?: boolean;
	timeoutMs?: number;
}

export interface AthenaRequest {
	method: IHttpRequestMethods;
	/** Path below /v1/{practiceId}, built from validated ids, e.g. `/patients/123`. */
	path: string;
	practiceId?: string;
	qs?: IDataObject;
	/** Sent form-encoded on POST/PUT/DELETE, as athena expects (reference §2.1). */
	form?: IDataObject;
	idempotent?: boolean;
	itemIndex?: number;
	/** Leave a 200-with-failure body to the caller instead of raising it. */
	allowFailureBody?: boolean;
	timeoutMs?: number;
}

const connections = new WeakMap<object, AthenaConnection>();

export async function getConnection(ctx: AthenaContext): Promise<AthenaConnection> {
	const cached = connections.get(ctx);
	if (cached) return cached;
	const c = await ctx.getCredentials(CREDENTIAL_TYPE);
	const environment = String(c.environment ?? 'preview');
	const baseUrl =
		environment === 'custom'
			? String(c.customBaseUrl ?? '').trim().replace(/\/+$/, '')
			: (ENVIRONMENT_BASE[environment] ?? ENVIRONMENT_BASE.preview);
	if (!/^https?:\/\/[^/\s]+(\/[^\s?#]*)?$/.test(baseUrl)) {
		throw new NodeOperationError(ctx.getNode(), 'The credential\'s Base URL is not a valid http(s) URL', {
			description: 'Open the athenahealth credential and set Base URL to an origin such as http://localhost:8899.',
		});
	}
	const practiceId = athenaId(ctx.getNode(), c.practiceId, "The credential's Practice ID");
	const allowed = new Set(
		String(c.allowedPracticeIds ?? '')
			.split(/[\s,;]+/)
			.filter(Boolean),
	);
	allowed.add(practiceId);
	const scopes = credentialScopes(c);
	const rate = Number(c.requestsPerSecond) > 0 ? Number(c.requestsPerSecond) : (DEFAULT_RATE[environment] ?? 5);
	// processes that share the app's limit (queue-mode workers) each take an exact share of it
	const processes = Math.max(1, Math.floor(Number(c.processesSharingLimit) || 1));
	const connection: AthenaConnection = {
		baseUrl,
		practiceId,
		allowedPracticeIds: allowed,
		ratePerSecond: rate / processes,
		rateDivided: processes > 1,
		fhirEnabled: c.enableFhir === true,
		scopes,
		credentialKey: `${baseUrl}|${String(c.clientId ?? '')}`,
		tokenCredentials: { accessTokenUrl: `${baseUrl}/oauth2/v1/token`, clientId: c.clientId, clientSecret: c.clientSecret, scope: scopes.join(' ') },
	};
	connections.set(ctx, connection);
	return connection;
}


function tokenSource(ctx: AthenaContext, conn: AthenaConnection, signal?: AbortSignal): TokenSource {
	return {
		node: ctx.getNode(),
		credentials: conn.tokenCredentials,
		signal,
		log: (m) => ctx.logger?.debug?.(m),
		// one request serves every caller waiting for the token, so no caller's cancel aborts it; a
		// redirect is not followed (the Basic header carries the client secret)
		post: async (url, body, headers) =>
			(await ctx.helpers.httpRequest({ method: 'POST', url, body, headers, json: false, encoding: 'text', returnFullResponse: true, ignoreHttpStatusErrors: true, timeout: 30_000, disableFollowRedirect: true })) as FullResponse,
	};
}

/** The practice a call goes to: digits only, and one the credential allows. */
export function resolvePractice(ctx: AthenaContext, conn: AthenaConnection, requested: unknown, itemIndex?: number): string {
	if (requested === undefined || requested === null || requested === '') return conn.practiceId;
	const id = athenaId(ctx.getNode(), requested, 'Practice ID', itemIndex);
	if (!conn.allowedPracticeIds.has(id)) {
		throw new NodeOperationError(ctx.getNode(), `Practice ${id} is not allowed by this credential`, {
			itemIndex,
			description: `Add ${id} to "Allowed Practice IDs" in the athenahealth credential, or use practice ${conn.practiceId}.`,
		});
	}
	return id;
}

const IDEMPOTENT = new Set(['GET', 'HEAD', 'OPTIONS']);
// Codes where the request never reached athena, so even a write can be sent again.
const NOT_DELIVERED = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN']);
const NETWORK = new Set([...NOT_DELIVERED, 'ECONNRESET', 'ETIMEDOUT', 'ECONNABORTED', 'EPIPE', 'UND_ERR_SOCKET', 'ERR_SOCKET_CONNECTION_TIMEOUT']);

interface Outcome {
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

function outcomeOfError(error: unknown): Outcome {
	const e = error as { cause?: { response?: { status?: number; headers?: Record<string, unknown>; data?: unknown }; code?: string }; httpCode?: string | null; context?: { data?: unknown }; message?: string; messages?: string[]; code?: string };
	const response = e?.cause?.response;
	if (response) return { status: response.status, headers: response.headers ?? {}, body: response.data };
	const status = e?.httpCode && /^\d{3}$/.test(String(e.httpCode)) ? Number(e.httpCode) : undefined;
	if (status) return { status, headers: {}, body: e.context?.data };
	const text = [e?.cause?.code, e?.code, e?.message, ...(e?.messages ?? [])].filter(Boolean).join(' ');
	return { headers: {}, networkCode: NETWORK_TEXT.find(([re]) => re.test(text))?.[1] ?? 'NETWORK' };
}

export function header(headers: Record<string, unknown>, name: string): string | undefined {
	const value = headers[name] ?? headers[name.toLowerCase()];
	return value === undefined ? undefined : String(Array.isArray(value) ? value[0] : value);
}

/** Legacy Mashery throttling: 403 text/xml "<h1>Developer Over Qps</h1>" (or "Over Rate" for the daily quota). */
function legacyThrottle(outcome: Outcome): 'qps' | 'rate' | undefined {
	if (outcome.status !== 403) return undefined;
	const text = typeof outcome.body === 'string' ? outcome.body : '';
	const code = header(outcome.headers, 'x-mashery-error-code') ?? '';
	if (/over\s*qps/i.test(text) || /OVER_QPS/.test(code)) return 'qps';
	if (/over\s*rate/i.test(text) || /OVER_RATE/.test(code)) return 'rate';
	return undefined;
}

function signalOf(ctx: AthenaContext): AbortSignal | undefined {
	return 'getExecutionCancelSignal' in ctx ? ctx.getExecutionCancelSignal() : undefined;
}

function pathOf(url: string): string {
	return url.replace(/^https?:\/\/[^/]+/, '').split(/[?#]/)[0];
}

export function originOf(url: string): string | undefined {
	try {
		return new URL(url).origin;
	} catch {
		return undefined;
	}
}

/**
 * Every call to athena's origin passes here, on the URL exactly as it will be sent. HTTP clients
 * resolve "..", "%2e%2e", "\\" and stray whitespace themselves, after any check on the parts, so
 * the whole path is refused unless each segment is plain and it stays below /v1/{allowed practice}
 * or the FHIR base.
 */
export function guardUrl(ctx: AthenaContext, conn: AthenaConnection, opts: Pick<SendOptions, 'url' | 'practiceId' | 'itemIndex' | 'authenticate' | 'tokenOriginAllowed'>): void {
	const { url, practiceId, itemIndex } = opts;
	const home = originOf(conn.baseUrl);
	const origin = originOf(url);
	if (origin === undefined) throw pathRefused(ctx, 'it is not a valid URL', itemIndex);
	if (origin !== home) {
		// bulk files elsewhere: their paths are not athena's; the token goes there only when allowed
		if (opts.authenticate !== false && !opts.tokenOriginAllowed) throw pathRefused(ctx, `it points to ${origin}, not athena's ${home}`, itemIndex);
		return;
	}
	// The HTTP client sends the WHATWG reading of the URL, which turns "\\" into "/", resolves dot
	// segments (also %2e%2e), drops tabs and userinfo and accepts "https:host": the URL up to its
	// query must already be exactly that reading, so the path checked below is the path sent.
	const parsed = new URL(url);
	const raw = parsed.pathname;
	if (`${parsed.origin}${raw}` !== url.split(/[?#]/)[0]) throw pathRefused(ctx, 'it is not a plain URL (a backslash, a dot segment, missing slashes or characters the HTTP client would rewrite)', itemIndex);
	const segments = raw.split('/').slice(1);
	for (const segment of segments) {
		let decoded: string;
		try {
			decoded = decodeURIComponent(segment);
		} catch {
			throw pathRefused(ctx, `a segment is not valid percent-encoding ("${segment.slice(0, 30)}")`, itemIndex);
		}
		if (decoded === '' || decoded === '.' || decoded === '..' || /[/\\\s]/.test(decoded) || /[\\\s]/.test(segment)) {
			throw pathRefused(ctx, `it contains the segment "${segment.slice(0, 30)}" (empty, "." or "..", or with a slash, backslash or whitespace)`, itemIndex);
		}
	}
	const basePath = new URL(conn.baseUrl).pathname.replace(/\/+$/, '');
	const practiceBase = `${basePath}/v1/${practiceId}/`;
	const fhirBase = `${basePath}/fhir/r4/`;
	const underPractice = conn.allowedPracticeIds.has(practiceId) && raw.startsWith(practiceBase);
	// practice "1" is athena's "every practice this key can see": only its practice list (reference part 2 §5)
	const discovery = raw === `${basePath}/v1/1/practiceinfo`;
	if (!underPractice && !discovery && !raw.startsWith(fhirBase)) {
		throw pathRefused(ctx, `it is not below ${practiceBase} or ${fhirBase}`, itemIndex);
	}
}

function pathRefused(ctx: AthenaContext, why: string, itemIndex?: number): NodeOperationError {
	return new NodeOperationError(ctx.getNode(), 'Refused to send a request outside the allowed practice', {
		itemIndex,
		description: `The request path was refused because ${why}. Check the fields and expressions that name IDs, feeds or types: each must be one plain value (such as 195900, appointments or Patient), without "/", "." or "..".`,
	});
}

/**
 * The only place that talks HTTP to athena: throttles, signs through n8n's OAuth2 path (which
 * fetches a new token and retries once on 401), retries what is safe to retry, and normalizes errors.
 */
export async function send(ctx: AthenaContext, conn: AthenaConnection, opts: SendOptions): Promise<FullResponse> {
	// athena limits per app: one schedule per credential, whatever the practice
	const key = conn.credentialKey;
	const signal = signalOf(ctx);
	const idempotent = opts.idempotent ?? IDEMPOTENT.has(opts.method);
	const policy = DEFAULT_RETRY_POLICY;
	const authenticate = opts.authenticate !== false;
	guardUrl(ctx, conn, opts);
	const request: IHttpRequestOptions = {
		method: opts.method,
		url: opts.url,
		qs: opts.qs,
		body: opts.body,
		headers: { Accept: 'application/json', ...opts.headers },
		json: !opts.text && !opts.stream,
		returnFullResponse: true,
		timeout: opts.timeoutMs ?? 120_000,
		abortSignal: signal,
		// never follow a redirect blindly: n8n re-sends the Authorization header across origins, and
		// the target would skip the path check (bulk files follow theirs by hand, without the token)
		disableFollowRedirect: true,
	};
	if (opts.text) request.encoding = 'text';
	if (opts.stream) request.encoding = 'stream';
	const path = pathOf(opts.url);

	// The token comes from the transport's per-process token holder (token.ts), not from n8n's
	// OAuth2 helper: that one re-sends a refused request with the stale token before fetching a new
	// one, and each page in flight fetches its own, which athena's 5 tokens a minute cannot carry.
	const source = authenticate ? tokenSource(ctx, conn, signal) : undefined;
	const call = async (token: string | undefined) => {
		const headers: Record<string, string> = { ...(request.headers as Record<string, string>) };
		if (token) headers.Authorization = `Bearer ${token}`;
		const response = (await ctx.helpers.httpRequest({ ...request, headers, ignoreHttpStatusErrors: true })) as FullResponse;
		// a streamed error body is read (bounded) so it can be reported and its socket reused
		if (opts.stream && response.statusCode >= 400) response.body = await readText(response.body);
		return response;
	};
	let reauthenticated = false;

	for (let attempt = 0; ; attempt++) {
		// only athena's own API counts against its rate limit; file storage elsewhere does not
		if (authenticate) await throttle.acquire(key, conn.ratePerSecond, signal, conn.rateDivided);
		const sentAt = Date.now();
		let outcome: Outcome;
		// token errors (credential-invalid, scope-denied, token-rate-limited) are final and go as they are
		const token = source ? await accessToken(source) : undefined;
		try {
			// Read every status ourselves: n8n 2.8 drops the headers (Retry-After) of a failed call.
			let response = await call(token);
			if (response.statusCode === 401 && !reauthenticated && source) {
				// one new token per expiry: the first caller that saw this token refused fetches it,
				// the others (pages in flight) wait for that one
				reauthenticated = true;
				const fresh = await accessToken(source, token);
				response = await call(fresh);
			}
			// athena's own answers, errors included (they count too), but not a throttle refusal nor a file on another origin
			const refusedAsThrottle = response.statusCode === 429 || legacyThrottle({ status: response.statusCode, headers: response.headers, body: response.body }) !== undefined;
			if (authenticate && !refusedAsThrottle && originOf(opts.url) === originOf(conn.baseUrl)) throttle.observeQuota(key, header(response.headers, 'x-ratelimit-remaining'));
			if (response.statusCode >= 300 && response.statusCode < 400 && !opts.noRedirects) {
				throw new NodeOperationError(ctx.getNode(), `athena answered a redirect (HTTP ${response.statusCode}), which was not followed`, {
					itemIndex: opts.itemIndex,
					description: `It pointed to ${originOf(String(header(response.headers, 'location') ?? '')) ?? 'an unknown place'}. athena's API does not redirect; check the credential's environment or Base URL (a proxy in front of athena must not redirect).`,
				});
			}
			if (response.statusCode < 400) {
				return response;
			}
			outcome = { status: response.statusCode, headers: response.headers, body: response.body };
		} catch (error) {
			if (signal?.aborted) throw new NodeOperationError(ctx.getNode(), 'The execution was cancelled while waiting for athena', { itemIndex: opts.itemIndex });
			if (isTokenError(error)) throw asNodeError(ctx.getNode(), error);
			if (error instanceof NodeOperationError) throw asNodeError(ctx.getNode(), error); // ours (a refused redirect), not the network's
			outcome = outcomeOfError(error);
		}

		const legacy = legacyThrottle(outcome);
		const throttled = outcome.status === 429 || legacy !== undefined;
		const retryAfterMs = parseRetryAfter(header(outcome.headers, 'retry-after'));
		let failure: Failure | undefined;
		let retryable = false;
		if (throttled) {
			failure = { cause: legacy === 'rate' ? 'quota-exhausted' : 'rate-limited', retryAfterMs };
			retryable = true;
		} else if (outcome.status && [502, 503, 504].includes(outcome.status)) {
			failure = { cause: 'temporarily-unavailable', retryAfterMs };
			retryable = idempotent;
		} else if (outcome.networkCode && NETWORK.has(outcome.networkCode)) {
			failure = { cause: 'temporarily-unavailable' };
			retryable = idempotent || NOT_DELIVERED.has(outcome.networkCode);
		} else if (outcome.status === 401) {
			failure = { cause: 'credential-invalid' };
		}

		const tooLong = retryAfterMs !== undefined && retryAfterMs > policy.ceilingMs;
		const maxRetries = throttled && retryAfterMs !== undefined ? policy.maxThrottledRetries : policy.maxRetries;
		if (!retryable || attempt >= maxRetries || tooLong) {
			let message: string | undefined;
			if (retryable && tooLong) message = `athena asked to wait ${Math.ceil(retryAfterMs / 1000)} s before retrying, longer than the ${policy.ceilingMs / 1000} s this node waits`;
			else if (retryable) message = `athena still refused after ${attempt + 1} attempts (${outcome.status ? `HTTP ${outcome.status}` : networkWords(outcome.networkCode)})`;
			else if (failure?.cause === 'temporarily-unavailable' && !idempotent)
				message = `athena did not confirm this ${opts.method} (${outcome.status ? `HTTP ${outcome.status}` : networkWords(outcome.networkCode)}); it was not repeated because it may already have taken effect`;
			throw athenaApiError(ctx.getNode(), {
				status: outcome.status,
				body: outcome.body,
				requestId: header(outcome.headers, 'x-request-id'),
				method: opts.method,
				path,
				itemIndex: opts.itemIndex,
				failure,
				message,
				networkCode: outcome.networkCode,
				hint:
					failure?.cause === 'temporarily-unavailable' && !idempotent
						? `Check whether ${path} took effect (for example with the matching Get operation) before doing anything else; do not send it again unchecked.`
						: undefined,
			});
		}
		const wait = retryDelayMs(retryAfterMs, attempt, policy);
		if (throttled && authenticate) throttle.penalize(key, wait, sentAt);
		ctx.logger?.debug?.(`athenahealth: ${opts.method} ${path} → ${outcome.status ?? outcome.networkCode}; retry ${attempt + 1} in ${wait} ms`);
		try {
			await sleep(wait, signal);
		} catch {
			throw new NodeOperationError(ctx.getNode(), 'The execution was cancelled while waiting to retry an athena call', { itemIndex: opts.itemIndex });
		}
	}
}

/** Reads a (small) streamed body as text, at most 64 KB; the rest is discarded. */
export async function readText(body: unknown): Promise<unknown> {
	if (!body || typeof (body as AsyncIterable<unknown>)[Symbol.asyncIterator] !== 'function') return body;
	const decoder = new TextDecoder();
	let text = '';
	for await (const chunk of body as AsyncIterable<Uint8Array>) {
		if (text.length < 65536) text += decoder.decode(chunk, { stream: true });
	}
	text += decoder.decode();
	return jsonOrText(text);
}

export function formEncode(form: IDataObject): string {
	const params = new URLSearchParams();
	for (const [k, v] of Object.entries(form)) {
		if (v === undefined || v === null || v === '') continue;
		params.append(k, typeof v === 'object' ? JSON.stringify(v) : String(v));
	}
	return params.toString();
}

/** Practice-scoped athenaNet call; returns the parsed body, raising 200-with-failure bodies. */
export async function athenaRequest(ctx: AthenaContext, req: AthenaRequest): Promise<unknown> {
	const conn = await getConnection(ctx);
	const practiceId = resolvePractice(ctx, conn, req.practiceId, req.itemIndex);
	const url = `${conn.baseUrl}/v1/${practiceId}${req.path}`;
	return await athenaSend(ctx, conn, { ...req, practiceId, url });
}

export async function athenaSend(
	ctx: AthenaContext,
	conn: AthenaConnection,
	req: Omit<AthenaRequest, 'path'> & { practiceId: string; url: string },
): Promise<unknown> {
	const hasForm = req.form && Object.keys(req.form).length > 0 && req.method !== 'GET';
	const response = await send(ctx, conn, {
		method: req.method,
		url: req.url,
		practiceId: req.practiceId,
		qs: req.qs,
		body: hasForm ? formEncode(req.form!) : undefined,
		headers: hasForm ? { 'Content-Type': 'application/x-www-form-urlencoded' } : undefined,
		idempotent: req.idempotent,
		itemIndex: req.itemIndex,
		timeoutMs: req.timeoutMs,
	});
	const body = response.body;
	if (!req.allowFailureBody) {
		const failure = failureInBody(body);
		if (failure !== undefined) {
			throw athenaApiError(ctx.getNode(), {
				status: response.statusCode,
				body: typeof body === 'string' ? undefined : body,
				message: failure,
				requestId: header(response.headers, 'x-request-id'),
				method: req.method,
				path: pathOf(req.url),
				itemIndex: req.itemIndex,
			});
		}
	}
	return body;
}
