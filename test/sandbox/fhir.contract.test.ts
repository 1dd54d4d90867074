// The sandbox's FHIR R4 and Bulk Data contract over HTTP (docs/athena-behaviour.md#fhir-r4,
// docs/athena-behaviour.md#bulk-data-export).
import { request } from 'undici';

import { control, sandbox, settings, type Sandbox } from '../harness/sandbox';

let sb: Sandbox;
let bearer = '';
let narrow = '';
const SCOPES = [
	'athena/service/Athenanet.MDP.*',
	...[
		'Patient',
		'Encounter',
		'Observation',
		'Condition',
		'MedicationRequest',
		'Practitioner',
		'Group',
	].map((t) => `system/${t}.read`),
];
async function tokenFor(client: string, scopes: string[]) {
	const res = await request(`${sb.url}/oauth2/v1/token`, {
		method: 'POST',
		headers: {
			'content-type': 'application/x-www-form-urlencoded',
			authorization: `Basic ${Buffer.from(`${client}-client:${client}-secret`).toString('base64')}`,
		},
		body: `grant_type=client_credentials&scope=${encodeURIComponent(scopes.join(' '))}`,
	});
	return JSON.parse(await res.body.text()).access_token as string;
}
beforeAll(async () => {
	sb = await sandbox({ patients: 30, bulkDurationMs: 400, bulkRetryAfterMs: 1000 });
	bearer = await tokenFor('a', SCOPES);
	narrow = await tokenFor('b', ['system/Patient.read']);
});
afterAll(() => sb.close());

async function call(
	path: string,
	opts: {
		method?: string;
		headers?: Record<string, string>;
		body?: string;
		token?: string | null;
	} = {},
) {
	const url = path.startsWith('http') ? path : `${sb.url}${path}`;
	const auth = opts.token === null ? {} : { authorization: `Bearer ${opts.token ?? bearer}` };
	const res = await request(url, {
		method: (opts.method ?? 'GET') as 'GET',
		headers: { ...auth, ...opts.headers },
		body: opts.body,
	});
	const text = await res.body.text();
	let json: any;
	try {
		json = JSON.parse(text);
	} catch {
		json = undefined;
	}
	return { status: res.statusCode, headers: res.headers, text, json };
}
const P = 'ah-practice=Organization/a-1.Practice-195900';

describe('FHIR R4 (docs/athena-behaviour.md#fhir-r4)', () => {
	test('metadata and SMART configuration answer without a token; a missing /r4 is 404', async () => {
		const meta = await call('/fhir/r4/metadata', { token: null });
		expect(meta.status).toBe(200);
		expect(meta.json).toMatchObject({
			resourceType: 'CapabilityStatement',
			id: 'ah-r4-base',
			fhirVersion: '4.0.1',
			software: { name: 'athenahealth FHIR Server' },
		});
		expect(meta.json.rest[0].resource.find((r: any) => r.type === 'Group').operation[0].name).toBe(
			'export',
		);
		const smart = await call('/fhir/r4/.well-known/smart-configuration', { token: null });
		expect(smart.json.grant_types_supported).toEqual(['authorization_code', 'client_credentials']);
		expect(smart.json.token_endpoint).toBe(`${sb.url}/oauth2/v1/token`);
		expect((await call('/fhir/Patient?_id=a-195900.E-1')).status).toBe(404);
		expect((await call(`/fhir/r4/Patient?_id=a-195900.E-1&${P}`, { token: null })).status).toBe(
			401,
		);
	});
	test("a search without ah-practice is 400 with athena's bare details body", async () => {
		const r = await call('/fhir/r4/Patient?_id=a-195900.E-1');
		expect(r.status).toBe(400);
		expect(r.json).toEqual({
			details:
				'Could not determine what practice the request was for. Add the `ah-practice` search parameter to your request.',
		});
	});
	test('both ah-practice forms work; self links echo ah-practice:Organization', async () => {
		for (const form of ['Organization/a-1.Practice-195900', 'a-1.Practice-195900']) {
			const r = await call(`/fhir/r4/Patient?_id=a-195900.E-1&ah-practice=${form}`);
			expect(r.json.entry[0].resource.id).toBe('a-195900.E-1');
			expect(r.json.link.find((l: any) => l.relation === 'self').url).toContain(
				'ah-practice:Organization=a-1.Practice-195900',
			);
		}
	});
	test("a search without a required combination is 400 with athena's exact body", async () => {
		const r = await call(`/fhir/r4/Encounter?${P}`);
		expect(r.status).toBe(400);
		expect(r.json).toEqual({
			issue: [
				{
					details: {
						text: 'The search query could not be performed because one of the required parameter combinations [[patient],[_id]] was not provided.',
					},
					severity: 'fatal',
					code: 'forbidden',
				},
			],
		});
		expect((await call(`/fhir/r4/Patient?family=Smith&${P}`)).status).toBe(400);
		expect((await call(`/fhir/r4/Patient?family=Smith&gender=male&${P}`)).status).toBe(200);
	});
	test('a bare athenaOne id is 400 with the ISSUE-378 body (details as a string)', async () => {
		for (const path of [
			`/fhir/r4/Patient?_id=1&${P}`,
			'/fhir/r4/Patient/1',
			`/fhir/r4/Observation?patient=1&${P}`,
		]) {
			const r = await call(path);
			expect(r.status).toBe(400);
			expect(r.json).toEqual({
				issue: [{ severity: 'error', code: 'business-rule', details: 'Invalid FHIR request' }],
				resourceType: 'OperationOutcome',
			});
		}
	});
	test('ids are a-{pid}.{prefix}-{id}; resources carry the ah-practice extension', async () => {
		const r = await call(`/fhir/r4/Observation?patient=Patient/a-195900.E-7&${P}`);
		expect(r.json.entry.map((e: any) => e.resource.id)).toEqual([
			'a-195900.resultamb-70',
			'a-195900.resultamb-71',
			'a-195900.resultamb-72',
		]);
		expect(r.json.entry[0].resource.extension).toContainEqual({
			url: 'https://fhir.athena.io/StructureDefinition/ah-practice',
			valueReference: { reference: 'Organization/a-1.Practice-195900' },
		});
		expect((await call('/fhir/r4/Practitioner/a-195900.Provider-86')).json.resourceType).toBe(
			'Practitioner',
		);
		expect((await call('/fhir/r4/Organization/a-1.Practice-195900')).status).toBe(403); // no system/Organization.read in this token
	});
	test('paging: default _count 10, link[next] with an opaque cursor, _count capped at the maximum', async () => {
		const first = await call(`/fhir/r4/Patient?name=a&${P}`);
		expect(first.json.entry).toHaveLength(Math.min(10, first.json.total));
		const next = first.json.link.find((l: any) => l.relation === 'next').url;
		expect(next).toMatch(/&cursor=[\w-]+$/);
		const second = await call(next);
		expect(second.json.entry[0].resource.id).not.toBe(first.json.entry[0].resource.id);
		await settings(sb, { fhirMaxCount: 5 });
		expect((await call(`/fhir/r4/Patient?name=a&_count=1000&${P}`)).json.entry).toHaveLength(5);
		await settings(sb, { fhirMaxCount: 1000 });
		expect((await call(`/fhir/r4/Patient?name=a&cursor=bogus&${P}`)).status).toBe(400);
	});
	test('malformed input gets an OperationOutcome, never a crash', async () => {
		for (const path of [
			'/fhir/r4/Patient/%E0%A4%A',
			'/fhir/r4/Spaceship?_id=a-195900.E-1',
			'/fhir/r4/Group/%ZZ/$export',
		]) {
			const r = await call(path, { headers: { prefer: 'respond-async' } });
			expect([400, 404]).toContain(r.status);
			expect(r.json.resourceType ?? r.json.issue).toBeTruthy();
		}
		const bad = await call('/fhir/r4/Group/a-1.c-195900/$export', {
			method: 'POST',
			headers: { prefer: 'respond-async', 'content-type': 'application/fhir+json' },
			body: '{not json',
		});
		expect(bad.status).toBe(400);
		expect(bad.json.resourceType).toBe('OperationOutcome');
	});
	test('POST _search with a form body works like GET', async () => {
		const r = await call('/fhir/r4/Patient/_search', {
			method: 'POST',
			headers: { 'content-type': 'application/x-www-form-urlencoded' },
			body: `_id=a-195900.E-7&${P}`,
		});
		expect(r.json.entry[0].resource.id).toBe('a-195900.E-7');
	});
	test("a token without the type's scope gets 200 with an OperationOutcome entry (ISSUE-252)", async () => {
		const r = await call(`/fhir/r4/Observation?patient=a-195900.E-7&${P}`, { token: narrow });
		expect(r.status).toBe(200);
		expect(r.json.entry[0]).toMatchObject({
			search: { mode: 'outcome' },
			resource: { resourceType: 'OperationOutcome' },
		});
	});
	test('switch: parameter errors as an OperationOutcome entry in a 200 Bundle', async () => {
		await settings(sb, { fhirOutcomeIn200: true });
		const r = await call(`/fhir/r4/Encounter?${P}`);
		await settings(sb, { fhirOutcomeIn200: false });
		expect(r.status).toBe(200);
		expect(r.json.entry[0].resource.issue[0].code).toBe('forbidden');
	});
});

describe('Bulk Data (docs/athena-behaviour.md#bulk-data-export)', () => {
	const kick = (
		path = '/fhir/r4/Group/a-1.c-195900/$export?_type=Patient',
		headers: Record<string, string> = { prefer: 'respond-async', accept: 'application/fhir+json' },
		token?: string,
	) => call(path, { headers, token });
	async function waitDone(statusUrl: string, token?: string) {
		for (;;) {
			const s = await call(statusUrl, { token });
			if (s.status !== 202) return s;
			await new Promise((r) => setTimeout(r, 100));
		}
	}
	test('only Group/a-1.c-{pid}/$export: system and patient level are 404, another group 404', async () => {
		for (const path of [
			'/fhir/r4/$export',
			'/fhir/r4/Patient/$export',
			'/fhir/r4/Group/a-1.c-42/$export',
		])
			expect((await kick(path)).status).toBe(404);
	});
	test('Prefer: respond-async is required; unsupported _type, _outputFormat and _typeFilter are 400', async () => {
		expect((await kick(undefined, {})).status).toBe(400);
		expect((await kick('/fhir/r4/Group/a-1.c-195900/$export?_type=Spaceship')).status).toBe(400);
		expect((await kick('/fhir/r4/Group/a-1.c-195900/$export?_outputFormat=text/csv')).status).toBe(
			400,
		);
		expect(
			(await kick('/fhir/r4/Group/a-1.c-195900/$export?_typeFilter=Patient%3Factive%3Dtrue'))
				.status,
		).toBe(400);
	});
	test('202 + Content-Location, 202 with X-Progress and Retry-After (seconds, then HTTP-date), then the manifest; files need the token; DELETE cancels', async () => {
		const k = await kick();
		expect(k.status).toBe(202);
		expect(k.text).toBe('');
		const statusUrl = String(k.headers['content-location']);
		const running = await call(statusUrl);
		expect(running.status).toBe(202);
		expect(running.headers['x-progress']).toMatch(/^\d+% complete$/);
		expect(running.headers['retry-after']).toBe('1');
		const again = await kick();
		expect(again.status).toBe(429); // one running job per client
		const done = await waitDone(statusUrl);
		expect(done.status).toBe(200);
		expect(done.json).toMatchObject({
			requiresAccessToken: true,
			request: expect.stringContaining('/Group/a-1.c-195900/$export'),
			output: [{ type: 'Patient', count: 30 }],
			error: [],
		});
		const file = done.json.output[0].url;
		expect((await call(file, { token: null })).status).toBe(401);
		const body = await call(file);
		expect(body.headers['content-type']).toBe('application/fhir+ndjson');
		expect(body.text.trim().split('\n')).toHaveLength(30);
		expect((await call(statusUrl, { method: 'DELETE' })).status).toBe(202);
		expect((await call(statusUrl)).status).toBe(404);
		expect((await call(file)).status).toBe(404);

		await settings(sb, { bulkRetryAfter: 'http-date', bulk429Polls: 1 });
		const k2 = await kick();
		const throttled = await call(String(k2.headers['content-location']));
		expect(throttled.status).toBe(429);
		expect(Date.parse(String(throttled.headers['retry-after']))).toBeGreaterThan(Date.now() - 1000);
		const polled = await call(String(k2.headers['content-location']));
		expect(polled.status === 200 || Date.parse(String(polled.headers['retry-after'])) > 0).toBe(
			true,
		);
		await settings(sb, { bulkRetryAfter: 'seconds', bulk429Polls: 0 });
	});
	test('POST with a Parameters body; files from a second origin need no token and the sandbox counts any sent there', async () => {
		await settings(sb, { bulkFileOrigin: 'second' });
		const k = await call('/fhir/r4/Group/a-1.c-195900/$export', {
			method: 'POST',
			headers: { prefer: 'respond-async', 'content-type': 'application/fhir+json' },
			token: narrow,
			body: JSON.stringify({
				resourceType: 'Parameters',
				parameter: [{ name: '_type', valueString: 'Patient' }],
			}),
		});
		expect(k.status).toBe(202);
		const done = await waitDone(String(k.headers['content-location']), narrow);
		await settings(sb, { bulkFileOrigin: 'same' });
		expect(done.json.requiresAccessToken).toBe(false);
		const before = (await control(sb, 'GET', '/_control/counters')).secondOriginTokens;
		expect(
			(await call(done.json.output[0].url, { token: null })).text.trim().split('\n'),
		).toHaveLength(30);
		expect((await control(sb, 'GET', '/_control/counters')).secondOriginTokens).toBe(before);
		await call(done.json.output[0].url, { token: narrow });
		expect((await control(sb, 'GET', '/_control/counters')).secondOriginTokens).toBe(before + 1);
	});
	test('generated files can be large and are streamed, with multi-byte UTF-8 intact', async () => {
		await settings(sb, { bulkResourcesPerType: 20000 });
		const k = await kick(
			'/fhir/r4/Group/a-1.c-195900/$export?_type=Patient',
			undefined,
			await tokenFor('c', SCOPES),
		);
		await settings(sb, { bulkResourcesPerType: 0 });
		const token = await tokenFor('c', SCOPES);
		const done = await waitDone(String(k.headers['content-location']), token);
		expect(done.json.output[0].count).toBe(20000);
		const res = await request(done.json.output[0].url, {
			headers: { authorization: `Bearer ${token}` },
		});
		const buf = Buffer.from(await res.body.arrayBuffer());
		const lines = buf.toString('utf8').trim().split('\n');
		expect(lines).toHaveLength(20000);
		expect(new Set(lines.map((l) => JSON.parse(l).id)).size).toBe(20000);
		expect(buf.toString('utf8')).toMatch(/[éëøñ]/);
	});
});
