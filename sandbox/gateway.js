'use strict';
// athena's API gateway, simulated: the OAuth 2.0 client-credentials token endpoint (scope rules and
// a per-minute token limit), bearer-token checks, the daily quota with its X-RateLimit headers and a
// per-second throttle per client. It decides; the server (sandbox/server.js) sends. Every decision
// is an answer { status, body, headers } or a pass.

const crypto = require('node:crypto');

const ATHENA_SCOPE = 'athena/service/Athenanet.MDP.*';
const JWT_BEARER = 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer';

const answer = (status, body, headers = {}) => ({ status, body, headers });

/** sb: { settings, counters, clients, tokens }. Adds sb.resetThrottle, sb.setQuotaUsed and sb.expireTokens. */
function createGateway(sb) {
	const { settings, counters, clients, tokens } = sb;
	const buckets = new Map(); // client → { tokens, at }: the per-second throttle
	const tokenWindows = new Map(); // client id → { minute, count }: the token endpoint's limit

	// ---- OAuth 2.0 client credentials: POST /oauth2/v1/token
	function token(req, raw) {
		counters.tokenRequests++;
		const form = new URLSearchParams(raw);
		let id = form.get('client_id');
		let secret = form.get('client_secret');
		const auth = req.headers.authorization || '';
		if (auth.startsWith('Basic '))
			[id, secret] = Buffer.from(auth.slice(6), 'base64').toString('utf8').split(/:(.*)/s);
		// a JWT client assertion (RFC 7523) names its client in iss
		const assertion = form.get('client_assertion');
		let asserted;
		if (assertion && form.get('client_assertion_type') === JWT_BEARER) {
			asserted = verifyAssertion(assertion, `http://${req.headers.host}/oauth2/v1/token`);
			id = asserted.iss ?? id;
		}
		const minute = Math.floor(Date.now() / 60000);
		const win = tokenWindows.get(id) || { minute, count: 0 };
		if (win.minute !== minute) Object.assign(win, { minute, count: 0 });
		const limitHeaders = () => ({
			'X-RateLimit-Limit': String(settings.tokenRateLimit),
			'X-RateLimit-Remaining': String(Math.max(0, settings.tokenRateLimit - win.count)),
		});
		if (form.get('grant_type') !== 'client_credentials') {
			const body = {
				error: 'unsupported_grant_type',
				error_description: 'Only client_credentials is supported here.',
			};
			return answer(400, body);
		}
		const client = clients.get(id);
		// an app registered with a JWKS takes only assertions; one without, only its secret
		const proven = client?.jwks ? asserted?.ok === true : !asserted && client?.secret === secret;
		if (!client || !proven) {
			counters.tokenRefusals++;
			if (settings.tokenInvalidClientBody === 'empty')
				return answer(401, '', { 'Content-Type': 'text/plain' });
			return answer(401, {
				error: 'invalid_client',
				error_description: 'Client authentication failed.',
			});
		}
		if (win.count >= settings.tokenRateLimit) {
			tokenWindows.set(id, win);
			const toNextMinute = String(60 - (Math.floor(Date.now() / 1000) % 60));
			const retryAfter = settings.tokenRetryAfter === 'none' ? {} : { 'Retry-After': toNextMinute };
			const body = {
				error: 'too_many_requests',
				error_description: 'Token request limit reached for this minute.',
			};
			return answer(429, body, { ...limitHeaders(), ...retryAfter });
		}
		win.count++;
		tokenWindows.set(id, win);
		const scopes = (form.get('scope') || '').split(/\s+/).filter(Boolean);
		const allowed = (s) =>
			s === ATHENA_SCOPE || /^system\/[A-Za-z*]+\.(read|rs|r|s|write|c[ruds]*|\*)$/.test(s);
		const granted = !client.scopes || scopes.every((s) => client.scopes.includes(s));
		if (!scopes.length || !scopes.every(allowed) || !granted) {
			const body = {
				detailedmessage:
					'Policy evaluation failed for this request, please check the policy configurations.',
				error: 'access_denied',
			};
			return answer(401, body, limitHeaders());
		}
		const accessToken = `sbx.${crypto.randomBytes(24).toString('base64url')}`;
		// expired tokens are forgotten (an unknown token gets the same 401), so the map stays bounded
		if (tokens.size > 1000)
			for (const [t, info] of tokens) if (info.expiresAt <= Date.now()) tokens.delete(t);
		tokens.set(accessToken, {
			client: id,
			scopes,
			expiresAt: Date.now() + settings.tokenLifetimeSeconds * 1000,
		});
		counters.tokensIssued++;
		const body = {
			access_token: accessToken,
			expires_in: String(settings.tokenLifetimeSeconds),
			scope: scopes.join(' '),
			token_type: 'Bearer',
		};
		return answer(200, body, limitHeaders());
	}
	/**
	 * Checks a client assertion against the JWKS registered for the client it names: signature
	 * (RS256, RS384, ES384), aud = this token URL, iss = sub, not expired, at most 5 minutes long,
	 * and a jti not seen before. Returns { ok, iss, why }.
	 */
	const seenJti = new Map(); // jti → exp (ms), forgotten once expired
	function verifyAssertion(jwt, tokenUrl) {
		const parts = String(jwt).split('.');
		const decode = (p) => {
			try {
				return JSON.parse(Buffer.from(p, 'base64url').toString('utf8'));
			} catch {
				return undefined;
			}
		};
		const header = decode(parts[0] ?? '');
		const claims = decode(parts[1] ?? '');
		if (parts.length !== 3 || !header || !claims) return { ok: false, why: 'malformed' };
		const iss = typeof claims.iss === 'string' ? claims.iss : undefined;
		const client = iss ? clients.get(iss) : undefined;
		const jwk = client?.jwks?.keys?.find((k) => k.kid === header.kid);
		const hash = { RS256: 'sha256', RS384: 'sha384', ES384: 'sha384' }[header.alg];
		if (!jwk || !hash) return { ok: false, iss, why: 'unknown key or algorithm' };
		let valid = false;
		try {
			const key = crypto.createPublicKey({ key: jwk, format: 'jwk' });
			valid = crypto.verify(
				hash,
				Buffer.from(`${parts[0]}.${parts[1]}`),
				header.alg === 'ES384' ? { key, dsaEncoding: 'ieee-p1363' } : key,
				Buffer.from(parts[2], 'base64url'),
			);
		} catch {
			valid = false;
		}
		const now = Math.floor(Date.now() / 1000);
		for (const [j, exp] of seenJti) if (exp < Date.now()) seenJti.delete(j);
		if (!valid) return { ok: false, iss, why: 'signature' };
		if (claims.sub !== iss || claims.aud !== tokenUrl) return { ok: false, iss, why: 'claims' };
		if (!(claims.exp > now) || claims.exp - now > 300 + 60) return { ok: false, iss, why: 'exp' };
		if (!claims.jti || seenJti.has(claims.jti)) return { ok: false, iss, why: 'replayed jti' };
		seenJti.set(claims.jti, claims.exp * 1000);
		counters.assertionsAccepted++;
		return { ok: true, iss };
	}

	sb.expireTokens = () => {
		for (const t of tokens.values()) t.expiresAt = 0;
	};

	/** The request's bearer token ({ token }), or the 401 athena answers before anything else ({ answer }). */
	function authenticate(req) {
		const auth = req.headers.authorization || '';
		const tok = auth.startsWith('Bearer ') ? tokens.get(auth.slice(7)) : undefined;
		if (tok && tok.expiresAt > Date.now()) return { token: tok };
		if (settings.gatewayErrors) {
			return { answer: answer(401, '<h1>Developer Inactive</h1>', { 'Content-Type': 'text/xml' }) };
		}
		const fault = {
			faultstring: 'Invalid access token',
			detail: { errorcode: 'oauth.v2.InvalidAccessToken' },
		};
		return { answer: answer(401, { fault }) };
	}

	/** Whether the token's scopes reach this path (athenaNet needs ATHENA_SCOPE; FHIR checks its own). */
	const permits = (tok, path) => tok.scopes.includes(ATHENA_SCOPE) || !path.startsWith('/v1/');

	// ---- throttling: a token bucket per client, one second of burst
	function takeToken(clientId) {
		if (!(settings.qps > 0)) return { ok: true };
		const now = Date.now();
		let b = buckets.get(clientId);
		if (!b) buckets.set(clientId, (b = { tokens: Math.max(1, settings.qps), at: now }));
		const capacity = Math.max(1, settings.qps);
		b.tokens = Math.min(capacity, b.tokens + ((now - b.at) / 1000) * settings.qps);
		b.at = now;
		if (b.tokens >= 1) {
			b.tokens -= 1;
			return { ok: true };
		}
		return { ok: false, waitMs: Math.ceil(((1 - b.tokens) / settings.qps) * 1000) };
	}
	sb.resetThrottle = () => buckets.clear();

	// ---- the daily quota: resets at midnight GMT
	let quotaDay = Math.floor(Date.now() / 86400000);
	let quotaUsed = 0;
	function quota() {
		const day = Math.floor(Date.now() / 86400000);
		if (day !== quotaDay) {
			quotaDay = day;
			quotaUsed = 0;
		}
		return { limit: settings.dailyQuota, remaining: Math.max(0, settings.dailyQuota - quotaUsed) };
	}
	// what the X-RateLimit headers say (the quotaCounter reading)
	let shown = { second: -1, used: 0 };
	function rateHeadersOf(q) {
		if (settings.quotaCounter === 'none') return {};
		let used = quotaUsed + 1;
		if (settings.quotaCounter === 'late') {
			const second = Math.floor(Date.now() / 1000);
			if (second !== shown.second || shown.used > quotaUsed) shown = { second, used: quotaUsed };
			used = shown.used;
		}
		const remaining = Math.max(0, settings.dailyQuota - used);
		return { 'X-RateLimit-Limit': String(q.limit), 'X-RateLimit-Remaining': String(remaining) };
	}
	sb.setQuotaUsed = (n) => {
		quota();
		quotaUsed = n;
	};

	function retryAfterHeader(waitMs) {
		if (settings.retryAfter === 'none') return {};
		if (settings.retryAfter === 'http-date') {
			return { 'Retry-After': new Date(Date.now() + Math.max(1000, waitMs)).toUTCString() };
		}
		return { 'Retry-After': String(Math.max(1, Math.ceil(waitMs / 1000))) };
	}

	function countRate() {
		const second = Math.floor(Date.now() / 1000);
		const ps = counters.perSecond;
		if (ps.second !== second) {
			ps.second = second;
			ps.count = 0;
		}
		ps.count++;
		counters.maxPerSecond = Math.max(counters.maxPerSecond, ps.count);
	}

	/**
	 * An authenticated call against the daily quota, then the client's per-second limit: the X-RateLimit
	 * headers every answer carries ({ rateHeaders }; the call is counted), or the refusal ({ answer }).
	 */
	function admit(tok) {
		countRate();
		const q = quota();
		const rateHeaders = rateHeadersOf(q);
		const gatewayText = settings.gatewayErrors ? { 'Content-Type': 'text/plain' } : {};
		if (q.remaining <= 0) {
			counters.served429++;
			if (settings.legacyThrottle) {
				const headers = {
					...rateHeaders,
					'Content-Type': 'text/xml',
					'X-Mashery-Error-Code': 'ERR_403_DEVELOPER_OVER_RATE',
				};
				return { answer: answer(403, '<h1>Developer Over Rate</h1>', headers) };
			}
			const body = settings.gatewayErrors
				? 'Quota exceeded'
				: { error: 'Daily API quota exceeded.' };
			return { answer: answer(429, body, { ...rateHeaders, ...gatewayText }) };
		}
		const slot = takeToken(tok.client);
		if (!slot.ok) {
			counters.served429++;
			if (settings.legacyThrottle) {
				counters.served403Qps++;
				const headers = {
					...rateHeaders,
					'Content-Type': 'text/xml',
					'X-Mashery-Error-Code': 'ERR_403_DEVELOPER_OVER_QPS',
					'X-Error-Detail-Header': 'Account Over Queries Per Second Limit',
					...retryAfterHeader(slot.waitMs),
				};
				return { answer: answer(403, '<h1>Developer Over Qps</h1>', headers) };
			}
			const body = settings.gatewayErrors ? 'Too Many Requests' : { error: 'Too many requests.' };
			return {
				answer: answer(429, body, {
					...rateHeaders,
					...retryAfterHeader(slot.waitMs),
					...gatewayText,
				}),
			};
		}
		quotaUsed++;
		return { rateHeaders };
	}

	return { token, authenticate, permits, admit };
}

module.exports = { createGateway, ATHENA_SCOPE };
