import {
	NodeOperationError,
	type IDataObject,
	type IHttpRequestMethods,
	type IHttpRequestOptions,
} from 'n8n-workflow';

import type { AthenaConnection, AthenaContext } from './connection';
import {
	asNodeError,
	gaveUpError,
	jsonOrText,
	outcomeOfError,
	type Failure,
	type Outcome,
} from './errors';
import { DEFAULT_RETRY_POLICY, parseRetryAfter, retryDelayMs } from './retryPolicy';
import { sleep } from './sleep';
import * as throttle from './throttle';
import { accessToken, isTokenError, type TokenSource } from './token';
import { guardUrl, originOf, pathOf, type Destination } from './urlGuard';

export interface FullResponse {
	body: unknown;
	headers: Record<string, string | string[] | undefined>;
	statusCode: number;
}

export interface SendOptions extends Destination {
	method: IHttpRequestMethods;
	qs?: IDataObject;
	body?: string;
	headers?: Record<string, string>;
	/** Safe to repeat after a 5xx or a dropped connection. Defaults to true for GET/HEAD/OPTIONS only. */
	idempotent?: boolean;
	/** Return the body as text instead of parsing JSON. */
	text?: boolean;
	/** Return a 2xx/3xx body as a Readable stream (error bodies are still read, as text). */
	stream?: boolean;
	/** Hand 3xx answers back instead of following them (n8n would forward the token cross-origin). */
	noRedirects?: boolean;
	timeoutMs?: number;
}

const IDEMPOTENT = new Set(['GET', 'HEAD', 'OPTIONS']);
// Codes where the request never reached athena, so even a write can be sent again.
const NOT_DELIVERED = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN']);
const NETWORK = new Set([
	...NOT_DELIVERED,
	'ECONNRESET',
	'ETIMEDOUT',
	'ECONNABORTED',
	'EPIPE',
	'UND_ERR_SOCKET',
	'ERR_SOCKET_CONNECTION_TIMEOUT',
]);

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

function tokenSource(
	ctx: AthenaContext,
	conn: AthenaConnection,
	signal?: AbortSignal,
): TokenSource {
	return {
		node: ctx.getNode(),
		credentials: conn.tokenCredentials,
		signal,
		log: (m) => ctx.logger?.debug?.(m),
		// one request serves every caller waiting for the token, so no caller's cancel aborts it; a
		// redirect is not followed (the Basic header carries the client secret)
		post: async (url, body, headers) =>
			(await ctx.helpers.httpRequest({
				method: 'POST',
				url,
				body,
				headers,
				json: false,
				encoding: 'text',
				returnFullResponse: true,
				ignoreHttpStatusErrors: true,
				timeout: 30_000,
				disableFollowRedirect: true,
			})) as FullResponse,
	};
}

/**
 * The only place that talks HTTP to athena: throttles, signs with the transport's own token
 * (token.ts; a 401 fetches a new one and is retried once), retries what is safe to retry, and
 * normalizes errors.
 */
export async function send(
	ctx: AthenaContext,
	conn: AthenaConnection,
	opts: SendOptions,
): Promise<FullResponse> {
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
		const response = (await ctx.helpers.httpRequest({
			...request,
			headers,
			ignoreHttpStatusErrors: true,
		})) as FullResponse;
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
			// (athena's 401 "Incorrect permissions." refuses the practice or path, not the token: a new
			// token would change nothing and spend athena's token limit; docs/athena-behaviour.md#practices)
			if (
				response.statusCode === 401 &&
				!reauthenticated &&
				source &&
				!/Incorrect permissions/i.test(String(response.body ?? ''))
			) {
				// one new token per expiry: the first caller that saw this token refused fetches it,
				// the others (pages in flight) wait for that one
				reauthenticated = true;
				const fresh = await accessToken(source, token);
				response = await call(fresh);
			}
			// athena's own answers, errors included (they count too), but not a throttle refusal nor a file on another origin
			const refusedAsThrottle =
				response.statusCode === 429 ||
				legacyThrottle({
					status: response.statusCode,
					headers: response.headers,
					body: response.body,
				}) !== undefined;
			if (authenticate && !refusedAsThrottle && originOf(opts.url) === originOf(conn.baseUrl))
				throttle.observeQuota(key, header(response.headers, 'x-ratelimit-remaining'));
			if (response.statusCode >= 300 && response.statusCode < 400 && !opts.noRedirects) {
				throw new NodeOperationError(
					ctx.getNode(),
					`athena answered a redirect (HTTP ${response.statusCode}), which was not followed`,
					{
						itemIndex: opts.itemIndex,
						description:
							`It pointed to ${originOf(String(header(response.headers, 'location') ?? '')) ?? 'an unknown place'}. athena's API does not redirect; ` +
							`check the credential's environment or Base URL (a proxy in front of athena must not redirect).`,
					},
				);
			}
			if (response.statusCode < 400) {
				return response;
			}
			outcome = { status: response.statusCode, headers: response.headers, body: response.body };
		} catch (error) {
			if (signal?.aborted)
				throw new NodeOperationError(
					ctx.getNode(),
					'The execution was cancelled while waiting for athena',
					{ itemIndex: opts.itemIndex },
				);
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
		} else if (outcome.status && outcome.status >= 500 && !idempotent) {
			// any other 5xx to a write: athena may have applied it before failing (docs/requests.md)
			failure = { cause: 'temporarily-unavailable' };
		} else if (outcome.networkCode && NETWORK.has(outcome.networkCode)) {
			failure = { cause: 'temporarily-unavailable' };
			retryable = idempotent || NOT_DELIVERED.has(outcome.networkCode);
		} else if (outcome.status === 401) {
			failure = { cause: 'credential-invalid' };
		}

		const tooLong = retryAfterMs !== undefined && retryAfterMs > policy.ceilingMs;
		const maxRetries =
			throttled && retryAfterMs !== undefined ? policy.maxThrottledRetries : policy.maxRetries;
		if (!retryable || attempt >= maxRetries || tooLong) {
			throw gaveUpError(ctx.getNode(), {
				outcome,
				failure,
				method: opts.method,
				path,
				itemIndex: opts.itemIndex,
				requestId: header(outcome.headers, 'x-request-id'),
				idempotent,
				retryable,
				attempts: attempt + 1,
				waitAskedMs: tooLong ? retryAfterMs : undefined,
				ceilingMs: policy.ceilingMs,
			});
		}
		const wait = retryDelayMs(retryAfterMs, attempt, policy);
		if (throttled && authenticate) throttle.penalize(key, wait, sentAt);
		ctx.logger?.debug?.(
			`athenahealth: ${opts.method} ${path} → ${outcome.status ?? outcome.networkCode}; retry ${attempt + 1} in ${wait} ms`,
		);
		try {
			await sleep(wait, signal);
		} catch {
			throw new NodeOperationError(
				ctx.getNode(),
				'The execution was cancelled while waiting to retry an athena call',
				{ itemIndex: opts.itemIndex },
			);
		}
	}
}

/** Reads a (small) streamed body as text, at most 64 KB; the rest is discarded. */
export async function readText(body: unknown): Promise<unknown> {
	if (!body || typeof (body as AsyncIterable<unknown>)[Symbol.asyncIterator] !== 'function')
		return body;
	const decoder = new TextDecoder();
	let text = '';
	for await (const chunk of body as AsyncIterable<Uint8Array>) {
		if (text.length < 65536) text += decoder.decode(chunk, { stream: true });
	}
	text += decoder.decode();
	return jsonOrText(text);
}
