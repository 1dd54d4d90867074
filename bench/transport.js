'use strict';
// Table 1: 20 pages of 1,000 records through the transport from a sandbox limited to N requests/s.
const { runNodes, sandboxCredentials } = require('../test/harness/n8n.ts');
const { sandbox, counters, control } = require('../test/harness/sandbox.ts');

async function benchTransport() {
	const rows = [];
	for (const rate of [5, 10, 20]) {
		const sb = await sandbox({
			qps: rate,
			booked: 20000,
			openSlots: 0,
			patients: 500,
			days: 30,
			daysBack: 30,
		});
		const creds = sandboxCredentials({ url: sb.url, requestsPerSecond: rate });
		await control(sb, 'POST', '/_control/reset-counters');
		const started = process.hrtime.bigint();
		const { output, error } = await runNodes(creds, [
			{
				parameters: {
					resource: 'customApiCall',
					operation: 'call',
					method: 'GET',
					path: '/appointments/booked',
					paginate: true,
					pageSize: 1000,
					query: {
						parameter: [
							{ name: 'startdate', value: '01/01/2000' },
							{ name: 'enddate', value: '12/31/2099' },
						],
					},
				},
			},
		]);
		const wall = Number(process.hrtime.bigint() - started) / 1e9;
		const c = await counters(sb);
		await sb.close();
		const records = output('athenahealth').length;
		const pages = c.byPath['GET /v1/{id}/appointments/booked'] ?? 0;
		const minimum = pages / rate;
		rows.push([
			`${rate}/s`,
			records,
			pages,
			`${wall.toFixed(2)} s`,
			`${minimum.toFixed(2)} s`,
			(wall / minimum).toFixed(3),
			error ? `error: ${error.message}` : 0,
			c.served429,
			c.tokenRequests,
		]);
	}
	return {
		title:
			'Transport: read 20 pages of 1,000 records at N requests/s (goal: ratio ≤ 1.10, 0 429s surfaced, 1 token request)',
		columns: [
			'limit N',
			'records',
			'pages',
			'wall time',
			'limit minimum (pages/N)',
			'ratio',
			'429s surfaced',
			'429s served',
			'token requests',
		],
		rows,
	};
}

module.exports = { benchTransport };
