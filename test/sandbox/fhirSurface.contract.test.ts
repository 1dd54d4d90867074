// The sandbox's FHIR surface and Bulk Data additions over HTTP, under each reading of their switches:
// next links (docs/athena-behaviour.md#fhir-paging), a department's patients
// (docs/athena-behaviour.md#fhir-patient-department), QuestionnaireResponse create
// (docs/athena-behaviour.md#fhir-writes), expired exports (docs/athena-behaviour.md#export-expiry)
// and the manifest's extension (docs/athena-behaviour.md#bulk-manifest).
import { request } from 'undici';

import { sandbox, settings, type Sandbox } from '../harness/sandbox';

let sb: Sandbox;
let bearer = '';
beforeAll(async () => {
	sb = await sandbox({ patients: 40, departmentOnePatients: 30, bulkDurationMs: 200 });
	const res = await request(`${sb.url}/oauth2/v1/token`, {
		method: 'POST',
		headers: {
			'content-type': 'application/x-www-form-urlencoded',
			authorization: `Basic ${Buffer.from('a-client:a-secret').toString('base64')}`,
		},
		body: `grant_type=client_credentials&scope=${encodeURIComponent(
			'system/Patient.read system/Group.read system/QuestionnaireResponse.read system/QuestionnaireResponse.write',
		)}`,
	});
	bearer = JSON.parse(await res.body.text()).access_token;
});
afterAll(() => sb.close());

async function call(path: string, opts: { method?: string; body?: string; headers?: object } = {}) {
	const res = await request(path.startsWith('http') ? path : `${sb.url}${path}`, {
		method: (opts.method ?? 'GET') as 'GET',
		headers: { authorization: `Bearer ${bearer}`, ...opts.headers },
		body: opts.body,
	});
	const text = await res.body.text();
	let json: any;
	try {
		json = JSON.parse(text);
	} catch {
		json = undefined;
	}
	return { status: res.statusCode, headers: res.headers, json };
}
const PRACTICE = 'ah-practice=Organization/a-1.Practice-195900';
const next = (bundle: any) => bundle.link.find((l: any) => l.relation === 'next')?.url;

test.each([
	['full', /^http:\/\/127\.0\.0\.1:\d+\/fhir\/r4\/Patient\?.*ah-practice=.*&cursor=/],
	['cursor-only', /^http:\/\/127\.0\.0\.1:\d+\/fhir\/r4\/Patient\?cursor=[\w-]+$/],
	['relative', /^Patient\?.*ah-practice=.*&cursor=/],
])('--fhir-next-link %s', async (fhirNextLink, form) => {
	await settings(sb, { fhirNextLink });
	const first = await call(`/fhir/r4/Patient?${PRACTICE}&name=a&_count=2`);
	expect(first.status).toBe(200);
	expect(next(first.json)).toMatch(form);
	await settings(sb, { fhirNextLink: 'full' });
});

test('Patient?ah-department= alone lists the department; --fhir-department-cap only acts over 1,000', async () => {
	for (const fhirDepartmentCap of ['none', 'error', 'truncate']) {
		await settings(sb, { fhirDepartmentCap });
		const res = await call(
			`/fhir/r4/Patient?${PRACTICE}&ah-department=Organization/a-195900.Department-1&_count=1000`,
		);
		expect(res.status).toBe(200);
		expect(res.json.total).toBe(
			[...sb.state.patients.values()].filter((p: any) => p.departmentid === '1').length,
		);
	}
	await settings(sb, { fhirDepartmentCap: 'none' });
});

test('QuestionnaireResponse create: 201 with the saved resource and a Location; bad bodies are 400; read-only types refuse create', async () => {
	const patient = [...sb.state.patients.keys()][0];
	const body = {
		resourceType: 'QuestionnaireResponse',
		status: 'completed',
		questionnaire: 'Questionnaire/a-195900.questionnaire-1',
		subject: { reference: `Patient/a-195900.E-${patient}` },
		item: [{ linkId: '1', answer: [{ valueString: 'yes' }] }],
	};
	const headers = { 'content-type': 'application/fhir+json' };
	const made = await call(`/fhir/r4/QuestionnaireResponse?${PRACTICE}`, {
		method: 'POST',
		body: JSON.stringify(body),
		headers,
	});
	expect(made.status).toBe(201);
	expect(made.headers.location).toMatch(
		/\/QuestionnaireResponse\/a-195900\.questionnaireresponse-\d+/,
	);
	const read = await call(`/fhir/r4/QuestionnaireResponse/${made.json.id}?${PRACTICE}`);
	expect(read.json).toMatchObject({ id: made.json.id, item: body.item });
	const bad = await call(`/fhir/r4/QuestionnaireResponse?${PRACTICE}`, {
		method: 'POST',
		body: JSON.stringify({ ...body, item: [{ answer: [{ valueString: 'x' }] }] }),
		headers,
	});
	expect(bad.status).toBe(400);
	const patientCreate = await call(`/fhir/r4/Patient?${PRACTICE}`, {
		method: 'POST',
		body: '{"resourceType":"Patient"}',
		headers,
	});
	expect(patientCreate.status).toBe(405);
});

describe.each(['404', '410'])('--bulk-gone-status %s', (bulkGoneStatus) => {
	test('--bulk-files-gone: the manifest is given, then its files and status answer the gone status', async () => {
		await settings(sb, { bulkGoneStatus, bulkFilesGone: 1 });
		const kick = await call('/fhir/r4/Group/a-1.c-195900/$export?_type=Patient', {
			headers: { prefer: 'respond-async' },
		});
		expect(kick.status).toBe(202);
		const statusUrl = String(kick.headers['content-location']);
		await new Promise((r) => setTimeout(r, 300));
		const manifest = await call(statusUrl);
		expect(manifest.status).toBe(200);
		const file = await call(manifest.json.output[0].url);
		expect(file.status).toBe(Number(bulkGoneStatus));
		expect((await call(statusUrl)).status).toBe(Number(bulkGoneStatus));
	});
});

test.each([
	[
		'object',
		(e: any) => expect(e).toEqual({ 'https://fhir.athena.io/bulk/job': expect.any(String) }),
	],
	[
		'array',
		(e: any) =>
			expect(e).toEqual([
				{ url: 'https://fhir.athena.io/bulk/job', valueString: expect.any(String) },
			]),
	],
])('--bulk-manifest-extension %s', async (bulkManifestExtension, check) => {
	await settings(sb, { bulkManifestExtension, bulkFilesGone: 0 });
	const kick = await call('/fhir/r4/Group/a-1.c-195900/$export?_type=Patient', {
		headers: { prefer: 'respond-async' },
	});
	await new Promise((r) => setTimeout(r, 300));
	const statusUrl = String(kick.headers['content-location']);
	const manifest = await call(statusUrl);
	check(manifest.json.extension);
	await call(statusUrl, { method: 'DELETE' });
	await settings(sb, { bulkManifestExtension: 'none' });
});
