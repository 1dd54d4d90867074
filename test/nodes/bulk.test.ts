// Bulk Export through n8n's engine against the sandbox: kick-off, status, downloads into n8n's
// binary store (filesystem mode, as n8n runs by default), resume, second origins, UTF-8, tokens.
import fs from 'node:fs';

import { BinaryDataService } from 'n8n-core';
import { Container } from '@n8n/di';

import { runNodes, sandboxCredentials, type MemoryCredentials } from '../harness/n8n';
import { control, counters, fault, sandbox, settings, type Sandbox } from '../harness/sandbox';

let sb: Sandbox;
let creds: MemoryCredentials;
const PATIENTS = 40;
beforeAll(async () => {
	sb = await sandbox({ patients: PATIENTS, bulkDurationMs: 300, bulkRetryAfterMs: 200 });
	creds = sandboxCredentials({ url: sb.url, enableFhir: true });
});
afterAll(() => sb.close());
const DEFAULTS = {
	bulkDurationMs: 300,
	bulkRetryAfterMs: 200,
	bulkRetryAfter: 'seconds',
	bulk429Polls: 0,
	bulkFileOrigin: 'same',
	bulkSplitUtf8: false,
	bulkResourcesPerFile: 0,
	bulkResourcesPerType: 0,
	bulkErrorFile: false,
	bulkBreakCount: 0,
	bulkTypeFilter: false,
};
beforeEach(async () => {
	await control(sb, 'POST', '/_control/reset-counters');
	await control(sb, 'DELETE', '/_control/faults');
	await settings(sb, DEFAULTS);
	(sb as any).bulkJobs.clear();
});

const bulk = (operation: string, p: object = {}) => ({ resource: 'bulkExport', operation, ...p });
const exportAndWait = (p: object = {}, opts: { staticData?: object; mode?: 'trigger' } = {}) =>
	runNodes(
		creds,
		[{ parameters: bulk('exportAndWait', { maxWaitMinutes: 1, ...p }) }],
		[{}],
		opts as never,
	);
const fileText = (binary: any) =>
	fs.readFileSync(Container.get(BinaryDataService).getPath(binary.id), 'utf8');
const lines = (text: string) =>
	text
		.split('\n')
		.filter(Boolean)
		.map((l) => JSON.parse(l));

test('Export and Wait: a Group export of 5 types, one binary NDJSON file each, counts as the manifest says; the export is deleted after', async () => {
	const types = ['Patient', 'Encounter', 'Observation', 'Condition', 'Immunization'];
	const { output, error } = await exportAndWait({ resourceTypes: types });
	expect(error).toBeUndefined();
	const items = output('athenahealth');
	expect(items.map((i) => i.json.type)).toEqual(types);
	const perPatient: Record<string, number> = {
		Patient: 1,
		Encounter: 2,
		Observation: 3,
		Condition: 2,
		Immunization: 1,
	};
	for (const item of items) {
		const resources = lines(fileText(item.binary!.data));
		expect(resources).toHaveLength(PATIENTS * perPatient[item.json.type as string]);
		expect(item.json.count).toBe(resources.length);
		expect(new Set(resources.map((r) => r.resourceType))).toEqual(new Set([item.json.type]));
		expect(item.binary!.data).toMatchObject({
			mimeType: 'application/fhir+ndjson',
			fileName: `${item.json.type}-1.ndjson`,
		});
	}
	const c = await counters(sb);
	expect(c.bulkKickoffs).toBe(1);
	expect(c.bulkDeletes).toBe(1);
	expect(c.secondOriginTokens).toBe(0);
});

test('status polls answered 429 with an HTTP-date Retry-After are waited out, not hammered (docs/athena-behaviour.md#retry-after)', async () => {
	await settings(sb, { bulk429Polls: 2, bulkRetryAfter: 'http-date', bulkRetryAfterMs: 1000 });
	const started = Date.now();
	const { output, error } = await exportAndWait({ resourceTypes: ['Patient'] });
	expect(error).toBeUndefined();
	expect(output('athenahealth')).toHaveLength(1);
	const c = await counters(sb);
	expect(c.served429).toBe(2);
	expect(c.bulkStatusPolls).toBeLessThanOrEqual(5);
	// two HTTP-date waits of at least a second (date resolution) each, never a tight loop
	expect(Date.now() - started).toBeGreaterThanOrEqual(1000);
});

test('Get Status reports progress and Retry-After while running, then the manifest', async () => {
	await settings(sb, { bulkDurationMs: 600_000 });
	const start = await runNodes(creds, [
		{ parameters: bulk('start', { resourceTypes: ['Patient'] }) },
	]);
	const { statusUrl } = start.output('athenahealth')[0].json as { statusUrl: string };
	expect(statusUrl).toMatch(new RegExp(`^${sb.url}/fhir/r4/bulkstatus/`));
	const running = await runNodes(creds, [{ parameters: bulk('getStatus', { statusUrl }) }]);
	expect(running.output('athenahealth')[0].json).toMatchObject({
		status: 'in-progress',
		progress: expect.stringMatching(/% complete$/),
		retryAfterSeconds: 1,
	});
	await fetch(`${sb.url}/_control/bulk/complete`, { method: 'POST' });
	const done = await runNodes(creds, [{ parameters: bulk('getStatus', { statusUrl }) }]);
	expect(done.output('athenahealth')[0].json).toMatchObject({
		status: 'complete',
		requiresAccessToken: true,
		output: [{ type: 'Patient', count: PATIENTS }],
	});
});

test('files on a second origin get no token (requiresAccessToken false)', async () => {
	await settings(sb, { bulkFileOrigin: 'second' });
	const { output, error } = await exportAndWait({ resourceTypes: ['Patient', 'Observation'] });
	expect(error).toBeUndefined();
	expect(output('athenahealth').map((i) => i.json.url)).toEqual([
		expect.stringContaining((sb as any).secondOrigin),
		expect.stringContaining((sb as any).secondOrigin),
	]);
	expect(lines(fileText(output('athenahealth')[1].binary!.data))).toHaveLength(PATIENTS * 3);
	expect((await counters(sb)).secondOriginTokens).toBe(0);
});

test('a 307 from athena to another host is followed without the Authorization header (docs/athena-behaviour.md#export-files)', async () => {
	await settings(sb, { bulkFileOrigin: 'redirect' });
	const { output, error } = await exportAndWait({ resourceTypes: ['Patient'] });
	expect(error).toBeUndefined();
	expect(lines(fileText(output('athenahealth')[0].binary!.data))).toHaveLength(PATIENTS);
	expect((await counters(sb)).secondOriginTokens).toBe(0);
});

test('an interrupted download resumes without fetching finished files again; delivered files are skipped next time', async () => {
	await settings(sb, { bulkResourcesPerFile: 10 }); // Patient-1 … Patient-4
	const start = await runNodes(creds, [
		{ parameters: bulk('start', { resourceTypes: ['Patient'] }) },
	]);
	const { statusUrl } = start.output('athenahealth')[0].json as { statusUrl: string };
	await fetch(`${sb.url}/_control/bulk/complete`, { method: 'POST' });
	// production runs (a schedule trigger's): n8n saves static data after them, never after manual ones
	const staticData = {};
	const production = { staticData, mode: 'trigger' as const };
	await fault(sb, {
		path: 'Patient-3\\.ndjson',
		status: 404,
		body: {
			resourceType: 'OperationOutcome',
			issue: [{ severity: 'error', code: 'not-found', diagnostics: 'storage hiccup' }],
		},
	});
	const first = await runNodes(
		creds,
		[{ parameters: bulk('downloadFiles', { statusUrl }) }],
		[{}],
		production,
	);
	expect(first.error?.message).toMatch(/storage hiccup/);

	const second = await runNodes(
		creds,
		[{ parameters: bulk('downloadFiles', { statusUrl }) }],
		[{}],
		production,
	);
	expect(second.error).toBeUndefined();
	const items = second.output('athenahealth');
	expect(items.map((i) => [i.json.fileName, i.json.resumed])).toEqual([
		['Patient-1.ndjson', true],
		['Patient-2.ndjson', true],
		['Patient-3.ndjson', false],
		['Patient-4.ndjson', false],
	]);
	const all = items.flatMap((i) => lines(fileText(i.binary!.data)).map((r) => r.id));
	expect(new Set(all).size).toBe(PATIENTS);
	expect((await counters(sb)).bulkFiles).toEqual({
		'Patient-1': 1,
		'Patient-2': 1,
		'Patient-3': 1,
		'Patient-4': 1,
	});

	const third = await runNodes(
		creds,
		[{ parameters: bulk('downloadFiles', { statusUrl }) }],
		[{}],
		production,
	);
	expect(third.output('athenahealth')).toHaveLength(0);
	expect((await counters(sb)).bulkFileRequests).toBe(4);
});

test('a manual run keeps no resume state (n8n saves static data only for production runs): it downloads every file again', async () => {
	const start = await runNodes(creds, [
		{ parameters: bulk('start', { resourceTypes: ['Patient'] }) },
	]);
	const { statusUrl } = start.output('athenahealth')[0].json as { statusUrl: string };
	await fetch(`${sb.url}/_control/bulk/complete`, { method: 'POST' });
	const staticData = {};
	const first = await runNodes(
		creds,
		[{ parameters: bulk('downloadFiles', { statusUrl }) }],
		[{}],
		{ staticData },
	);
	const second = await runNodes(
		creds,
		[{ parameters: bulk('downloadFiles', { statusUrl }) }],
		[{}],
		{ staticData },
	);
	expect(first.output('athenahealth').length).toBeGreaterThan(0);
	expect(second.output('athenahealth').map((i) => i.json.resumed)).toEqual(
		first.output('athenahealth').map(() => false),
	);
	expect(staticData).toEqual({});
});

test('UTF-8 characters split across network packets arrive intact, as binary and as parsed items (docs/athena-behaviour.md#export-files)', async () => {
	await settings(sb, { bulkSplitUtf8: true });
	const names = [...sb.state.patients.values()]
		.map((p: any) => `${p.firstname} ${p.lastname}`)
		.sort();
	expect(names.some((n) => /[^\x20-\x7e]/.test(n))).toBe(true);
	const asBinary = await exportAndWait({ resourceTypes: ['Patient'] });
	const text = fileText(asBinary.output('athenahealth')[0].binary!.data);
	expect(text).not.toContain('\uFFFD');
	expect(
		lines(text)
			.map((r) => `${r.name[0].given[0]} ${r.name[0].family}`)
			.sort(),
	).toEqual(names);
	const parsed = await exportAndWait({
		resourceTypes: ['Patient'],
		output: 'resources',
		maxResources: 1000,
	});
	expect(
		parsed
			.output('athenahealth')
			.map((i: any) => `${i.json.name[0].given[0]} ${i.json.name[0].family}`)
			.sort(),
	).toEqual(names);
});

test('a connection dropped mid-file after the token expired: a new token, and that file starts again', async () => {
	await settings(sb, {
		bulkResourcesPerType: 3000,
		bulkBreakAfterBytes: 100_000,
		bulkBreakCount: 1,
	});
	const issued = (await counters(sb)).tokensIssued;
	await control(sb, 'POST', '/_control/expire-tokens');
	const { output, error } = await exportAndWait({ resourceTypes: ['Observation'] });
	expect(error).toBeUndefined();
	const resources = lines(fileText(output('athenahealth')[0].binary!.data));
	expect(resources).toHaveLength(3000);
	expect(new Set(resources.map((r) => r.id)).size).toBe(3000);
	const c = await counters(sb);
	expect(c.bulkFiles['Observation-1']).toBe(2);
	expect(c.tokensIssued).toBeGreaterThan(issued);
});

test('parsed output stops at Max Resources; error files become OperationOutcome items', async () => {
	await settings(sb, { bulkErrorFile: true });
	const { output } = await exportAndWait({
		resourceTypes: ['Patient', 'Observation'],
		output: 'resources',
		maxResources: 50,
	});
	const items = output('athenahealth').map((i) => i.json);
	expect(items.filter((r) => r.resourceType === 'Patient')).toHaveLength(PATIENTS);
	expect(items.filter((r) => r.resourceType === 'Observation')).toHaveLength(10);
	expect(items.filter((r) => r.resourceType === 'OperationOutcome')).toEqual([
		expect.objectContaining({
			issue: [
				expect.objectContaining({
					diagnostics: expect.stringContaining('attachment could not be exported'),
				}),
			],
		}),
	]);
});

test("POST kick-off sends a Parameters body; unsupported _typeFilter is athena's 400 with its issue", async () => {
	const post = await exportAndWait({
		resourceTypes: ['Condition'],
		since: '2026-06-01T00:00:00Z',
		exportOptions: { method: 'POST', elements: 'code,subject' },
	});
	expect(post.error).toBeUndefined();
	const conditions = lines(fileText(post.output('athenahealth')[0].binary!.data));
	expect(conditions.length).toBeGreaterThan(0);
	for (const c of conditions) {
		expect(Date.parse(c.meta.lastUpdated)).toBeGreaterThanOrEqual(
			Date.parse('2026-06-01T00:00:00Z'),
		);
		expect(Object.keys(c).sort()).toEqual(['code', 'id', 'meta', 'resourceType', 'subject']);
	}
	const filtered = await exportAndWait({
		resourceTypes: ['Observation'],
		exportOptions: { typeFilter: 'Observation?category=laboratory' },
	});
	expect(filtered.error?.httpCode).toBe('400');
	expect(filtered.error?.message).toMatch(/_typeFilter is not supported/);
});

test('Cancel deletes the export; its status is then gone', async () => {
	await settings(sb, { bulkDurationMs: 5000 });
	const start = await runNodes(creds, [{ parameters: bulk('start', {}) }]);
	const { statusUrl } = start.output('athenahealth')[0].json as { statusUrl: string };
	const cancel = await runNodes(creds, [{ parameters: bulk('cancel', { statusUrl }) }]);
	expect(cancel.output('athenahealth')[0].json).toEqual({ statusUrl, cancelled: true });
	const status = await runNodes(creds, [{ parameters: bulk('getStatus', { statusUrl }) }]);
	expect(status.error?.httpCode).toBe('404');
});

test('a status URL on another origin, or a group of another practice, is refused before any request', async () => {
	const foreign = await runNodes(creds, [
		{ parameters: bulk('getStatus', { statusUrl: 'https://evil.example/status/1' }) },
	]);
	expect(foreign.error?.message).toBe(
		'Status URL must be the Content-Location athena gave at kick-off',
	);
	const badGroup = await runNodes(creds, [{ parameters: bulk('start', { groupId: '1/../x' }) }]);
	expect(badGroup.error?.message).toMatch(/^Group ID must be a FHIR id/);
	expect((await counters(sb)).requests).toBe(0);
	const otherGroup = await runNodes(creds, [
		{ parameters: bulk('start', { groupId: 'a-1.c-999' }) },
	]);
	expect(otherGroup.error?.httpCode).toBe('404');
});

test('Export and Wait run again after an interruption re-attaches to the same export instead of starting another', async () => {
	await settings(sb, { bulkResourcesPerFile: 20 });
	const staticData = {};
	const production = { staticData, mode: 'trigger' as const };
	await fault(sb, {
		path: 'Patient-2\\.ndjson',
		status: 404,
		body: {
			resourceType: 'OperationOutcome',
			issue: [{ severity: 'error', code: 'not-found', diagnostics: 'gone for now' }],
		},
	});
	const first = await exportAndWait({ resourceTypes: ['Patient'] }, production);
	expect(first.error?.message).toMatch(/gone for now/);
	const second = await exportAndWait({ resourceTypes: ['Patient'] }, production);
	expect(second.error).toBeUndefined();
	expect(second.output('athenahealth').map((i) => i.json.resumed)).toEqual([true, false]);
	const c = await counters(sb);
	expect(c.bulkKickoffs).toBe(1);
	expect(c.bulkFiles).toEqual({ 'Patient-1': 1, 'Patient-2': 1 });
	expect(JSON.stringify(staticData)).not.toMatch(/bulkstatus/);
});

test('a Retry-After longer than Max Wait ends the wait at once, naming the status URL, instead of polling every minute (docs/athena-behaviour.md#retry-after)', async () => {
	await settings(sb, { bulkDurationMs: 600_000, bulkRetryAfterMs: 300_000 });
	const { error } = await exportAndWait({ resourceTypes: ['Patient'], maxWaitMinutes: 1 });
	expect(error?.message).toBe('The export was not ready within 1 minute(s)');
	expect(error?.description).toMatch(/\/fhir\/r4\/bulkstatus\//);
	expect((await counters(sb)).bulkStatusPolls).toBe(1);
});

test('a file download answered 503 is waited and retried; nothing is lost', async () => {
	await fault(sb, {
		path: 'Patient-1\\.ndjson',
		status: 503,
		count: 2,
		headers: { 'Retry-After': '0' },
	});
	const { output, error } = await exportAndWait({ resourceTypes: ['Patient'] });
	expect(error).toBeUndefined();
	expect(lines(fileText(output('athenahealth')[0].binary!.data))).toHaveLength(PATIENTS);
	expect((await counters(sb)).status['503']).toBe(2);
});
