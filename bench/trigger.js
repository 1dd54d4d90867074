'use strict';
// Trigger: a 10,000-change backlog drained at 5 requests/s under each INFERRED paging reading of
// athena's feeds, beside the limit's own minimum (ceil(10,000 / 1,000 per request) requests at 5/s).
const { poll, sandboxCredentials } = require('../test/harness/n8n.ts');
const { sandbox, counters, control, scenario } = require('../test/harness/sandbox.ts');

const RATE = 5;
const PAGE = 1000;
const BACKLOG = 10000;

async function drain(feedPaging) {
	const sb = await sandbox({ patients: 500, feedPaging });
	const creds = sandboxCredentials({ url: sb.url, requestsPerSecond: RATE });
	const params = { event: 'anyPatientChange', options: { pageSize: PAGE } };
	const state = {};
	await poll(creds, params, { staticData: state }); // activation: subscribes
	const ids = [...sb.state.patients.keys()];
	await scenario(
		sb,
		Array.from({ length: BACKLOG }, (_, n) => ({
			action: 'updatePatient',
			patientid: ids[n % ids.length],
			mobilephone: `7${String(n).padStart(9, '0')}`,
		})),
	);
	await control(sb, 'POST', '/_control/settings', { qps: RATE });
	await control(sb, 'POST', '/_control/reset-counters');
	const seen = new Set();
	let deliveries = 0;
	let polls = 0;
	const started = process.hrtime.bigint();
	while (seen.size < BACKLOG && polls < 50) {
		for (const item of await poll(creds, params, { staticData: state, budgetMs: 300000 })) {
			seen.add(`${item.json.patientid}:${item.json.mobilephone}`);
			deliveries++;
		}
		polls++;
	}
	const wall = Number(process.hrtime.bigint() - started) / 1e9;
	const c = await counters(sb);
	await sb.close();
	// the limit's minimum: the requests a backlog needs, at RATE per second
	const minimum = Math.ceil(BACKLOG / PAGE) / RATE;
	return [
		feedPaging,
		seen.size,
		BACKLOG - seen.size,
		deliveries - seen.size,
		polls,
		c.byPath['GET /v1/{id}/patients/changed'] ?? 0,
		`${wall.toFixed(2)} s`,
		`${minimum.toFixed(2)} s`,
		(wall / minimum).toFixed(3),
		c.served429,
	];
}

async function benchTrigger() {
	const rows = [];
	for (const mode of ['page', 'snapshot']) rows.push(await drain(mode));
	return {
		title: `Trigger: drain a ${BACKLOG.toLocaleString('en-US')}-change backlog at ${RATE} requests/s, beside the limit's minimum (${Math.ceil(BACKLOG / PAGE)} requests of ${PAGE} at ${RATE}/s), per paging reading`,
		columns: [
			'paging',
			'delivered',
			'lost',
			'repeated',
			'polls',
			'requests',
			'wall time',
			'minimum',
			'ratio',
			'429s served',
		],
		rows,
	};
}

module.exports = { benchTrigger };
