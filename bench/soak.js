'use strict';
// npm run soak [-- minutes]: the sandbox (own process, --expose-gc) under mixed load for an hour
// by default: tokens, athenaNet reads and writes, bad input, feeds, FHIR searches, bulk exports
// with downloads and deletes. Prints its heap after a full GC over time and the last/first ratio.
const { Pool, request } = require('undici');

const { startSandboxProcess } = require('../sandbox/process');

const minutes = Number(process.argv[2] ?? 60);

async function main() {
	const child = await startSandboxProcess(
		{
			qps: 0,
			tokenRateLimit: 100000,
			dailyQuota: 1e9,
			bulkDurationMs: 300,
			feedRetentionMs: 60000,
			patients: 500,
			tokenLifetimeSeconds: 120,
		},
		{ nodeArgs: ['--expose-gc'] },
	);
	const { url } = child;
	const pool = new Pool(url, { connections: 8 });
	const call = async (method, p, body, headers = {}) => {
		const res = await pool.request({ method, path: p, body, headers });
		const text = await res.body.text();
		return { status: res.statusCode, headers: res.headers, text };
	};
	const basic = `Basic ${Buffer.from('sandbox-client:sandbox-secret').toString('base64')}`;
	const scope = encodeURIComponent(
		'athena/service/Athenanet.MDP.* system/Patient.read system/Observation.read system/Encounter.read system/Group.read',
	);
	let auth = {};
	const newToken = async () => {
		const t = await call(
			'POST',
			'/oauth2/v1/token',
			`grant_type=client_credentials&scope=${scope}`,
			{ 'content-type': 'application/x-www-form-urlencoded', authorization: basic },
		);
		auth = { authorization: `Bearer ${JSON.parse(t.text).access_token}` };
	};
	await newToken();
	const form = { 'content-type': 'application/x-www-form-urlencoded' };
	await call('POST', '/v1/195900/appointments/changed/subscription', '', { ...auth, ...form });
	await call('POST', '/v1/195900/patients/changed/subscription', '', { ...auth, ...form });
	const P = 'ah-practice=Organization/a-1.Practice-195900';
	let n = 0;
	const mix = [
		() => call('GET', '/v1/195900/departments', undefined, auth),
		() => call('GET', `/v1/195900/patients/${1 + (n % 13)}`, undefined, auth),
		() =>
			call(
				'GET',
				'/v1/195900/appointments/booked?startdate=01/01/2000&enddate=12/31/2099&limit=200',
				undefined,
				auth,
			),
		() =>
			call(
				'GET',
				'/v1/195900/appointments/open?departmentid=1&reasonid=-1&limit=100',
				undefined,
				auth,
			),
		() => call('GET', '/v1/195900/patients?lastname=Sm', undefined, auth),
		() => call('GET', '/v1/195900/patients/notanid', undefined, auth),
		() =>
			call(
				'POST',
				'/_control/scenario',
				JSON.stringify([{ action: 'updatePatient' }, { action: 'cancel' }, { action: 'book' }]),
				{ 'content-type': 'application/json' },
			),
		() => call('GET', '/v1/195900/appointments/changed', undefined, auth),
		() => call('GET', '/v1/195900/patients/changed?leaveunprocessed=true', undefined, auth),
		() =>
			call('GET', `/fhir/r4/Observation?patient=a-195900.E-${1 + (n % 13)}&${P}`, undefined, auth),
		() => call('GET', `/fhir/r4/Patient?name=a&_count=50&${P}`, undefined, auth),
		() => call('GET', '/fhir/r4/Encounter?ah-practice=a-1.Practice-195900', undefined, auth),
		() => call('GET', '/fhir/r4/metadata'),
	];
	async function bulkRound() {
		const k = await call(
			'GET',
			'/fhir/r4/Group/a-1.c-195900/$export?_type=Patient,Observation',
			undefined,
			{ ...auth, prefer: 'respond-async' },
		);
		const statusUrl = k.headers['content-location'];
		if (!statusUrl) return;
		const statusPath = new URL(statusUrl).pathname;
		for (;;) {
			const s = await call('GET', statusPath, undefined, auth);
			if (s.status === 200) {
				for (const f of JSON.parse(s.text).output)
					await call('GET', new URL(f.url).pathname, undefined, auth);
				break;
			}
			await new Promise((r) => setTimeout(r, 300));
		}
		await call('DELETE', statusPath, undefined, auth);
	}

	const samples = [];
	const sample = async () => {
		const m = await (await request(`${url}/_control/memory`)).body.json();
		samples.push({
			minute: (Date.now() - started) / 60000,
			heapMB: m.heapUsed / 1024 ** 2,
			rssMB: m.rss / 1024 ** 2,
		});
	};
	const started = Date.now();
	const until = started + minutes * 60000;
	let requests = 0;
	const workers = Array.from({ length: 4 }, async () => {
		while (Date.now() < until) {
			await mix[n++ % mix.length]();
			requests++;
			if (n % 2000 === 0) await bulkRound();
			if (n % 5000 === 0) await newToken();
			await new Promise((r) => setTimeout(r, 15));
		}
	});
	const timer = setInterval(
		() => sample().catch(() => undefined),
		Math.max(5000, (minutes * 60000) / 60),
	);
	await sample();
	await Promise.all(workers);
	clearInterval(timer);
	await sample();
	await pool.close();
	child.close();
	const tenth = Math.max(1, Math.floor(samples.length / 10));
	const avg = (list) => list.reduce((s, x) => s + x.heapMB, 0) / list.length;
	const early = avg(samples.slice(1, 1 + tenth));
	const late = avg(samples.slice(-tenth));
	console.log(
		`\nSandbox memory soak: ${minutes} min of mixed load, ${requests} requests (${(requests / (minutes * 60)).toFixed(0)}/s)`,
	);
	console.log('| minute | heap after GC | rss |\n|---|---|---|');
	for (const s of samples.filter(
		(_, i) => i % Math.max(1, Math.floor(samples.length / 12)) === 0 || i === samples.length - 1,
	))
		console.log(
			`| ${s.minute.toFixed(1)} | ${s.heapMB.toFixed(1)} MB | ${s.rssMB.toFixed(0)} MB |`,
		);
	console.log(
		`heap, last tenth vs first tenth (after warm-up): ${late.toFixed(1)} MB vs ${early.toFixed(1)} MB = ${(late / early).toFixed(2)}×`,
	);
}

main().catch((e) => {
	console.error(e);
	process.exit(1);
});
