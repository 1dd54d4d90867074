// FHIR Search / Read / Get Capabilities through n8n's engine against the sandbox's FHIR R4 server.
import { runNodes, sandboxCredentials, type MemoryCredentials } from '../harness/n8n';
import {
	control,
	counters,
	fault,
	hits,
	sandbox,
	settings,
	type Sandbox,
} from '../harness/sandbox';

let sb: Sandbox;
let creds: MemoryCredentials;
beforeAll(async () => {
	sb = await sandbox({ patients: 60 });
	creds = sandboxCredentials({ url: sb.url, enableFhir: true });
});
afterAll(() => sb.close());
beforeEach(async () => {
	await control(sb, 'POST', '/_control/reset-counters');
	await control(sb, 'DELETE', '/_control/faults');
});

const fhir = (operation: string, p: object = {}) => ({ resource: 'fhir', operation, ...p });
const search = (p: object) =>
	runNodes(creds, [{ parameters: fhir('search', { returnAll: true, ...p }) }]);
const ids = (items: Array<{ json: any }>) => items.map((i) => i.json.id);

test("Search follows link[next] over 3 pages and returns every resource once; a bare patient id becomes athena's FHIR id", async () => {
	const { output, error } = await search({
		resourceType: 'Observation',
		patient: '60178',
		options: { pageSize: 1 },
	});
	expect(error).toBeUndefined();
	expect(ids(output('athenahealth'))).toEqual([
		'a-195900.resultamb-601780',
		'a-195900.resultamb-601781',
		'a-195900.resultamb-601782',
	]);
	expect(await hits(sb, 'GET /fhir/r4/Observation')).toBe(3);
	for (const item of output('athenahealth'))
		expect(item.json.subject).toMatchObject({ reference: 'Patient/a-195900.E-60178' });
});

test('Patient search by name pages through a larger set with no duplicates, and Limit stops early', async () => {
	const expected = [...sb.state.patients.values()].filter((p: any) =>
		/a/i.test(`${p.firstname} ${p.lastname}`.normalize('NFD').replace(/[\u0300-\u036f]/g, '')),
	).length;
	const { output } = await search({
		resourceType: 'Patient',
		patientFilters: { name: 'a' },
		options: { pageSize: Math.ceil(expected / 3) },
	});
	expect(output('athenahealth')).toHaveLength(expected);
	expect(new Set(ids(output('athenahealth'))).size).toBe(expected);
	expect(await hits(sb, 'GET /fhir/r4/Patient')).toBe(3);
	const few = await runNodes(creds, [
		{
			parameters: fhir('search', {
				resourceType: 'Patient',
				patientFilters: { name: 'a' },
				returnAll: false,
				limit: 2,
			}),
		},
	]);
	expect(few.output('athenahealth')).toHaveLength(2);
});

test('a next link to another origin stops with an error (the token never leaves athena)', async () => {
	await fault(sb, {
		path: '/fhir/r4/Patient',
		phase: 'after',
		status: 200,
		body: {
			resourceType: 'Bundle',
			type: 'searchset',
			entry: [{ resource: { resourceType: 'Patient', id: 'a-195900.E-1' } }],
			link: [{ relation: 'next', url: 'http://evil.example/fhir/r4/Patient?cursor=x' }],
		},
	});
	const { error } = await search({ resourceType: 'Patient', ids: '1' });
	expect(error?.message).toMatch(/next page points to another server \(http:\/\/evil\.example\)/);
});

test('a repeated next link stops with an error instead of looping', async () => {
	const next = `${sb.url}/fhir/r4/Patient?_id=a-195900.E-1&cursor=same`;
	await fault(sb, {
		path: '/fhir/r4/Patient',
		phase: 'after',
		status: 200,
		count: 5,
		body: {
			resourceType: 'Bundle',
			type: 'searchset',
			entry: [{ resource: { resourceType: 'Patient', id: 'a-195900.E-1' } }],
			link: [{ relation: 'next', url: next }],
		},
	});
	const { error } = await search({ resourceType: 'Patient', ids: '1' });
	expect(error?.message).toBe('athena repeated a next link while paging Patient');
	expect(await hits(sb, 'GET /fhir/r4/Patient')).toBe(2);
});

test('a Bundle without entry or link is an empty result, not a crash', async () => {
	await fault(sb, {
		path: '/fhir/r4/Encounter',
		phase: 'after',
		status: 200,
		body: { resourceType: 'Bundle', type: 'searchset' },
	});
	const { output, error } = await search({ resourceType: 'Encounter', patient: '1' });
	expect(error).toBeUndefined();
	expect(output('athenahealth')).toHaveLength(0);
});

test('Max Pages stops a long search with an error saying what to change', async () => {
	const { error } = await search({
		resourceType: 'Observation',
		patient: '60178',
		options: { pageSize: 1, maxPages: 2 },
	});
	expect(error?.message).toBe('The Observation search has more than 2 pages');
	expect(error?.description).toMatch(/Raise Max Pages/);
});

test('a long query goes as POST _search', async () => {
	const many = [...sb.state.patients.keys()].slice(0, 50);
	const list = [...many, ...Array.from({ length: 100 }, (_, n) => String(990000 + n))].join(',');
	const { output, error } = await search({
		resourceType: 'Patient',
		ids: list,
		options: { pageSize: 1000 },
	});
	expect(error).toBeUndefined();
	expect(ids(output('athenahealth')).sort()).toEqual(many.map((id) => `a-195900.E-${id}`).sort());
	expect(await hits(sb, 'POST /fhir/r4/Patient/_search')).toBe(1);
});

test("a missing parameter combination is explained from athena's 400", async () => {
	const { error } = await search({ resourceType: 'Encounter', filters: { status: 'finished' } });
	expect(error?.httpCode).toBe('400');
	expect(error?.message).toMatch(/required parameter combinations \[\[patient\],\[_id\]\]/);
	expect(error?.description).toMatch(/one of these search parameter combinations: patient; or _id/);
});

test('an OperationOutcome inside a 200 Bundle becomes a node error carrying its issue', async () => {
	await settings(sb, { fhirOutcomeIn200: true });
	try {
		const { error, output } = await search({ resourceType: 'MedicationRequest', patient: '1' });
		expect(output('athenahealth')).toHaveLength(0);
		expect(error?.message).toMatch(
			/OperationOutcome inside a 200 Bundle: The search query could not be performed because one of the required parameter combinations \[\[patient,intent\],\[_id\]\]/,
		);
	} finally {
		await settings(sb, { fhirOutcomeIn200: false });
	}
	const ok = await search({
		resourceType: 'MedicationRequest',
		patient: '1',
		filters: { intent: 'order' },
	});
	expect(ok.output('athenahealth')).toHaveLength(1);
});

test("_include'd resources are marked; Bundle output gives one item per page", async () => {
	const { output } = await search({
		resourceType: 'Encounter',
		patient: '7',
		options: { include: 'Encounter:patient' },
	});
	const included = output('athenahealth').filter((i) => i.json._searchMode === 'include');
	expect(included.map((i) => i.json.id)).toEqual(['a-195900.E-7']);
	expect(output('athenahealth').filter((i) => i.json.resourceType === 'Encounter')).toHaveLength(2);
	const bundles = await search({
		resourceType: 'Observation',
		patient: '7',
		options: { pageSize: 2, output: 'bundles' },
	});
	expect(bundles.output('athenahealth').map((i) => i.json.resourceType)).toEqual([
		'Bundle',
		'Bundle',
	]);
});

test('Read accepts a bare patient id; a bad id is refused before any request; an unknown one is a 404', async () => {
	const { output } = await runNodes(creds, [
		{ parameters: fhir('read', { resourceType: 'Patient', id: '60178' }) },
	]);
	const stored = sb.state.patients.get('60178');
	expect(output('athenahealth')[0].json).toMatchObject({
		id: 'a-195900.E-60178',
		name: [{ family: stored.lastname, given: [stored.firstname] }],
	});
	await control(sb, 'POST', '/_control/reset-counters');
	const bad = await runNodes(creds, [
		{ parameters: fhir('read', { resourceType: 'Patient', id: '1/../../admin' }) },
	]);
	expect(bad.error?.message).toMatch(/^Resource ID must be a FHIR id/);
	const bareEncounter = await runNodes(creds, [
		{ parameters: fhir('read', { resourceType: 'Encounter', id: '62014' }) },
	]);
	expect(bareEncounter.error?.message).toMatch(
		/only Patient, Practitioner and Location accept a bare athenaOne ID/,
	);
	expect((await counters(sb)).requests).toBe(0);
	const missing = await runNodes(creds, [
		{ parameters: fhir('read', { resourceType: 'Encounter', id: 'a-195900.encounter-9' }) },
	]);
	expect(missing.error?.httpCode).toBe('404');
	expect(missing.error?.message).toMatch(/Resource Encounter\/a-195900.encounter-9 is not known/);
});

test("Get Capabilities returns athena's CapabilityStatement", async () => {
	const { output } = await runNodes(creds, [{ parameters: fhir('getCapabilities') }]);
	expect(output('athenahealth')[0].json).toMatchObject({
		resourceType: 'CapabilityStatement',
		id: 'ah-r4-base',
		fhirVersion: '4.0.1',
	});
});

test('FHIR without FHIR scopes in the credential is refused before any request, naming the switch', async () => {
	const plain = sandboxCredentials({ url: sb.url, enableFhir: false });
	const { error } = await runNodes(plain, [
		{ parameters: fhir('search', { resourceType: 'Patient', ids: '1' }) },
	]);
	expect(error?.message).toBe('FHIR is not turned on in the athenahealth credential');
	expect((await counters(sb)).requests).toBe(0);
});

test('another practice is refused unless the credential allows it', async () => {
	const { error } = await runNodes(creds, [
		{
			parameters: fhir('search', {
				resourceType: 'Patient',
				ids: '1',
				practiceId: '1128700',
				returnAll: true,
			}),
		},
	]);
	expect(error?.message).toBe('Practice 1128700 is not allowed by this credential');
	const allowed = sandboxCredentials({
		url: sb.url,
		enableFhir: true,
		allowedPracticeIds: '1128700',
	});
	const ok = await runNodes(allowed, [
		{
			parameters: fhir('search', {
				resourceType: 'Patient',
				ids: '1',
				practiceId: '1128700',
				returnAll: true,
			}),
		},
	]);
	expect(ok.output('athenahealth')[0].json.id).toBe('a-1128700.E-1');
});
