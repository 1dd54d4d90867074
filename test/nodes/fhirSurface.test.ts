// The FHIR surface athena declares: the registry's 32 types equal the sandbox's CapabilityStatement
// (types, interactions, search and ah-* parameters, operations); athena's cursor paging under each
// reading of its next link; the tenancy options and _security on FHIR Search, checked against the
// type before any request; a read-only type refused for Search.
import path from 'node:path';

import { MemoryCredentials, ROOT, runNodes, sandboxCredentials } from '../harness/n8n';
import { control, counters, hits, sandbox, settings, type Sandbox } from '../harness/sandbox';

// eslint-disable-next-line @typescript-eslint/no-require-imports
const registry = require(path.join(ROOT, 'dist/nodes/Athenahealth/shared/fhirTypes.js')) as {
	FHIR_TYPES: Array<{
		type: string;
		interactions: string[];
		searchParams: string[];
		ahParams: string[];
		operations: string[];
	}>;
	TENANCY_PARAMS: string[];
};

let sb: Sandbox;
let creds: MemoryCredentials;
beforeAll(async () => {
	sb = await sandbox({ patients: 60 });
	creds = sandboxCredentials({ url: sb.url, enableFhir: true });
});
afterAll(() => sb.close());
beforeEach(async () => {
	await settings(sb, { fhirNextLink: 'full' });
	await control(sb, 'POST', '/_control/reset-counters');
});

const fhir = (operation: string, p: object = {}) => ({ resource: 'fhir', operation, ...p });
const search = (p: object) =>
	runNodes(creds, [{ parameters: fhir('search', { returnAll: true, ...p }) }]);
const ids = (items: Array<{ json: any }>) => items.map((i) => i.json.id);

test("the registry's 32 types are the sandbox's CapabilityStatement: interactions, search and ah-* parameters, operations", async () => {
	const { output } = await runNodes(creds, [{ parameters: fhir('getCapabilities') }]);
	const resources = (output('athenahealth')[0].json as any).rest[0].resource as any[];
	const served = Object.fromEntries(
		resources.map((r) => [
			r.type,
			{
				interactions: (r.interaction ?? []).map((x: any) => x.code).sort(),
				params: (r.searchParam ?? []).map((x: any) => x.name).sort(),
				operations: (r.operation ?? []).map((x: any) => x.name).sort(),
			},
		]),
	);
	expect(registry.FHIR_TYPES).toHaveLength(32);
	expect(Object.keys(served).sort()).toEqual(registry.FHIR_TYPES.map((t) => t.type).sort());
	for (const t of registry.FHIR_TYPES) {
		const searchable = t.interactions.includes('search-type');
		expect({ type: t.type, ...served[t.type] }).toEqual({
			type: t.type,
			interactions: [...t.interactions].sort(),
			params: searchable
				? [...t.searchParams, ...t.ahParams, '_security', '_count', 'cursor'].sort()
				: [],
			operations: [...t.operations].sort(),
		});
	}
	const cursor = resources
		.find((r) => r.type === 'Patient')
		.searchParam.find((p: any) => p.name === 'cursor');
	expect(cursor.definition).toBe('https://fhir.athena.io/SearchParameter/ah-cursor');
});

describe.each(['full', 'cursor-only', 'relative'])(
	"athena's cursor paging, next link %s",
	(reading) => {
		test('Search follows it like link[next]: every page once, the same resources', async () => {
			await settings(sb, { fhirNextLink: reading });
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
		});
	},
);

test('Department (ah-department) takes an athena department id, sent as its FHIR reference; the other tenancy options and _security are sent as given', async () => {
	const { output, error } = await search({
		resourceType: 'Patient',
		patientFilters: { name: 'a' },
		options: {
			ahDepartment: '1',
			ahBrand: 'brand-7',
			ahProviderGroup: '12',
			ahChartSharingGroup: 'csg-3',
			security: 'http://terminology.hl7.org/CodeSystem/v3-Confidentiality|R',
			output: 'bundles',
		},
	});
	expect(error).toBeUndefined();
	const self = new URL(
		(output('athenahealth')[0].json as any).link.find((l: any) => l.relation === 'self').url,
	).searchParams;
	expect(self.get('ah-department')).toBe('Organization/a-195900.Department-1');
	expect(self.get('ah-brand')).toBe('brand-7');
	expect(self.get('ah-provider-group')).toBe('12');
	expect(self.get('ah-chart-sharing-group')).toBe('csg-3');
	expect(self.get('_security')).toBe('http://terminology.hl7.org/CodeSystem/v3-Confidentiality|R');
	const patients = output('athenahealth').flatMap((b: any) =>
		(b.json.entry ?? []).map((e: any) => e.resource),
	);
	expect(patients.length).toBeGreaterThan(0);
	for (const p of patients)
		expect(p.managingOrganization.reference).toBe('Organization/a-195900.Department-1');
});

test('a tenancy option the type does not take at athena is refused before any request, naming it and what the type takes', async () => {
	const { error } = await search({
		resourceType: 'Condition',
		patient: '60178',
		options: { ahBrand: 'brand-7' },
	});
	expect(error?.message).toBe('Brand (ah-brand) is not a search parameter of Condition at athena');
	expect(error?.description).toMatch(/Condition takes ah-chart-sharing-group/);
	const bad = await search({
		resourceType: 'Patient',
		ids: '60178',
		options: { ahDepartment: 'one & two' },
	});
	expect(bad.error?.message).toBe('Department "one & two" is not an id');
	expect((await counters(sb)).requests).toBe(0);
});

test('a type athena offers for Read only is refused for Search before any request; Read reaches athena', async () => {
	const { error } = await search({ resourceType: 'Binary', ids: 'a-195900.document-1' });
	expect(error?.message).toBe('athena offers Binary for Read only, not Search');
	expect((await counters(sb)).requests).toBe(0);
	const withBinary = new MemoryCredentials({
		...sandboxCredentials({ url: sb.url, enableFhir: true }).data,
		fhirExtraScopes: 'system/Binary.read',
	});
	const read = await runNodes(withBinary, [
		{ parameters: fhir('read', { resourceType: 'Binary', id: 'a-195900.document-1' }) },
	]);
	expect(read.error?.message).toMatch(/Resource Binary\/a-195900.document-1 is not known/);
});
