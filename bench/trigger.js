'use strict';
// Trigger: events per second drained from a 10,000-record backlog at 5 requests/s, beside the
// limit's own ceiling (5 requests/s × 1,000 records per request).
const { poll, sandboxCredentials } = require('../test/harness/n8n.ts');
const { sandbox, counters, control, scenario } = require('../test/harness/sandbox.ts');

async function benchTrigger() {
	const rate = 5;
	const pageSize = 1000;
	const sb = await sandbox({ patients: 500 });
	const creds = sandboxCredentials({ url: sb.url, requestsPerSecond: rate });
	const params = { event: 'anyPatientChange', options: { pageSize } };
	const state = {};
	await poll(creds, params, { staticData: state }); // activation: subscribes
	const ids = [...sb.state.patients.keys()];
	await scenario(sb, Array.from({ length: 10000 }, (_, n) => ({ action: 'updatePatient', patientid: ids[n % ids.length], mobilephone: `7${String(n).padStart(9, '0')}` })));
	await control(sb, 'POST', '/_control/settings', { qps: rate });
	await control(sb, 'POST', '/_control/reset-counters');
	const started = process.hrtime.bigint();
	let events = 0;
	let polls = 0;
	while (events < 10000 && polls < 50) {
		events += (await poll(creds, params, { staticData: state, budgetMs: 300000 })).length;
		polls++;
	}
	const wall = Number(process.hrtime.bigint() - started) / 1e9;
	const c = await counters(sb);
	await sb.close();
	const requests = c.byPath['GET /v1/{id}/patients/changed'] ?? 0;
	const ceiling = rate * pageSize;
	return {
		title: 'Trigger: drain a 10,000-event backlog at 5 requests/s (ceiling: 5 requests/s × 1,000 records = 5,000 events/s)',
		columns: ['events', 'polls', 'requests', 'wall time', 'events/s', 'ceiling events/s', 'ratio', '429s served'],
		rows: [[events, polls, requests, `${wall.toFixed(2)} s`, Math.round(events / wall), ceiling, (events / wall / ceiling).toFixed(3), c.served429]],
	};
}

module.exports = { benchTrigger };
