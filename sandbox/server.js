'use strict';
// The sandbox's HTTP server: listens, routes each request (control API, token endpoint, gateway
// checks, then the athenaNet and FHIR routers), injects the faults tests ask for, counts what it
// serves and answers in athena's JSON style. The gateway's decisions come from sandbox/gateway.js.

const http = require('node:http');

const { encode, readBody, params } = require('./http');
const { AthenaError } = require('./routes/athenanet');

function newCounters() {
	return {
		tokenRequests: 0,
		tokensIssued: 0,
		tokenRefusals: 0,
		assertionsAccepted: 0,
		requests: 0,
		byPath: {},
		served429: 0,
		served403Qps: 0,
		maxPerSecond: 0,
		perSecond: { second: 0, count: 0 },
		status: {},
		secondOriginTokens: 0,
		bulkKickoffs: 0,
		// the _since of each kick-off (null without one)
		bulkKickoffSince: [],
		bulkStatusPolls: 0,
		bulkDeletes: 0,
		bulkFileRequests: 0,
		bulkFiles: {},
		log: [],
	};
}

function normalizedPath(method, path) {
	// ids and job names collapse, so the counter map stays bounded however long the sandbox runs
	const key = path
		.replace(/\/\d+/g, '/{id}')
		.replace(/\/(bulkstatus|bulkfiles)\/[\w-]+/, '/$1/{job}')
		.replace(/\/a-[\w.-]+/g, '/{id}');
	return `${method} ${key}`;
}

/**
 * Starts listening. sb: { settings, counters, faults, extraRouters? }; routers: { api, fhirApi, control }.
 * Resolves to { server, port, close() }.
 */
async function startServer(sb, { gateway, routers, host, port }) {
	const { settings, counters, faults } = sb;
	let requestSeq = 0;

	function send(res, status, body, headers = {}) {
		if (res.headersSent) return;
		const isText = typeof body === 'string' && headers['Content-Type'];
		const payload = isText ? body : encode(body, settings);
		const length = Buffer.byteLength(payload);
		res.writeHead(status, {
			'Content-Type': 'application/json; charset=UTF-8',
			...headers,
			'Content-Length': length,
		});
		res.end(payload);
		counters.status[status] = (counters.status[status] || 0) + 1;
	}
	/** Sends one of the gateway's answers ({ status, body, headers }) with the headers given. */
	const reply = (res, a, headers = {}) => send(res, a.status, a.body, { ...headers, ...a.headers });

	// ---- faults queued through POST /_control/faults
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
			const timeout = '<html><body><h1>Gateway Timeout</h1></body></html>';
			const body = f.body ?? (f.status >= 500 ? timeout : { error: 'Injected fault' });
			const headers =
				typeof body === 'string' ? { 'Content-Type': 'text/html', ...f.headers } : { ...f.headers };
			send(res, f.status, body, headers);
			return true;
		}
		return false;
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
			const found = routers.control.match(method, path);
			if (!found?.handler) return send(res, 404, { error: 'Unknown control endpoint.' });
			try {
				const body = raw ? JSON.parse(raw) : {};
				const query = Object.fromEntries(url.searchParams);
				return send(res, 200, await found.handler({ m: found.match, body, query, raw, req }));
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

		if (path === '/oauth2/v1/token' && method === 'POST')
			return reply(res, gateway.token(req, raw));
		const open = method === 'GET' && sb.fhirUnauthenticated(path);
		if (open) return send(res, open.status, open.body, { ...base, ...open.headers });

		// Bearer check first: without a valid token athena answers 401 before anything else.
		const auth = gateway.authenticate(req);
		if (auth.answer) return reply(res, auth.answer, base);
		const tok = auth.token;
		const admitted = gateway.admit(tok);
		if (admitted.answer) return reply(res, admitted.answer, base);
		const rateHeaders = admitted.rateHeaders;
		const key = normalizedPath(method, path);
		counters.byPath[key] = (counters.byPath[key] || 0) + 1;

		const handlers = [routers.api, routers.fhirApi, ...(sb.extraRouters ?? [])];
		let found;
		for (const r of handlers) {
			found = r.match(method, path);
			if (found?.handler) break;
		}
		const headers = { ...base, ...rateHeaders };
		if (!found) {
			const body = {
				error: 'Invalid practice.',
				detailedmessage: 'The requested resource does not exist.',
			};
			return send(res, 404, body, headers);
		}
		if (found.methodNotAllowed) return send(res, 405, { error: 'Method not allowed.' }, headers);
		if (!gateway.permits(tok, path)) {
			return send(
				res,
				401,
				{ detailedmessage: 'Bad auth.', error: 'Incorrect permissions.' },
				headers,
			);
		}
		const practice = found.match[1];
		const listed = (value) =>
			String(value ?? '')
				.split(',')
				.map((v) => v.trim());
		if (path.startsWith('/v1/') && listed(settings.practicesNotEnabled).includes(practice)) {
			const body = { detailedmessage: 'Bad auth.', error: 'Incorrect permissions.' };
			return send(res, 401, body, headers);
		}
		if (path.startsWith('/v1/') && practice !== '1' && !['195900', '1128700'].includes(practice)) {
			const body = {
				error: 'Invalid practice.',
				detailedmessage: 'The practice ID does not exist.',
			};
			return send(res, 404, body, headers);
		}
		const ctx = {
			method,
			path,
			m: found.match,
			practice,
			client: tok.client,
			token: tok,
			req,
			res,
			url,
			raw,
			settings,
			subpath: path.replace(/^\/v1\/\d+/, ''),
			params: params(url, raw, req.headers['content-type']),
		};
		try {
			const result = await found.handler(ctx);
			if (result === undefined) return; // the handler streamed its own response
			const {
				status = 200,
				body,
				headers: extra = {},
			} = result && result.__response ? result : { body: result };
			const after = takeFault(method, path, 'after');
			if (after?.delayMs) await new Promise((r) => setTimeout(r, after.delayMs));
			if (after && applyFault(res, after)) return;
			send(res, status, body, { ...headers, ...extra });
		} catch (e) {
			if (e instanceof AthenaError) return send(res, e.status, e.body, headers);
			return send(
				res,
				500,
				{ error: 'Internal error.', detailedmessage: String(e.message).slice(0, 200) },
				headers,
			);
		}
	}

	const server = http.createServer((req, res) => {
		handle(req, res).catch((e) => {
			send(res, 500, { error: 'Internal error.', detailedmessage: String(e?.message ?? e) });
		});
	});
	server.keepAliveTimeout = 30000;
	await new Promise((resolve, reject) => {
		server.once('error', reject);
		server.listen(port, host, resolve);
	});
	return {
		server,
		port: server.address().port,
		close: () =>
			new Promise((resolve) => {
				server.closeAllConnections?.();
				server.close(() => resolve());
			}),
	};
}

module.exports = { startServer, newCounters };
