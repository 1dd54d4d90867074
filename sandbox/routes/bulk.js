'use strict';
// FHIR Bulk Data (athena follows the HL7 Bulk Data Export IG): only Group/a-1.c-{practiceid}/$export;
// Prefer: respond-async; 202 + Content-Location; status 202 with X-Progress and Retry-After (either
// form) for a configurable time, optional 429s; a manifest; NDJSON files generated while streaming (any size,
// never held in memory), optionally served by a second origin that must not receive the token
// (it counts any that arrive); DELETE cancels; one running job per client.

const http = require('node:http');
const crypto = require('node:crypto');

const { TYPES, resourcesOf } = require('../fhir/resources');
const { FhirError, fhir, fhirRoute, outcome, segment, KNOWN_PRACTICES } = require('./fhir');

const FORMATS = ['application/fhir+ndjson', 'application/ndjson', 'ndjson'];
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

function register(router, sb) {
	const { state, settings, counters } = sb;
	const jobs = new Map();
	sb.bulkJobs = jobs;
	const route = fhirRoute(router);
	const retryAfter = (ms) => {
		if (settings.bulkRetryAfter === 'none') return {};
		if (settings.bulkRetryAfter === 'http-date')
			return { 'Retry-After': new Date(Date.now() + Math.max(1000, ms)).toUTCString() };
		return { 'Retry-After': String(Math.max(1, Math.ceil(ms / 1000))) };
	};
	const goneStatus = () => Number(settings.bulkGoneStatus) || 404;
	const prune = () => {
		for (const [id, job] of jobs)
			if (Date.now() - job.readyAt > settings.bulkFileExpiryMs) jobs.delete(id);
	};

	/** Kick-off parameters from the query (GET) or a FHIR Parameters body (POST). */
	function kickoffParams(ctx) {
		const p = {};
		for (const [k, v] of ctx.url.searchParams) p[k] = p[k] ? `${p[k]},${v}` : v;
		if (ctx.method === 'POST' && ctx.raw) {
			let body;
			try {
				body = JSON.parse(ctx.raw);
			} catch {
				throw new FhirError(
					400,
					outcome('invalid', 'The kick-off body must be a FHIR Parameters resource in JSON.'),
				);
			}
			if (body?.resourceType !== 'Parameters')
				throw new FhirError(
					400,
					outcome('invalid', 'The kick-off body must be a FHIR Parameters resource.'),
				);
			for (const param of body.parameter ?? []) {
				const value =
					param.valueString ??
					param.valueInstant ??
					param.valueDateTime ??
					param.valueCode ??
					param.valueBoolean ??
					param.valueInteger;
				if (param.name && value !== undefined)
					p[param.name] = p[param.name] ? `${p[param.name]},${value}` : String(value);
			}
		}
		return p;
	}

	function kickoff(ctx) {
		const group = segment(ctx.m[1]);
		const m = /^a-1\.c-(\d+)$/.exec(group);
		if (!m || !KNOWN_PRACTICES.includes(m[1]))
			throw new FhirError(
				404,
				outcome(
					'not-found',
					`Group/${group} is not known. athena exports Group/a-1.c-{practiceid} only.`,
				),
			);
		if (!/respond-async/.test(String(ctx.req.headers.prefer ?? '')))
			throw new FhirError(
				400,
				outcome('invalid', 'The Prefer header must be "respond-async" for $export.'),
			);
		const p = kickoffParams(ctx);
		const types = p._type
			? p._type
					.split(',')
					.map((s) => s.trim())
					.filter(Boolean)
			: TYPES;
		const unknown = types.filter((t) => !TYPES.includes(t));
		if (unknown.length)
			throw new FhirError(
				400,
				outcome('not-supported', `Unsupported _type: ${unknown.join(', ')}`),
			);
		if (p._outputFormat && !FORMATS.includes(p._outputFormat))
			throw new FhirError(
				400,
				outcome('not-supported', `Unsupported _outputFormat ${p._outputFormat}`),
			);
		if (p._typeFilter && !settings.bulkTypeFilter)
			throw new FhirError(
				400,
				outcome('not-supported', '_typeFilter is not supported by this server.'),
			);
		let since;
		if (p._since) {
			since = Date.parse(p._since);
			if (Number.isNaN(since) || !/^\d{4}-\d\d-\d\d/.test(p._since))
				throw new FhirError(
					400,
					outcome('invalid', `_since must be a FHIR instant, got ${p._since.slice(0, 40)}`),
				);
		}
		prune();
		const running =
			settings.bulkOnePerClient &&
			[...jobs.values()].find((j) => j.client === ctx.client && Date.now() < j.readyAt);
		if (running) {
			throw new FhirError(
				429,
				outcome(
					'throttled',
					'A bulk export is already running for this client. Wait for it to finish or cancel it.',
				),
				retryAfter(running.readyAt - Date.now()),
			);
		}
		const id = crypto.randomBytes(9).toString('base64url');
		const job = {
			id,
			client: ctx.client,
			practice: m[1],
			types,
			since,
			elements: p._elements ? p._elements.split(',') : undefined,
			request: `${sb.url}${ctx.url.pathname}${ctx.url.search}`,
			createdAt: Date.now(),
			readyAt: Date.now() + settings.bulkDurationMs,
			transactionTime: new Date().toISOString(),
			polls429: settings.bulk429Polls,
			lines: new Map(),
		};
		job.files = filesOf(job);
		if (settings.bulkFilesGone > 0) {
			job.filesGone = true;
			settings.bulkFilesGone--;
		}
		if (settings.bulkFail) {
			job.failed = true;
			settings.bulkFail = false;
		}
		jobs.set(id, job);
		counters.bulkKickoffs = (counters.bulkKickoffs ?? 0) + 1;
		counters.bulkKickoffSince.push(p._since ?? null);
		return fhir(202, '', { 'Content-Location': `${sb.url}/fhir/r4/bulkstatus/${id}` });
	}

	/** Natural resources of a type as NDJSON lines split around the id (to make synthetic copies cheaply). */
	function linesOf(job, type) {
		if (job.lines.has(type)) return job.lines.get(type);
		const lines = [];
		for (const r of resourcesOf(state, job.practice, type)) {
			if (job.since && r.meta?.lastUpdated && Date.parse(r.meta.lastUpdated) < job.since) continue;
			let out = r;
			if (job.elements)
				out = Object.fromEntries(
					Object.entries(r).filter(
						([k]) => ['resourceType', 'id', 'meta'].includes(k) || job.elements.includes(k),
					),
				);
			const text = JSON.stringify(out);
			const at = text.indexOf(`"id":"${r.id}"`) + 6;
			lines.push([text.slice(0, at), r.id, text.slice(at + r.id.length)]);
		}
		job.lines.set(type, lines);
		return lines;
	}

	function filesOf(job) {
		const files = [];
		for (const type of job.types) {
			const natural = linesOf(job, type).length;
			const total =
				settings.bulkResourcesPerType > 0 && natural > 0 ? settings.bulkResourcesPerType : natural;
			if (!total) continue;
			const per = settings.bulkResourcesPerFile > 0 ? settings.bulkResourcesPerFile : total;
			for (let start = 0, n = 1; start < total; start += per, n++)
				files.push({ name: `${type}-${n}`, type, start, count: Math.min(per, total - start) });
		}
		if (settings.bulkErrorFile)
			files.push({ name: 'error-1', type: 'OperationOutcome', error: true, start: 0, count: 1 });
		return files;
	}

	function fileUrl(job, file) {
		if (settings.bulkFileOrigin === 'second')
			return `${sb.secondOrigin}/files/${job.id}/${file.name}.ndjson`;
		return `${sb.url}/fhir/r4/bulkfiles/${job.id}/${file.name}.ndjson`;
	}

	function status(ctx) {
		const job = jobs.get(ctx.m[1]);
		if (!job || job.client !== ctx.client)
			throw new FhirError(
				goneStatus(),
				outcome('not-found', 'No such export job (it may have been cancelled or expired).'),
			);
		counters.bulkStatusPolls = (counters.bulkStatusPolls ?? 0) + 1;
		if (job.polls429 > 0) {
			job.polls429--;
			counters.served429++;
			throw new FhirError(
				429,
				outcome('throttled', 'Too many status requests.'),
				retryAfter(settings.bulkRetryAfterMs),
			);
		}
		const left = job.readyAt - Date.now();
		if (job.failed && left <= 0)
			throw new FhirError(
				500,
				outcome('exception', 'The export failed while it was being prepared.'),
			);
		if (left > 0) {
			const pct = Math.min(
				99,
				Math.floor(((Date.now() - job.createdAt) / (job.readyAt - job.createdAt)) * 100),
			);
			return fhir(202, '', {
				'X-Progress': `${pct}% complete`,
				...retryAfter(Math.min(left, settings.bulkRetryAfterMs)),
			});
		}
		const manifest = {
			transactionTime: job.transactionTime,
			request: job.request,
			requiresAccessToken: settings.bulkFileOrigin !== 'second',
			output: job.files
				.filter((f) => !f.error)
				.map((f) => ({ type: f.type, url: fileUrl(job, f), count: f.count })),
			error: job.files
				.filter((f) => f.error)
				.map((f) => ({ type: 'OperationOutcome', url: fileUrl(job, f), count: f.count })),
		};
		if (settings.bulkManifestExtension === 'object') {
			manifest.extension = { 'https://fhir.athena.io/bulk/job': job.id };
			manifest.organizeOutputBy = '';
		} else if (settings.bulkManifestExtension === 'array') {
			manifest.extension = [{ url: 'https://fhir.athena.io/bulk/job', valueString: job.id }];
			manifest.outputPeriod = { start: job.transactionTime };
		}
		return {
			__response: true,
			status: 200,
			body: JSON.stringify(manifest),
			headers: { 'Content-Type': 'application/json' },
		};
	}

	function cancel(ctx) {
		const job = jobs.get(ctx.m[1]);
		if (!job || job.client !== ctx.client)
			throw new FhirError(404, outcome('not-found', 'No such export job.'));
		jobs.delete(job.id);
		counters.bulkDeletes = (counters.bulkDeletes ?? 0) + 1;
		return fhir(202, '');
	}

	function findFile(jobId, name) {
		const job = jobs.get(jobId);
		const file = job?.files.find((f) => f.name === name);
		if (!file || Date.now() < job.readyAt) return undefined;
		if (job.filesGone) {
			// the export expired between its manifest and the download: its status is gone too
			jobs.delete(job.id);
			return undefined;
		}
		return { job, file };
	}

	/** Lines of a type as [head, id, tail] Buffers, encoded once per job; copies vary only the id. */
	function encodedLinesOf(job, type) {
		job.encoded ??= new Map();
		if (!job.encoded.has(type))
			job.encoded.set(
				type,
				linesOf(job, type).map(([head, id, tail]) => [
					Buffer.from(head),
					id,
					Buffer.from(`${tail}\n`),
				]),
			);
		return job.encoded.get(type);
	}
	const ERROR_LINE = [
		Buffer.from('{"resourceType":"OperationOutcome","id":"'),
		'export-error-1',
		Buffer.from(
			'","issue":[{"severity":"error","code":"processing","diagnostics":"DocumentReference a-195900.document-600000: attachment could not be exported"}]}\n',
		),
	];

	/** Streams one file, generating lines into buffers as it goes and honouring backpressure. */
	async function stream(res, job, file) {
		counters.bulkFileRequests++;
		counters.bulkFiles[file.name] = (counters.bulkFiles[file.name] ?? 0) + 1;
		res.writeHead(200, {
			'Content-Type': 'application/fhir+ndjson',
			'X-Request-Id': `rrt-bulk-${Date.now()}`,
		});
		const lines = file.error ? [ERROR_LINE] : encodedLinesOf(job, file.type);
		const breakAt = settings.bulkBreakCount > 0 ? settings.bulkBreakAfterBytes : 0;
		if (breakAt) settings.bulkBreakCount--;
		const limit = settings.bulkSplitUtf8 ? 1 : settings.bulkChunkBytes;
		let sent = 0;
		let chunk = Buffer.allocUnsafe(limit + 65536);
		let pos = 0;
		const flush = async () => {
			const buf = chunk.subarray(0, pos);
			chunk = Buffer.allocUnsafe(limit + 65536);
			pos = 0;
			if (breakAt && sent + buf.length >= breakAt) {
				res.write(buf.subarray(0, Math.max(0, breakAt - sent)));
				await sleep(20);
				res.socket?.destroy();
				return false;
			}
			sent += buf.length;
			if (settings.bulkSplitUtf8) {
				// write the first multi-byte character's bytes in two packets, so the client sees it split
				const at = buf.findIndex((b) => b >= 0xc0);
				if (at >= 0) {
					res.write(buf.subarray(0, at + 1));
					await sleep(5);
					res.write(buf.subarray(at + 1));
					await sleep(5);
					return !res.destroyed;
				}
			}
			if (!res.write(buf)) await new Promise((r) => res.once('drain', r));
			return !res.destroyed;
		};
		for (let i = file.start; i < file.start + file.count; i++) {
			const [head, id, tail] = lines[i % lines.length];
			const copy = Math.floor(i / lines.length);
			const text = copy ? `${id}${copy}` : id;
			if (pos + head.length + text.length + tail.length > chunk.length) {
				chunk = Buffer.concat([
					chunk.subarray(0, pos),
					Buffer.allocUnsafe(head.length + text.length + tail.length + limit),
				]);
			}
			pos += head.copy(chunk, pos);
			pos += chunk.write(text, pos, 'latin1');
			pos += tail.copy(chunk, pos);
			if (pos >= limit && !(await flush())) return;
		}
		if (pos && !(await flush())) return;
		res.end();
	}

	route('GET', '/Group/([^/]+)/\\$export', kickoff);
	route('POST', '/Group/([^/]+)/\\$export', kickoff);
	for (const level of ['/\\$export', '/Patient/\\$export']) {
		for (const method of ['GET', 'POST']) {
			route(method, level, () => {
				throw new FhirError(
					404,
					outcome(
						'not-supported',
						'athena supports Group-level export only: Group/a-1.c-{practiceid}/$export.',
					),
				);
			});
		}
	}
	route('GET', '/bulkstatus/([\\w-]+)', status);
	route('DELETE', '/bulkstatus/([\\w-]+)', cancel);
	route('GET', '/bulkfiles/([\\w-]+)/([\\w-]+)\\.ndjson', async (ctx) => {
		const found = findFile(ctx.m[1], ctx.m[2]);
		if (!found || found.job.client !== ctx.client)
			throw new FhirError(
				goneStatus(),
				outcome('not-found', 'No such file (the export may have been deleted or expired).'),
			);
		if (settings.bulkFileOrigin === 'redirect') {
			return {
				__response: true,
				status: 307,
				body: '',
				headers: {
					Location: `${sb.secondOrigin}/files/${ctx.m[1]}/${ctx.m[2]}.ndjson`,
					'Content-Type': 'text/plain',
				},
			};
		}
		await stream(ctx.res, found.job, found.file);
		return undefined;
	});

	// The second origin: storage that needs no token, like a pre-signed bucket. It must never see one.
	const second = http.createServer((req, res) => {
		if (req.headers.authorization) {
			counters.secondOriginTokens++;
			counters.secondOriginAuthorization = true;
		}
		const m = /^\/files\/([\w-]+)\/([\w-]+)\.ndjson$/.exec(new URL(req.url, 'http://x').pathname);
		const found = m && findFile(m[1], m[2]);
		if (!found) {
			res.writeHead(goneStatus(), { 'Content-Type': 'text/plain' });
			return res.end('not found');
		}
		stream(res, found.job, found.file).catch(() => res.destroy());
	});
	sb.startSecondOrigin = () =>
		new Promise((resolve) => {
			second.listen(0, '127.0.0.1', () => {
				sb.secondOrigin = `http://127.0.0.1:${second.address().port}`;
				resolve();
			});
		});
	sb.closeSecondOrigin = () =>
		new Promise((resolve) => {
			second.closeAllConnections?.();
			second.close(() => resolve());
		});
}

module.exports = { register };
