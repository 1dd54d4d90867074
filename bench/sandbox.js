'use strict';
// Sandbox throughput with throttling off, beside a bare node:http server answering the same
// GETs with a fixed JSON body (the floor any server on this machine pays).
const http = require('node:http');
const { Pool } = require('undici');
const { sandbox } = require('../test/harness/sandbox.ts');

async function hammer(origin, path, headers, durationMs = 3000, connections = 16) {
	const pool = new Pool(origin, { connections, pipelining: 1 });
	let done = 0;
	let failed = 0;
	const until = Date.now() + durationMs;
	const worker = async () => {
		while (Date.now() < until) {
			const res = await pool.request({ path, method: 'GET', headers });
			await res.body.text();
			if (res.statusCode === 200) done++;
			else failed++;
		}
	};
	const started = Date.now();
	await Promise.all(Array.from({ length: connections }, worker));
	const seconds = (Date.now() - started) / 1000;
	await pool.close();
	return { rate: done / seconds, failed };
}

async function benchSandbox() {
	const bare = http.createServer((req, res) => {
		const body = JSON.stringify({
			departments: [{ departmentid: '1', name: 'MAIN ST (HUB)' }],
			totalcount: 1,
		});
		res.writeHead(200, {
			'Content-Type': 'application/json',
			'Content-Length': Buffer.byteLength(body),
		});
		res.end(body);
	});
	await new Promise((r) => bare.listen(0, '127.0.0.1', r));
	const baseline = await hammer(`http://127.0.0.1:${bare.address().port}`, '/', {});
	bare.close();

	const sb = await sandbox({ qps: 0, dailyQuota: 1e9 });
	const tokenRes = await fetch(`${sb.url}/oauth2/v1/token`, {
		method: 'POST',
		headers: {
			authorization: `Basic ${Buffer.from('sandbox-client:sandbox-secret').toString('base64')}`,
			'content-type': 'application/x-www-form-urlencoded',
		},
		body: 'grant_type=client_credentials&scope=athena%2Fservice%2FAthenanet.MDP.*',
	});
	const { access_token } = await tokenRes.json();
	const auth = { authorization: `Bearer ${access_token}` };
	const ping = await hammer(sb.url, '/v1/195900/ping', auth);
	const depts = await hammer(sb.url, '/v1/195900/departments/1', auth);
	await sb.close();
	const row = (name, r) => [
		name,
		Math.round(r.rate),
		Math.round(baseline.rate),
		(r.rate / baseline.rate).toFixed(2),
		r.failed,
		r.rate >= 2000 ? 'yes' : 'NO',
	];
	return {
		title:
			'Sandbox: simple GETs per second, throttling off, 16 connections for 3 s (goal ≥ 2,000/s)',
		columns: ['request', 'sandbox req/s', 'bare node:http req/s', 'ratio', 'non-200', '≥ 2,000/s'],
		rows: [row('GET /v1/195900/ping', ping), row('GET /v1/195900/departments/1', depts)],
	};
}

module.exports = { benchSandbox };
