// A nightly incremental export in real n8n: Bulk Export → Export and Wait with Since Last Export,
// run twice with `n8n execute` (a production execution: n8n saves the node's static data after it,
// as it does after a scheduled run), with changes made in the sandbox between the runs. The second
// run brings only those changes.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { request } from 'undici';

import { counters, sandbox, type Sandbox } from '../harness/sandbox';
import { n8n } from './helpers';

let sb: Sandbox;
let bin: string;
let userFolder: string;

const WORKFLOW = {
	id: 'athenaNightlyExport',
	name: 'athena: nightly incremental export',
	active: false,
	settings: { executionOrder: 'v1' },
	pinData: {},
	nodes: [
		{
			id: 'n-trigger',
			name: 'Start',
			type: 'n8n-nodes-base.manualTrigger',
			typeVersion: 1,
			position: [0, 0],
			parameters: {},
		},
		{
			id: 'n-export',
			name: 'Changed Patients',
			type: 'n8n-nodes-athenahealth.athenahealth',
			typeVersion: 1,
			position: [220, 0],
			parameters: {
				resource: 'bulkExport',
				operation: 'exportAndWait',
				resourceTypes: ['Patient'],
				sinceLastExport: true,
				maxWaitMinutes: 5,
				output: 'resources',
				maxResources: 100000,
			},
			credentials: { athenahealthOAuth2Api: { id: 'athenaSandboxCred1', name: 'athena sandbox' } },
		},
	],
	connections: { Start: { main: [[{ node: 'Changed Patients', type: 'main', index: 0 }]] } },
};

beforeAll(
	async () => {
		sb = await sandbox({ qps: 20, bulkDurationMs: 1500 });
		bin = n8n.ensureN8n() as string;
		userFolder = fs.mkdtempSync(path.join(os.tmpdir(), 'n8n-athena-e2e-'));
		n8n.installPackage(userFolder);
		n8n.importWorkflows(bin, userFolder, sb.url, [WORKFLOW]);
	},
	20 * 60 * 1000,
);

afterAll(async () => {
	await sb?.close();
	n8n.removeFolder(userFolder);
});

const itemsOf = (run: any, node: string) =>
	(run.data.resultData.runData[node]?.[0]?.data?.main?.[0] ?? []).map((i: any) => i.json);

/** A change a user makes in athena between the nightly runs, through athena's API. */
async function athena(method: 'PUT' | 'POST', pathname: string, form: Record<string, string>) {
	const basic = Buffer.from('other-client:other-secret').toString('base64');
	const token = await request(`${sb.url}/oauth2/v1/token`, {
		method: 'POST',
		headers: {
			authorization: `Basic ${basic}`,
			'content-type': 'application/x-www-form-urlencoded',
		},
		body: 'grant_type=client_credentials&scope=athena%2Fservice%2FAthenanet.MDP.*',
	});
	const { access_token } = (await token.body.json()) as { access_token: string };
	const res = await request(`${sb.url}/v1/195900${pathname}`, {
		method,
		headers: {
			authorization: `Bearer ${access_token}`,
			'content-type': 'application/x-www-form-urlencoded',
		},
		body: new URLSearchParams(form).toString(),
	});
	const body = (await res.body.json()) as Array<{ patientid: string }>;
	expect(res.statusCode).toBe(200);
	return body[0].patientid;
}

test(
	'run twice with Since Last Export: the first run brings every patient, the second only the ones changed in between',
	async () => {
		const first = await n8n.execute(bin, userFolder, WORKFLOW.id);
		expect(first.run.data.resultData.error).toBeUndefined();
		const all = itemsOf(first.run, 'Changed Patients').map((p: any) => p.id);
		expect(all.sort()).toEqual(
			[...sb.state.patients.keys()].map((id) => `a-195900.E-${id}`).sort(),
		);

		const [a, b] = [...sb.state.patients.keys()].slice(10, 12);
		await athena('PUT', `/patients/${a}`, { mobilephone: '6175550142' });
		await athena('PUT', `/patients/${b}`, { email: 'new.address@example.com' });
		const created = await athena('POST', '/patients', {
			firstname: 'Nightly',
			lastname: 'Newcomer',
			dob: '04/05/1990',
			departmentid: '1',
			zip: '02139',
			bypasspatientmatching: 'true',
		});

		const second = await n8n.execute(bin, userFolder, WORKFLOW.id);
		expect(second.run.data.resultData.error).toBeUndefined();
		const changed = itemsOf(second.run, 'Changed Patients');
		expect(changed.map((p: any) => p.id).sort()).toEqual(
			[a, b, created].map((id) => `a-195900.E-${id}`).sort(),
		);
		expect(changed.find((p: any) => p.id === `a-195900.E-${a}`).telecom).toContainEqual(
			expect.objectContaining({ value: '6175550142' }),
		);
		// the second kick-off carried the first export's transactionTime as _since
		const since = (await counters(sb)).bulkKickoffSince;
		expect(since).toHaveLength(2);
		expect(since[0]).toBeNull();
		expect(Date.parse(since[1])).toBeLessThan(Date.now());
	},
	15 * 60 * 1000,
);
