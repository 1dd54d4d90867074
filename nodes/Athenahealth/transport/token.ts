import {
	NodeApiError,
	type ICredentialDataDecryptedObject,
	type INode,
	type JsonObject,
} from 'n8n-workflow';

import {
	clientAssertion,
	JWT_BEARER,
	keyFingerprint,
	privateKeyOf,
	usesPrivateKey,
} from '../shared/clientAssertion';
import { jsonOrText, scrub, type Failure } from './errors';
import { DEFAULT_RETRY_POLICY, parseRetryAfter } from './retryPolicy';
import { sleep } from './sleep';

// athena's 2-legged (client credentials) token: one token per credential per process, shared by
// every execution and every page in flight. athena allows 5 new tokens a minute in preview (50 in
// production; https://docs.athenahealth.com/api/guides/authentication-and-url-locations), so a
// token is fetched once per expiry by one caller while the others wait for it; a 429 from the
// token endpoint is waited out (Retry-After, else the top of the minute).

interface Held {
	token: string;
	/** When to stop using it: before athena's expiry, so it never runs out mid-request. */
	renewAt: number;
}

const held = new Map<string, Held>();
const fetching = new Map<string, Promise<Held>>();
// renew a minute before athena's expiry (a quarter of the lifetime for short-lived tokens)
const EARLY_MS = 60_000;
const MAX_TOKEN_WAITS = 3;

/** The time as the token holder reads it, and how it waits out a token 429. */
export interface TokenClock {
	now: () => number;
	sleep: (ms: number, signal?: AbortSignal) => Promise<void>;
}

const SYSTEM_CLOCK: TokenClock = { now: () => Date.now(), sleep };
let clock: TokenClock = SYSTEM_CLOCK;

/** Replaces the clock, so tests cross a token window without waiting for it; no argument restores the system's. */
export function setTokenClock(replacement?: Partial<TokenClock>): void {
	clock = { ...SYSTEM_CLOCK, ...replacement };
}

export interface TokenSource {
	node: INode;
	credentials: ICredentialDataDecryptedObject;
	/** Sends the token request: the transport's plain (unauthenticated) HTTP helper. */
	post: (
		url: string,
		body: string,
		headers: Record<string, string>,
	) => Promise<{ statusCode: number; headers: Record<string, unknown>; body: unknown }>;
	signal?: AbortSignal;
	log?: (message: string) => void;
}

function keyOf(c: ICredentialDataDecryptedObject): string {
	const secret = usesPrivateKey(c) ? `jwt:${keyFingerprint(c)}` : c.clientSecret;
	return [c.accessTokenUrl, c.clientId, c.scope, secret].map((v) => String(v ?? '')).join('\n');
}

/**
 * How the token request proves the app: the client id and secret in a Basic header, or a client
 * assertion signed with the app's private key (docs/athena-behaviour.md#jwt-client-assertion),
 * fresh for each request (athena refuses an assertion whose jti it has seen).
 */
function clientProof(
	source: TokenSource,
	url: string,
): { form: Record<string, string>; headers: Record<string, string> } {
	const c = source.credentials;
	if (!usesPrivateKey(c)) {
		// Basic credentials as UTF-8 (btoa alone takes only Latin-1)
		const pair = new TextEncoder().encode(
			`${String(c.clientId ?? '')}:${String(c.clientSecret ?? '')}`,
		);
		return { form: {}, headers: { Authorization: `Basic ${btoa(String.fromCharCode(...pair))}` } };
	}
	const key = privateKeyOf(c);
	if ('problem' in key)
		throw tokenError(
			source.node,
			{ cause: 'credential-invalid' },
			'The private key in the credential cannot sign a client assertion',
			`Nothing was sent: ${key.problem}. Put the app's private key (PEM) in the credential; its public JWKS is what you register with the athena ` +
				`app (Practice → Get App Public Key).`,
		);
	const assertion = clientAssertion(
		key.key,
		key.alg,
		key.kid,
		String(c.clientId ?? ''),
		url,
		clock.now(),
	);
	return { form: { client_assertion_type: JWT_BEARER, client_assertion: assertion }, headers: {} };
}

/**
 * A valid access token for the credential. `stale` is a token athena just refused: it is not
 * handed out again, and only the first caller that saw it fetches a new one.
 */
export async function accessToken(source: TokenSource, stale?: string): Promise<string> {
	const key = keyOf(source.credentials);
	const current = held.get(key);
	if (current && current.token !== stale && current.renewAt > clock.now()) return current.token;
	if (current && current.token === stale) held.delete(key);
	let pending = fetching.get(key);
	if (!pending) {
		pending = fetchToken(source).finally(() => fetching.delete(key));
		fetching.set(key, pending);
	}
	const fresh = await untilCancelled(pending, source);
	held.set(key, fresh);
	return fresh.token;
}

/** Waits for the shared token request, or stops waiting (alone) when this caller's execution is cancelled. */
function untilCancelled<T>(pending: Promise<T>, source: TokenSource): Promise<T> {
	const { signal } = source;
	if (!signal) return pending;
	const cancelled = () =>
		tokenError(
			source.node,
			{ cause: 'temporarily-unavailable' },
			'The execution was cancelled while waiting for a token',
			'Nothing was sent for this execution.',
		);
	if (signal.aborted) return Promise.reject(cancelled());
	return new Promise<T>((resolve, reject) => {
		const onAbort = () => reject(cancelled());
		signal.addEventListener('abort', onAbort, { once: true });
		pending.then(
			(value) => {
				signal.removeEventListener('abort', onAbort);
				resolve(value);
			},
			(error: unknown) => {
				signal.removeEventListener('abort', onAbort);
				reject(error);
			},
		);
	});
}

async function fetchToken(source: TokenSource): Promise<Held> {
	const c = source.credentials;
	const url = String(c.accessTokenUrl ?? '');
	const jwt = usesPrivateKey(c);
	for (let attempt = 0; ; attempt++) {
		const proof = clientProof(source, url);
		const form = new URLSearchParams({
			grant_type: 'client_credentials',
			scope: String(c.scope ?? ''),
			...proof.form,
		}).toString();
		let response: Awaited<ReturnType<TokenSource['post']>>;
		try {
			response = await source.post(url, form, {
				...proof.headers,
				'Content-Type': 'application/x-www-form-urlencoded',
				Accept: 'application/json',
			});
		} catch {
			throw tokenError(
				source.node,
				{ cause: 'temporarily-unavailable' },
				"Could not reach athena's token endpoint",
				'No answer came from it. Check the environment (or Base URL) in the credential and the network.',
			);
		}
		const body = (typeof response.body === 'string' ? jsonOrText(response.body) : response.body) as
			| Record<string, unknown>
			| string
			| undefined;
		const fields = body && typeof body === 'object' ? body : {};
		if (response.statusCode === 200 && typeof fields.access_token === 'string') {
			const lifetimeMs = (Number(fields.expires_in) > 0 ? Number(fields.expires_in) : 3600) * 1000; // athena sends a string
			return {
				token: fields.access_token,
				renewAt: clock.now() + lifetimeMs - Math.min(EARLY_MS, lifetimeMs / 4),
			};
		}
		const said = athenaWords(fields, body);
		if (response.statusCode === 429) {
			const header = response.headers['retry-after'];
			// athena counts token requests per minute: without Retry-After, wait for the next minute
			const waitMs = parseRetryAfter(header, clock.now()) ?? 60_000 - (clock.now() % 60_000) + 250;
			// a wait beyond the transport's ceiling is not waited out (it would hold every execution on this credential)
			if (attempt >= MAX_TOKEN_WAITS || waitMs > DEFAULT_RETRY_POLICY.ceilingMs + 1000) {
				throw tokenError(
					source.node,
					{ cause: 'token-rate-limited', retryAfterMs: waitMs },
					'athena is refusing new tokens for this app: too many token requests this minute',
					`athena said: ${said}. athena allows 5 new tokens a minute in preview (50 in production) per app; other workflows or n8n processes with ` +
						`this client ID may be using them up.`,
				);
			}
			source.log?.(`athenahealth: token endpoint answered 429; waiting ${waitMs} ms`);
			// shared by every caller waiting for this token: each of them can stop waiting on its own
			await clock.sleep(waitMs);
			continue;
		}
		if (response.statusCode >= 300 && response.statusCode < 400) {
			throw tokenError(
				source.node,
				{ cause: 'credential-invalid' },
				`athena's token endpoint answered a redirect (HTTP ${response.statusCode}), which was not followed`,
				`The ${jwt ? 'signed client assertion' : 'client secret'} goes only to the token endpoint itself. Check the credential's environment or Base URL.`,
			);
		}
		const code = typeof fields.error === 'string' ? fields.error : '';
		if (code === 'access_denied') {
			throw tokenError(
				source.node,
				{ cause: 'scope-denied' },
				'athena refused the scopes this credential asks for',
				`athena said: ${said}. The token request asked for: ${String(c.scope ?? '')}. Your app must hold every one of them: in the credential, ` +
					`choose only the FHIR scopes your app was granted (or turn FHIR off), and check that the app is 2-legged.`,
			);
		}
		if ((code === 'invalid_client' || response.statusCode === 401) && jwt) {
			throw tokenError(
				source.node,
				{ cause: 'credential-invalid' },
				"athena did not accept the app's signed client assertion",
				`athena said: ${said}. Check that the athena app (in this environment: preview and production are separate apps, each with its own JWKS) ` +
					`has the public JWKS of this private key registered under the same key ID, that the client ID is the app's, and that this machine's clock ` +
					`is right.`,
			);
		}
		if (code === 'invalid_client' || response.statusCode === 401) {
			throw tokenError(
				source.node,
				{ cause: 'credential-invalid' },
				'athena did not accept the client ID and secret',
				`athena said: ${said}. Check the client ID and secret in the credential and that they belong to this environment (preview and production are separate).`,
			);
		}
		if (response.statusCode >= 500 || (typeof body === 'string' && !/^\s*\{/.test(body))) {
			throw tokenError(
				source.node,
				{ cause: 'temporarily-unavailable' },
				`athena's token endpoint is unavailable (HTTP ${response.statusCode})`,
				`athena said: ${said}. This is athena's side (or a gateway in front of it): run again later; nothing was sent for this item.`,
			);
		}
		throw tokenError(
			source.node,
			{ cause: 'credential-invalid' },
			`athena's token endpoint answered HTTP ${response.statusCode}`,
			`athena said: ${said}. Check the credential's environment and client.`,
		);
	}
}

function athenaWords(fields: Record<string, unknown>, body: unknown): string {
	const words = [fields.error, fields.error_description, fields.detailedmessage].filter(
		(v) => typeof v === 'string' && v,
	);
	if (words.length) return words.map((w) => `"${String(w)}"`).join(' ');
	return typeof body === 'string' && body.trim()
		? `"${body.trim().slice(0, 200)}"`
		: 'nothing (no error body)';
}

function tokenError(
	node: INode,
	failure: Failure,
	message: string,
	description: string,
): NodeApiError {
	const error = new NodeApiError(node, { source: 'token endpoint' } as JsonObject, {
		message,
		description: scrub(description),
	});
	return Object.assign(error, { failure, fromTokenEndpoint: true });
}

/** Errors raised here are final for the call that needed the token. */
export const isTokenError = (error: unknown) =>
	(error as { fromTokenEndpoint?: boolean })?.fromTokenEndpoint === true;

/** Forgets every token this process holds (tests; a credential change is picked up by its key anyway). */
export function forgetTokens(): void {
	held.clear();
}
