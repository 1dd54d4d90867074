'use strict';
// Scale-out in real n8n: the same webhook workflow (page 3,000 booked appointments, 30 pages) run K
// times at once, in one regular n8n process and in queue mode with 2 and 3 workers, against one
// sandbox app limited to 5 requests/s and 5 tokens/minute. Baseline: the limit's minimum (every
// page the run made ÷ 5/s) from the same run.
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');

const n8n = require('../scripts/n8n');
const { startQueueMode } = require('../scripts/queue');
const { startSandboxProcess } = require('../sandbox/process');

const WORKFLOW = JSON.parse(
	fs.readFileSync(
		path.join(__dirname, '..', 'test', 'fixtures', 'workflows', 'queue-page-booked.json'),
		'utf8',
	),
);

async function regular(sandboxUrl, credential) {
	const bin = n8n.ensureN8n();
	const userFolder = fs.mkdtempSync(path.join(os.tmpdir(), 'n8n-athena-bench-regular-'));
	n8n.installPackage(userFolder);
	n8n.importWorkflows(bin, userFolder, sandboxUrl, [WORKFLOW], { credential });
	const port = n8n.freePortSync();
	const server = n8n.startN8n(bin, userFolder, port);
	await server.ready;
	return {
		mainUrl: `http://localhost:${port}`,
		stop: async () => (await server.stop(), n8n.removeFolder(userFolder)),
	};
}

async function once(workers, executions, processes) {
	const sb = await startSandboxProcess({
		qps: 5,
		tokenRateLimit: 5,
		booked: 3000,
		openSlots: 0,
		patients: 300,
		days: 30,
		daysBack: 30,
	});
	const credential = { requestsPerSecond: 5, processesSharingLimit: processes };
	const deployment = workers
		? await startQueueMode({ sandboxUrl: sb.url, workers, workflows: [WORKFLOW], credential })
		: await regular(sb.url, credential);
	const url = `${deployment.mainUrl}/webhook/athena-booked`;
	try {
		// warm-up: every process loads the package and fetches its token before the clock starts
		await Promise.all(
			Array.from({ length: Math.max(1, workers) * 2 }, () =>
				fetch(url, {
					method: 'POST',
					body: '{}',
					headers: { 'content-type': 'application/json' },
				}).then((r) => r.text()),
			),
		);
		await fetch(`${sb.url}/_control/reset-counters`, { method: 'POST' });
		const started = process.hrtime.bigint();
		const answers = await Promise.all(
			Array.from({ length: executions }, async () => {
				const res = await fetch(url, {
					method: 'POST',
					body: '{}',
					headers: { 'content-type': 'application/json' },
				});
				return res.ok ? (await res.json()).map((r) => r.appointmentid) : undefined;
			}),
		);
		const wall = Number(process.hrtime.bigint() - started) / 1e9;
		const c = await (await fetch(`${sb.url}/_control/counters`)).json();
		const pages = c.byPath['GET /v1/{id}/appointments/booked'] ?? 0;
		const failed = answers.filter((a) => !a).length;
		const exact = answers.every((a) => a && a.length === 3000 && new Set(a).size === 3000);
		return [
			workers ? `queue, ${workers} workers` : 'one process (regular)',
			executions,
			processes,
			(wall / (pages / 5)).toFixed(2),
			c.served429,
			`${((100 * c.served429) / Math.max(1, c.requests)).toFixed(1)} %`,
			c.tokenRequests,
			failed,
			exact ? 'yes' : 'no',
		];
	} finally {
		await deployment.stop();
		sb.close();
	}
}

async function benchQueue() {
	const rows = [];
	for (const [workers, executions, processes] of [
		[0, 3, 1],
		[2, 6, 1],
		[3, 6, 1],
		[3, 6, 3],
	])
		rows.push(await once(workers, executions, processes));
	return {
		title:
			"Real n8n scale-out (n8n's queue mode, Redis + PostgreSQL): K executions × 30 pages, one app at 5 requests/s (goal: ≤ 1.20× the limit's minimum, ≤ 3 % 429s, 0 failed; with the processes field set ≤ 1.10× and 0 429s)",
		columns: [
			'deployment',
			'K',
			'processes field',
			"wall ÷ limit's minimum",
			'429s served',
			'429s / requests',
			'token requests (after warm-up)',
			'failed',
			'every record once',
		],
		rows,
	};
}

module.exports = { benchQueue };
