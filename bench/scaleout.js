'use strict';
// Scale-out: K concurrent executions spread over W worker processes (as n8n's queue mode spreads
// them), each process with its own throttle, against one sandbox limited to 5 requests/s and 5
// tokens/minute. Each execution pages 3,000 booked appointments (30 pages). Baseline: the limit's
// minimum (all pages ÷ 5/s) from the same run's page count.
const path = require('node:path');
const { fork } = require('node:child_process');
const { startSandboxProcess } = require('../sandbox/process');

async function once(workers, executions, processesField, quotaCounter = 'exact') {
	const sb = await startSandboxProcess({
		quotaCounter,
		qps: 5,
		tokenRateLimit: 5,
		booked: 3000,
		openSlots: 0,
		patients: 300,
		days: 30,
		daysBack: 30,
	});
	const children = Array.from({ length: workers }, (_, w) => {
		const share = Math.floor(executions / workers) + (w < executions % workers ? 1 : 0);
		const child = fork(
			path.join(__dirname, 'scaleoutWorker.js'),
			[sb.url, String(share), String(processesField)],
			{ stdio: ['ignore', 'ignore', 'inherit', 'ipc'] },
		);
		const ready = new Promise((resolve) => child.once('message', resolve));
		return {
			child,
			ready,
			result: ready.then(() => new Promise((resolve) => child.once('message', resolve))),
		};
	});
	await Promise.all(children.map((c) => c.ready));
	const before = await (await fetch(`${sb.url}/_control/counters`)).json();
	await fetch(`${sb.url}/_control/reset-counters`, { method: 'POST' });
	const started = process.hrtime.bigint();
	for (const { child } of children) child.send('go');
	const results = (await Promise.all(children.map((c) => c.result))).flat();
	const wall = Number(process.hrtime.bigint() - started) / 1e9;
	const c = await (await fetch(`${sb.url}/_control/counters`)).json();
	sb.close();
	const pages = c.byPath['GET /v1/{id}/appointments/booked'] ?? 0;
	const minimum = pages / 5;
	const failed = results.filter((r) => r.error).length;
	const counts = results.map((r) => r.ids.length);
	const exact = results.every((r) => r.ids.length === 3000 && new Set(r.ids).size === 3000);
	return [
		workers === 1 ? 'one process' : `${workers} processes`,
		executions,
		processesField,
		quotaCounter,
		(wall / minimum).toFixed(2),
		c.served429,
		`${((100 * c.served429) / Math.max(1, c.requests)).toFixed(1)} %`,
		before.tokenRequests + c.tokenRequests,
		failed,
		exact ? 'yes' : `no (${counts.join(',')})`,
	];
}

async function benchScaleout() {
	const rows = [];
	for (const [workers, executions, field, reading] of process.env.SCALEOUT_ONLY
		? JSON.parse(process.env.SCALEOUT_ONLY)
		: [
				[1, 3, 1],
				[2, 6, 1],
				[3, 6, 1],
				[2, 6, 2],
				[3, 6, 3],
				[3, 6, 1, 'late'],
				[3, 6, 1, 'none'],
			])
		rows.push(await once(workers, executions, field, reading));
	return {
		title:
			"Scale-out: K executions × 30 pages over W processes sharing one app's 5 requests/s (goal: ≤ 1.20× the limit's minimum and ≤ 3 % 429s with the field at 1; ≤ 1.10× and 0 429s with it set)",
		columns: [
			'deployment',
			'K',
			'processes field',
			'quota counter (sandbox reading)',
			"wall ÷ limit's minimum",
			'429s served',
			'429s / requests',
			'token requests',
			'failed',
			'every record once',
		],
		rows,
	};
}

module.exports = { benchScaleout };

if (require.main === module) {
	benchScaleout().then(({ title, columns, rows }) => {
		console.log(title);
		console.log(columns.join(' | '));
		for (const r of rows) console.log(r.join(' | '));
		process.exit(0);
	});
}
