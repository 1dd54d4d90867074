// One registry of FHIR types drives the credential's scopes and the Search, Read and Bulk options;
// the credential asks only for the scopes the user picked; a missing scope is named before any call.
import path from 'node:path';

import { loadPackage, MemoryCredentials, ROOT, runNodes, sandboxCredentials } from '../harness/n8n';
import { control, counters, sandbox, type Sandbox } from '../harness/sandbox';

// eslint-disable-next-line @typescript-eslint/no-require-imports
const registry = require(path.join(ROOT, 'dist/nodes/Athenahealth/shared/fhirTypes.js')) as {
	FHIR_TYPES: Array<{
		type: string;
		search: boolean;
		bulk: boolean;
		common: boolean;
		interactions: string[];
		operations: string[];
	}>;
	credentialScopes: (c: object) => string[];
};

let sb: Sandbox;
beforeAll(async () => {
	sb = await sandbox({
		patients: 30,
		clients: [
			{ id: 'sandbox-client', secret: 'sandbox-secret' },
			{
				id: 'patient-only',
				secret: 'patient-only-secret',
				scopes: ['athena/service/Athenanet.MDP.*', 'system/Patient.read'],
			},
		],
	});
});
afterAll(() => sb.close());
beforeEach(() => control(sb, 'POST', '/_control/reset-counters'));

// the first property of that name (Bulk's Resource Types appears once per operation, all alike)
const optionValues = (
	props: Array<{ name: string; options?: Array<{ value: unknown }> }>,
	name: string,
) => (props.find((p) => p.name === name)?.options ?? []).map((o) => o.value);

test("the node's FHIR Search/Read types, the Bulk Export types and the credential's scope choices all come from the registry", async () => {
	const { loader } = await loadPackage();
	const node = loader.nodeTypes.athenahealth.type as unknown as {
		description: { properties: Array<{ name: string; options?: Array<{ value: unknown }> }> };
	};
	const cred = loader.credentialTypes.athenahealthOAuth2Api.type as unknown as {
		properties: Array<{ name: string; options?: Array<{ value: unknown }>; default?: unknown }>;
	};
	const types = registry.FHIR_TYPES;
	expect(optionValues(node.description.properties, 'resourceType')).toEqual(
		types.filter((t) => t.search).map((t) => t.type),
	);
	expect(optionValues(node.description.properties, 'resourceTypes')).toEqual(
		types.filter((t) => t.bulk).map((t) => t.type),
	);
	// a read scope for each type athena reads, searches or exports; a write scope for each it creates
	expect(optionValues(cred.properties, 'fhirScopes')).toEqual([
		...types
			.filter((t) => t.search || t.bulk || t.operations.includes('export'))
			.map((t) => `system/${t.type}.read`),
		...types.filter((t) => t.interactions.includes('create')).map((t) => `system/${t.type}.write`),
	]);
	expect(types).toHaveLength(32);
	expect(cred.properties.find((p) => p.name === 'fhirScopes')?.default).toEqual(
		types.filter((t) => t.common).map((t) => `system/${t.type}.read`),
	);
	// every type offered for search or export has a scope the user can pick
	for (const t of types.filter((x) => x.search || x.bulk))
		expect(optionValues(cred.properties, 'fhirScopes')).toContain(`system/${t.type}.read`);
});

test("the credential's Scope field (what n8n's credential test sends) equals what the node asks for", async () => {
	for (const data of [
		{ enableFhir: false },
		{ enableFhir: true },
		{
			enableFhir: true,
			fhirScopes: ['system/Patient.read'],
			fhirExtraScopes: 'system/Appointment.rs, system/Coverage.rs',
		},
	]) {
		const creds = new MemoryCredentials({ ...sandboxCredentials({ url: sb.url }).data, ...data });
		const resolved = await creds.getDecrypted();
		expect(String(resolved.scope).split(' ')).toEqual(registry.credentialScopes(resolved));
	}
});

test('an app that holds only Patient.read gets a token when the credential asks for just that, and reads Patients', async () => {
	const creds = sandboxCredentials({
		url: sb.url,
		clientId: 'patient-only',
		clientSecret: 'patient-only-secret',
		enableFhir: true,
	});
	creds.data.fhirScopes = ['system/Patient.read'];
	const { output, error } = await runNodes(creds, [
		{ parameters: { resource: 'fhir', operation: 'read', resourceType: 'Patient', id: '1' } },
	]);
	expect(error).toBeUndefined();
	expect(output('athenahealth')[0].json.resourceType).toBe('Patient');
	// athenaNet calls work with the same token
	const departments = await runNodes(creds, [
		{ parameters: { resource: 'department', operation: 'getAll', returnAll: true } },
	]);
	expect(departments.error).toBeUndefined();
});

test('a type whose scope the credential does not ask for is refused before any request, naming the scope', async () => {
	const creds = sandboxCredentials({ url: sb.url, enableFhir: true });
	creds.data.fhirScopes = ['system/Patient.read'];
	const search = await runNodes(creds, [
		{
			parameters: {
				resource: 'fhir',
				operation: 'search',
				resourceType: 'Encounter',
				patient: '1',
				returnAll: true,
			},
		},
	]);
	expect(search.error?.message).toBe('The credential does not ask for system/Encounter.read');
	expect(search.error?.description).toMatch(/add it under FHIR Scopes/);
	const bulk = await runNodes(creds, [
		{
			parameters: {
				resource: 'bulkExport',
				operation: 'start',
				resourceTypes: ['Patient', 'Observation'],
			},
		},
	]);
	expect(bulk.error?.message).toBe('The credential does not ask for system/Observation.read');
	expect((await counters(sb)).requests).toBe(0);
	// a SMART v2 form pasted under Other Scopes covers the type
	creds.data.fhirExtraScopes = 'system/Encounter.rs';
	const withV2 = await runNodes(creds, [
		{
			parameters: {
				resource: 'fhir',
				operation: 'search',
				resourceType: 'Encounter',
				patient: '1',
				returnAll: true,
			},
		},
	]);
	expect(withV2.error?.message ?? '').not.toMatch(/does not ask for/);
});
