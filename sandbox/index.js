'use strict';
// athena sandbox: a local simulator of athenaOne preview, written from reference/athena-api.md.
// startSandbox(options) → { url, port, state, settings, counters, close() }

const http = require('node:http');
const crypto = require('node:crypto');

const { encode, readBody, params, Router } = require('./http');
const { athenaDateTime, parts, dayOf, easternToEpoch } = require('./clock');
const { buildSeed } = require('./seed');
const athenanet = require('./routes/athenanet');
const record = require('./routes/record');
const { createFeeds } = require('./routes/feeds');
const control = require('./routes/control');
const fhir = require('./routes/fhir');
const bulk = require('./routes/bulk');
const { startSandboxProcess } = require('./process');
const { createHl7Feed } = require('./hl7feed');

const ATHENA_SCOPE = 'athena/service/Athenanet.MDP.*';
const DEFAULT_CLIENT = { id: 'sandbox-client', secret: 'sandbox-secret', number: '2530' };

function defaultSettings(options) {
	const production = options.environment === 'production';
	return {
		environment: production ? 'production' : 'preview',
		qps: options.qps ?? (production ? 100 : 5),
		retryAfter: options.retryAfter ?? 'seconds', // seconds | http-date | none
		legacyThrottle: options.legacyThrottle ?? false, // 403 text/xml "Developer Over Qps"
		gatewayErrors: options.gatewayErrors ?? false, // non-JSON 401/403/429 bodies
		dailyQuota: options.dailyQuota ?? (production ? 1000000 : 50000),
		// the daily-quota counter (X-RateLimit-Remaining) is VERIFIED on every response, how it counts is
		// INFERRED: every call at once (exact), once a second as a distributed counter syncs (late), or
		// no X-RateLimit headers at all (none)
		quotaCounter: options.quotaCounter ?? 'exact',
		tokenLifetimeSeconds: options.tokenLifetimeSeconds ?? 3600,
		tokenRateLimit: options.tokenRateLimit ?? (production ? 50 : 5),
		// the token 429's headers are INFERRED (reference §1.4): 'seconds' sends Retry-After, 'none' only the limit headers
		tokenRetryAfter: options.tokenRetryAfter ?? 'seconds',
		// the bad-client 401 body is INFERRED (Okta's default): 'okta' sends it, 'empty' a bare 401
		tokenInvalidClientBody: options.tokenInvalidClientBody ?? 'okta',
		idsAsNumbers: options.idsAsNumbers ?? false,
		escapeSlashes: options.escapeSlashes ?? true,
		activationDelayMs: options.activationDelayMs ?? 0,
		feedRetentionMs: options.feedRetentionMs ?? 3 * 24 * 3600 * 1000,
		feedMaxQueue: options.feedMaxQueue ?? 50000, // per client, practice and feed; the oldest go first
		// INFERRED feed semantics (reference §4.4), one switch per reading:
		// a replay (showprocessedstartdatetime) returns the window plus the next unprocessed page, consumed
		// (with-next), or only the window (processed-only)
		feedReplay: options.feedReplay ?? 'with-next',
		// a consuming read marks only the page it returns (page), or marks every match at once and
		// serves later offsets from that snapshot, with a `next` link (snapshot)
		feedPaging: options.feedPaging ?? 'page',
		// how GET /patients matches firstname/lastname is INFERRED (not in the reference): by the beginning
		// of the name, case-insensitively (prefix), or the whole name (exact)
		patientNameMatch: options.patientNameMatch ?? 'prefix',
		pageCap: options.pageCap ?? 0, // 0: athena's own per-endpoint maximums
		hl7Url: options.hl7Url ?? '', // where the HL7 feed POSTs ADT/SIU messages (or mllp(s)://host:port); empty: off
		hl7Tls: options.hl7Tls ?? {}, // node TLS options for mllps:// (e.g. { ca })
		// FHIR (reference §7): page size default and cap are INFERRED (athena publishes neither)
		fhirDefaultCount: options.fhirDefaultCount ?? 10,
		fhirMaxCount: options.fhirMaxCount ?? 1000,
		fhirOutcomeIn200: options.fhirOutcomeIn200 ?? false, // parameter errors as an OperationOutcome entry in a 200 Bundle
		// Bulk Data (reference §8, INFERRED from the Bulk Data IG): all switches
		bulkDurationMs: options.bulkDurationMs ?? 3000, // how long a job stays "in progress"
		bulkRetryAfter: options.bulkRetryAfter ?? 'seconds', // seconds | http-date | none, on 202 and 429 status answers
		bulkRetryAfterMs: options.bulkRetryAfterMs ?? 1000,
		bulk429Polls: options.bulk429Polls ?? 0, // the first N status polls of each job get 429
		bulkResourcesPerType: options.bulkResourcesPerType ?? 0, // 0: the seed's own resources; more: synthetic copies
		bulkResourcesPerFile: options.bulkResourcesPerFile ?? 0, // 0: one file per type
		bulkFileOrigin: options.bulkFileOrigin ?? 'same', // same | second (no token needed) | redirect (307 to the second origin)
		bulkSplitUtf8: options.bulkSplitUtf8 ?? false, // send multi-byte characters split across packets
		bulkBreakAfterBytes: options.bulkBreakAfterBytes ?? 0, // drop the connection after this many bytes of a file…
		bulkBreakCount: options.bulkBreakCount ?? 0, // …for the next N file downloads
		bulkTypeFilter: options.bulkTypeFilter ?? false, // accept _typeFilter (400 otherwise)
		bulkErrorFile: options.bulkErrorFile ?? false, // add an OperationOutcome error file to the manifest
		// one running export per client is INFERRED (not in the reference): false lets a second one start
		bulkOnePerClient: options.bulkOnePerClient ?? true,
		bulkFail: options.bulkFail ?? false, // the next export fails: its status answers 500 with an OperationOutcome (Bulk Data IG error status)
		bulkChunkBytes: options.bulkChunkBytes ?? 65536,
		bulkFileExpiryMs: options.bulkFileExpiryMs ?? 3600000,
	};
}

async function startSandbox(options = {}) {
	const settings = defaultSettings(options);
	const clients = new Map((options.clients ?? [DEFAULT_CLIENT]).map((c) => [c.id, { scopes: null, number: '2530', ...c }]));
	const todayDay = options.today ? dayOf(options.today) : Math.floor(Date.now() / 86400000);
	const seed = buildSeed({ seed: options.seed ?? 42, patients: options.patients, departmentOnePatients: options.departmentOnePatients, booked: options.booked, openSlots: options.openSlots, days: options.days, daysBack: options.daysBack, todayDay });
	const state = { ...seed, notes: new Map(), reminders: new Map(), problems: [], sinks: new Map() };
	const tokens = new Map(); // token → { client, scopes, expiresAt }
	const counters = newCounters();
	const faults = [];
	const buckets = new Map();
	const tokenWindows = new Map();
	let requestSeq = 0;

	const sb = {
		state,
		settings,
		counters,
		faults,
		clients,
		tokens,
		clientNumber: '2530',
		today: () => todayDay,
		easternToEpoch,
		parseAthenaDateTime: (text) => easternToEpoch(text),
		addNote(appointmentId, text, displayonschedule = false) {
			const notes = state.notes.get(String(appointmentId)) || [];
			notes.push({ noteid: String(40000 + requestSeq++), notetext: text, created: athenaDateTime(parts(new Date())), createdby: `API-${sb.clientNumber}`, displayonschedule });
			state.notes.set(String(appointmentId), notes);
		},
		/** Drops messages older than the retention: processed ones by when they were read, others by when they arrived. */
		prune(queue) {
			const cutoff = Date.now() - settings.feedRetentionMs;
			const expired = (e) => (e.processedAt ?? e.at ?? Infinity) < cutoff;
			if (!queue.some(expired)) return;
			const keep = queue.filter((e) => !expired(e));
			queue.length = 0;
			for (const e of keep) queue.push(e);
		},
		expireTokens() {
			for (const t of tokens.values()) t.expiresAt = 0;
		},
	};
	sb.hl7 = createHl7Feed(sb);
	sb.feeds = createFeeds(sb);
	sb.changed = sb.feeds.changed;

	const api = new Router();
	athenanet.register(api, sb);
	record.register(api, sb, options);
	sb.feeds.register(api);
	sb.apiRouter = api;
	const fhirApi = new Router();
	fhir.register(fhirApi, sb);
	bulk.register(fhirApi, sb);
	const ctrl = new Router();
	control.register(ctrl, sb);

	function newCounters() {
		return { tokenRequests: 0, tokensIssued: 0, requests: 0, byPath: {}, served429: 0, served403Qps: 0, maxPerSecond: 0, perSecond: { second: 0, count: 0 }, status: {}, secondOriginTokens: 0, bulkKickoffs: 0, bulkStatusPolls: 0, bulkDeletes: 0, bulkFileRequests: 0, bulkFiles: {}, log: [] };
	}
	sb.resetCounters = () => Object.assign(counters, newCounters());

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

	let quotaDay = Math.floor(Date.now() / 86400000);
	let quotaUsed = 0;
	function quota() {
		const day = Math.floor(Date.now() / 86400000); // resets at midnight GMT
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
		return { 'X-RateLimit-Limit': String(q.limit), 'X-RateLimit-Remaining': String(Math.max(0, settings.dailyQuota - used)) };
	}
	sb.setQuotaUsed = (n) => {
		quota();
		quotaUsed = n;
	};

	function retryAfterHeader(waitMs) {
		if (settings.retryAfter === 'none') return {};
		if (settings.retryAfter === 'http-date') return { 'Retry-After': new Date(Date.now() + Math.max(1000, waitMs)).toUTCString() };
		return { 'Retry-After': String(Math.max(1, Math.ceil(waitMs / 1000))) };
	}

	function send(res, status, body, headers = {}) {
		if (res.headersSent) return;
		const isText = typeof body === 'string' && headers['Content-Type'];
		const payload = isText ? body : encode(body, settings);
		res.writeHead(status, { 'Content-Type': 'application/json; charset=UTF-8', ...headers, 'Content-Length': Buffer.byteLength(payload) });
		res.end(payload);
		counters.status[status] = (counters.status[status] || 0) + 1;
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

	function normalizedPath(method, path) {
		// ids and job names collapse, so the counter map stays bounded however long the sandbox runs
		return `${method} ${path.replace(/\/\d+/g, '/{id}').replace(/\/(bulkstatus|bulkfiles)\/[\w-]+/, '/$1/{job}').replace(/\/a-[\w.-]+/g, '/{id}')}`;
	}

	function takeFault(method, path, phase) {
		for (let i = 0; i < faults.length; i++) {
			const f = faults[i];
			if ((f.phase ?? 'before') !== phase) continue;
			if (f.method && f.method !== method) continue;
			if (f.path && !new RegExp(f.path).test(path)) continue;
			if (--f.count <= 0) faults.splice(i, 1);
			return f;
		}
		return undefined;
	}

	function applyFault(res, f) {
		if (f.reset) {
			res.socket?.destroy();
			return true;
		}
		if (f.status) {
			const body = f.body ?? (f.status >= 500 ? '<html><body><h1>Gateway Timeout</h1></body></html>' : { error: 'Injected fault' });
			send(res, f.status, body, typeof body === 'string' ? { 'Content-Type': 'text/html', ...f.headers } : { ...f.headers });
			return true;
		}
		return false;
	}

	// ---- OAuth (reference §1)
	async function token(req, res, raw) {
		counters.tokenRequests++;
		const form = new URLSearchParams(raw);
		let id = form.get('client_id');
		let secret = form.get('client_secret');
		const auth = req.headers.authorization || '';
		if (auth.startsWith('Basic ')) [id, secret] = Buffer.from(auth.slice(6), 'base64').toString('utf8').split(/:(.*)/s);
		const minute = Math.floor(Date.now() / 60000);
		const win = tokenWindows.get(id) || { minute, count: 0 };
		if (win.minute !== minute) Object.assign(win, { minute, count: 0 });
		const limitHeaders = () => ({ 'X-RateLimit-Limit': String(settings.tokenRateLimit), 'X-RateLimit-Remaining': String(Math.max(0, settings.tokenRateLimit - win.count)) });
		if (form.get('grant_type') !== 'client_credentials') return send(res, 400, { error: 'unsupported_grant_type', error_description: 'Only client_credentials is supported here.' });
		const client = clients.get(id);
		if (!client || client.secret !== secret) {
			if (settings.tokenInvalidClientBody === 'empty') return send(res, 401, '', { 'Content-Type': 'text/plain' });
			return send(res, 401, { error: 'invalid_client', error_description: 'Client authentication failed.' });
		}
		if (win.count >= settings.tokenRateLimit) {
			tokenWindows.set(id, win);
			const retryAfter = settings.tokenRetryAfter === 'none' ? {} : { 'Retry-After': String(60 - (Math.floor(Date.now() / 1000) % 60)) };
			return send(res, 429, { error: 'too_many_requests', error_description: 'Token request limit reached for this minute.' }, { ...limitHeaders(), ...retryAfter });
		}
		win.count++;
		tokenWindows.set(id, win);
		const scopes = (form.get('scope') || '').split(/\s+/).filter(Boolean);
		const allowed = (s) => s === ATHENA_SCOPE || /^system\/[A-Za-z*]+\.(read|rs|r|s|\*)$/.test(s);
		if (!scopes.length || !scopes.every(allowed) || (client.scopes && !scopes.every((s) => client.scopes.includes(s)))) {
			return send(res, 401, { detailedmessage: 'Policy evaluation failed for this request, please check the policy configurations.', error: 'access_denied' }, limitHeaders());
		}
		const accessToken = `sbx.${crypto.randomBytes(24).toString('base64url')}`;
		// expired tokens are forgotten (an unknown token gets the same 401), so the map stays bounded
		if (tokens.size > 1000) for (const [t, info] of tokens) if (info.expiresAt <= Date.now()) tokens.delete(t);
		tokens.set(accessToken, { client: id, scopes, expiresAt: Date.now() + settings.tokenLifetimeSeconds * 1000 });
		counters.tokensIssued++;
		return send(res, 200, { access_token: accessToken, expires_in: String(settings.tokenLifetimeSeconds), scope: scopes.join(' '), token_type: 'Bearer' }, limitHeaders());
	}

	async function handle(req, res) {
		const url = new URL(req.url, 'http://sandbox');
		const path = url.pathname;
		const method = req.method;
		let raw = '';
		try {
			raw = await readBody(req);
		} catch {
			return send(res, 413, { error: 'The request body is too large.' });
		}
		if (path.startsWith('/_control/') || path.startsWith('/_sink/')) {
			const found = ctrl.match(method, path);
			if (!found?.handler) return send(res, 404, { error: 'Unknown control endpoint.' });
			try {
				const body = raw ? JSON.parse(raw) : {};
				return send(res, 200, await found.handler({ m: found.match, body, query: Object.fromEntries(url.searchParams), raw, req }));
			} catch (e) {
				return send(res, 400, { error: e.message });
			}
		}
		const requestId = `rrt-${Date.now()}${String(++requestSeq).padStart(6, '0')}-c-sbx-${requestSeq}`;
		const base = { 'X-Request-Id': requestId };
		counters.requests++;
		// the raw path as the client sent it (bounded): tests check where requests went
		counters.log.push(`${method} ${String(req.url).split('?')[0]}`);
		if (counters.log.length > 500) counters.log.shift();
		const fault = takeFault(method, path, 'before');
		if (fault?.delayMs) await new Promise((r) => setTimeout(r, fault.delayMs));
		if (fault && applyFault(res, fault)) return;

		if (path === '/oauth2/v1/token' && method === 'POST') return token(req, res, raw);
		const open = method === 'GET' && sb.fhirUnauthenticated(path);
		if (open) return send(res, open.status, open.body, { ...base, ...open.headers });

		// Bearer check first: without a valid token athena answers 401 before anything else.
		const auth = req.headers.authorization || '';
		const tok = auth.startsWith('Bearer ') ? tokens.get(auth.slice(7)) : undefined;
		if (!tok || tok.expiresAt <= Date.now()) {
			if (settings.gatewayErrors) return send(res, 401, '<h1>Developer Inactive</h1>', { ...base, 'Content-Type': 'text/xml' });
			return send(res, 401, { fault: { faultstring: 'Invalid access token', detail: { errorcode: 'oauth.v2.InvalidAccessToken' } } }, base);
		}
		countRate();
		const q = quota();
		const rateHeaders = rateHeadersOf(q);
		if (q.remaining <= 0) {
			counters.served429++;
			if (settings.legacyThrottle) return send(res, 403, '<h1>Developer Over Rate</h1>', { ...base, ...rateHeaders, 'Content-Type': 'text/xml', 'X-Mashery-Error-Code': 'ERR_403_DEVELOPER_OVER_RATE' });
			return send(res, 429, settings.gatewayErrors ? 'Quota exceeded' : { error: 'Daily API quota exceeded.' }, { ...base, ...rateHeaders, ...(settings.gatewayErrors ? { 'Content-Type': 'text/plain' } : {}) });
		}
		const slot = takeToken(tok.client);
		if (!slot.ok) {
			counters.served429++;
			if (settings.legacyThrottle) {
				counters.served403Qps++;
				return send(res, 403, '<h1>Developer Over Qps</h1>', { ...base, ...rateHeaders, 'Content-Type': 'text/xml', 'X-Mashery-Error-Code': 'ERR_403_DEVELOPER_OVER_QPS', 'X-Error-Detail-Header': 'Account Over Queries Per Second Limit', ...retryAfterHeader(slot.waitMs) });
			}
			return send(res, 429, settings.gatewayErrors ? 'Too Many Requests' : { error: 'Too many requests.' }, { ...base, ...rateHeaders, ...retryAfterHeader(slot.waitMs), ...(settings.gatewayErrors ? { 'Content-Type': 'text/plain' } : {}) });
		}
		quotaUsed++;
		const key = normalizedPath(method, path);
		counters.byPath[key] = (counters.byPath[key] || 0) + 1;

		const handlers = [api, fhirApi, ...(sb.extraRouters ?? [])];
		let found;
		for (const r of handlers) {
			found = r.match(method, path);
			if (found?.handler) break;
		}
		if (!found) return send(res, 404, { error: 'Invalid practice.', detailedmessage: 'The requested resource does not exist.' }, { ...base, ...rateHeaders });
		if (found.methodNotAllowed) return send(res, 405, { error: 'Method not allowed.' }, { ...base, ...rateHeaders });
		if (!tok.scopes.includes(ATHENA_SCOPE) && path.startsWith('/v1/')) return send(res, 401, { detailedmessage: 'Bad auth.', error: 'Incorrect permissions.' }, { ...base, ...rateHeaders });
		const practice = found.match[1];
		if (path.startsWith('/v1/') && practice !== '1' && !['195900', '1128700'].includes(practice)) {
			return send(res, 404, { error: 'Invalid practice.', detailedmessage: 'The practice ID does not exist.' }, { ...base, ...rateHeaders });
		}
		const ctx = {
			method, path, m: found.match, practice, client: tok.client, token: tok, req, res, url, raw, settings,
			subpath: path.replace(/^\/v1\/\d+/, ''),
			params: params(url, raw, req.headers['content-type']),
		};
		try {
			const result = await found.handler(ctx);
			if (result === undefined) return; // the handler streamed its own response
			const { status = 200, body, headers = {} } = result && result.__response ? result : { body: result };
			const after = takeFault(method, path, 'after');
			if (after?.delayMs) await new Promise((r) => setTimeout(r, after.delayMs));
			if (after && applyFault(res, after)) return;
			send(res, status, body, { ...base, ...rateHeaders, ...headers });
		} catch (e) {
			if (e instanceof athenanet.AthenaError) return send(res, e.status, e.body, { ...base, ...rateHeaders });
			return send(res, 500, { error: 'Internal error.', detailedmessage: String(e.message).slice(0, 200) }, { ...base, ...rateHeaders });
		}
	}

	const server = http.createServer((req, res) => {
		handle(req, res).catch((e) => send(res, 500, { error: 'Internal error.', detailedmessage: String(e?.message ?? e) }));
	});
	server.keepAliveTimeout = 30000;
	await new Promise((resolve, reject) => {
		server.once('error', reject);
		server.listen(options.port ?? 0, options.host ?? '127.0.0.1', resolve);
	});
	await sb.startSecondOrigin();
	const port = server.address().port;
	const url = `http://${options.host ?? '127.0.0.1'}:${port}`;
	sb.url = url;
	sb.port = port;
	sb.server = server;
	sb.close = () =>
		new Promise((resolve) => {
			server.closeAllConnections?.();
			server.close(() => sb.closeSecondOrigin().then(resolve));
		});
	return sb;
}

module.exports = { startSandbox, DEFAULT_CLIENT, ATHENA_SCOPE, startSandboxProcess };
