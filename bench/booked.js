'use strict';
// Get Many Booked for 10,000 appointments at 5 requests/s: this node beside the way users do it
// today, n8n's HTTP Request node with a generic OAuth2 credential, paging on `next` with a 200 ms
// request interval (5/s), both run in the same n8n engine against the same sandbox.
const fs = require('node:fs');
const path = require('node:path');
const { extraNodeTypes, runNodes, sandboxCredentials } = require('../test/harness/n8n.ts');
const { sandbox, counters, control } = require('../test/harness/sandbox.ts');
const { CACHE, N8N_VERSION } = require('../scripts/n8n');

const RATE = 5;
const PAGE = 1000;

function httpRequestNode() {
	const file = path.join(
		CACHE,
		`n8n-${N8N_VERSION}`,
		'node_modules',
		'n8n-nodes-base',
		'dist',
		'nodes',
		'HttpRequest',
		'HttpRequest.node.js',
	);
	if (!fs.existsSync(file)) return undefined;
	const { HttpRequest } = require(file);
	return new HttpRequest();
}

async function measure(run) {
	const sb = await sandbox({
		qps: RATE,
		booked: 10000,
		openSlots: 0,
		patients: 500,
		days: 30,
		daysBack: 30,
		pageCap: PAGE,
	});
	await control(sb, 'POST', '/_control/reset-counters');
	const started = process.hrtime.bigint();
	const { records, error } = await run(sb);
	const wall = Number(process.hrtime.bigint() - started) / 1e9;
	const c = await counters(sb);
	await sb.close();
	const requests = c.byPath['GET /v1/{id}/appointments/booked'] ?? 0;
	return { records, wall, requests, minimum: requests / RATE, served429: c.served429, error };
}

async function benchBooked() {
	const ours = await measure(async (sb) => {
		const creds = sandboxCredentials({ url: sb.url, requestsPerSecond: RATE });
		const { output, error } = await runNodes(creds, [
			{
				parameters: {
					resource: 'appointment',
					operation: 'getManyBooked',
					startDate: '2000-01-01',
					endDate: '2099-12-31',
					returnAll: true,
				},
			},
		]);
		return { records: output('athenahealth').length, error: error?.message };
	});
	const rows = [['athenahealth node (Get Many Booked, Return All)', ours]];
	const http = httpRequestNode();
	if (http) {
		extraNodeTypes['n8n-nodes-base.httpRequest'] = http;
		for (const interval of [1000 / RATE, 0]) {
			const theirs = await measure(async (sb) => {
				const creds = sandboxCredentials({ url: sb.url });
				creds.others.oAuth2Api = {
					grantType: 'clientCredentials',
					accessTokenUrl: `${sb.url}/oauth2/v1/token`,
					clientId: 'sandbox-client',
					clientSecret: 'sandbox-secret',
					scope: 'athena/service/Athenanet.MDP.*',
					authentication: 'header',
					authQueryParameters: '',
				};
				const { output, error } = await runNodes(creds, [
					{
						name: 'HTTP Request',
						type: 'n8n-nodes-base.httpRequest',
						typeVersion: 4.2,
						nodeCredentials: { oAuth2Api: { id: 'cred-2', name: 'generic' } },
						parameters: {
							method: 'GET',
							url: `${sb.url}/v1/195900/appointments/booked`,
							authentication: 'genericCredentialType',
							genericAuthType: 'oAuth2Api',
							sendQuery: true,
							queryParameters: {
								parameters: [
									{ name: 'startdate', value: '01/01/2000' },
									{ name: 'enddate', value: '12/31/2099' },
									{ name: 'limit', value: String(PAGE) },
								],
							},
							options: {
								pagination: {
									pagination: {
										paginationMode: 'responseContainsNextURL',
										nextURL: `={{ '${sb.url}' + $response.body.next }}`,
										paginationCompleteWhen: 'other',
										completeExpression: '={{ !$response.body.next }}',
										requestInterval: interval,
									},
								},
							},
						},
					},
				]);
				const records = output('HTTP Request').reduce(
					(n, item) => n + (item.json.appointments?.length ?? 0),
					0,
				);
				return { records, error: error?.message };
			});
			rows.push([`HTTP Request node + generic OAuth2 (next URL, ${interval} ms interval)`, theirs]);
		}
	}
	return {
		title: `Get Many Booked: 10,000 appointments at ${RATE} requests/s, ${PAGE} per page (goal: ≤ 1.10× the limit's minimum)${http ? '' : ' — HTTP Request baseline skipped: run npm start once to install n8n'}`,
		columns: [
			'how',
			'records',
			'requests',
			'wall time',
			'limit minimum',
			'ratio',
			'429s served',
			'error',
		],
		rows: rows.map(([name, r]) => [
			name,
			r.records,
			r.requests,
			`${r.wall.toFixed(2)} s`,
			`${r.minimum.toFixed(2)} s`,
			(r.wall / r.minimum).toFixed(3),
			r.served429,
			r.error ?? '',
		]),
	};
}

module.exports = { benchBooked };
