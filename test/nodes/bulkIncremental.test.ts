// Bulk Export, incremental: Since Last Export carries the last completed export's transactionTime
// into the next run's _since (per practice and types, in static data); a failed run keeps the mark;
// files that expire before they are fetched are exported again by Export and Wait and reported by
// Download Files; the manifest's extension is read as an object or an array.
import '../setup/debugLogs';
import { request } from 'undici';

import { runNodes, sandboxCredentials, type MemoryCredentials } from '../harness/n8n';
import { control, counters, sandbox, settings, type Sandbox } from '../harness/sandbox';

let sb: Sandbox;
let creds: MemoryCredentials;
beforeAll(async () => {
	sb = await sandbox({ patients: 20, bulkDurationMs: 300, bulkRetryAfterMs: 200 });
	creds = sandboxCredentials({ url: sb.url, enableFhir: true });
});
afterAll(() => sb.close());
beforeEach(async () => {
	await settings(sb, {
		bulkDurationMs: 300,
		bulkRetryAfterMs: 200,
		bulkFail: false,
		bulkFilesGone: 0,
		bulkGoneStatus: '404',
		bulkManifestExtension: 'none',
	});
	await control(sb, 'POST', '/_control/reset-counters');
});

const production = (staticData: object) => ({ staticData, mode: 'trigger' as const });
const exportAndWait = (staticData: object, p: object = {}) =>
	runNodes(
		creds,
		[
			{
				parameters: {
					resource: 'bulkExport',
					operation: 'exportAndWait',
					resourceTypes: ['Patient'],
					sinceLastExport: true,
					output: 'resources',
					maxWaitMinutes: 1,
					...p,
				},
			},
		],
		[{}],
		production(staticData),
	);
const ids = (run: Awaited<ReturnType<typeof runNodes>>) =>
	run
		.output('athenahealth')
		.map((i) => String(i.json.id))
		.sort();
const allPatients = () => [...sb.state.patients.keys()].map((id) => `a-195900.E-${id}`).sort();
const marksOf = (staticData: Record<string, any>) =>
	Object.values(staticData).map((node: any) => node.exportMarks ?? {});

/** Changes a patient through athena's API, as a user of the practice would. */
async function changePatient(patientId: string, field: Record<string, string>) {
	const basic = Buffer.from('b-client:b-secret').toString('base64');
	const token = await request(`${sb.url}/oauth2/v1/token`, {
		method: 'POST',
		headers: {
			authorization: `Basic ${basic}`,
			'content-type': 'application/x-www-form-urlencoded',
		},
		body: 'grant_type=client_credentials&scope=athena%2Fservice%2FAthenanet.MDP.*',
	});
	const { access_token } = (await token.body.json()) as { access_token: string };
	const res = await request(`${sb.url}/v1/195900/patients/${patientId}`, {
		method: 'PUT',
		headers: {
			authorization: `Bearer ${access_token}`,
			'content-type': 'application/x-www-form-urlencoded',
		},
		body: new URLSearchParams(field).toString(),
	});
	expect(res.statusCode).toBe(200);
	await res.body.text();
}

test('Since Last Export: the first run exports everything, the next only what changed since, the mark per practice and types', async () => {
	const staticData: Record<string, any> = {};
	const first = await exportAndWait(staticData);
	expect(first.error).toBeUndefined();
	expect(ids(first)).toEqual(allPatients());
	const [marks] = marksOf(staticData);
	expect(Object.values(marks)).toHaveLength(1);
	const mark = Object.values(marks)[0] as string;
	expect(Date.parse(mark)).not.toBeNaN();

	const [a, b] = [...sb.state.patients.keys()].slice(3, 5);
	await changePatient(a, { mobilephone: '6175550101' });
	await changePatient(b, { email: 'changed@example.com' });
	const second = await exportAndWait(staticData);
	expect(second.error).toBeUndefined();
	expect(ids(second)).toEqual([`a-195900.E-${a}`, `a-195900.E-${b}`].sort());
	const sent = (await counters(sb)).bulkKickoffSince;
	expect(sent).toEqual([null, mark]);

	// nothing changed since: no resources, and the mark moves on
	const third = await exportAndWait(staticData);
	expect(third.error).toBeUndefined();
	expect(ids(third)).toEqual([]);
	const [after] = marksOf(staticData);
	expect(Date.parse(Object.values(after)[0] as string)).toBeGreaterThan(Date.parse(mark));

	// other types have their own mark: their first run exports everything
	const other = await exportAndWait(staticData, { resourceTypes: ['Patient', 'Condition'] });
	expect(other.error).toBeUndefined();
	expect((await counters(sb)).bulkKickoffSince.at(-1)).toBeNull();
	expect(Object.keys(marksOf(staticData)[0])).toHaveLength(2);
});

test('Since Last Export with binary output: each file item says which _since it answers', async () => {
	const staticData: Record<string, any> = {};
	const first = await exportAndWait(staticData, { output: 'binary' });
	expect(first.output('athenahealth').map((i) => i.json.since)).toEqual([null]);
	const mark = Object.values(marksOf(staticData)[0])[0];
	await changePatient([...sb.state.patients.keys()][6], { mobilephone: '6175550106' });
	const second = await exportAndWait(staticData, { output: 'binary' });
	const files = second.output('athenahealth');
	expect(files).toHaveLength(1);
	expect(files[0].json).toMatchObject({ type: 'Patient', count: 1, since: mark });
});

test('a failed run leaves the mark where it was; the next run sends the same _since', async () => {
	const staticData: Record<string, any> = {};
	expect((await exportAndWait(staticData)).error).toBeUndefined();
	const mark = Object.values(marksOf(staticData)[0])[0];
	await settings(sb, { bulkFail: true });
	const failed = await exportAndWait(staticData);
	expect(failed.error?.message).toMatch(/export failed/);
	expect(Object.values(marksOf(staticData)[0])).toEqual([mark]);
	const next = await exportAndWait(staticData);
	expect(next.error).toBeUndefined();
	expect((await counters(sb)).bulkKickoffSince).toEqual([null, mark, mark]);
});

test('a manual execution exports everything and keeps no mark (n8n saves static data only for production runs)', async () => {
	const staticData: Record<string, any> = {};
	const manual = await runNodes(
		creds,
		[
			{
				parameters: {
					resource: 'bulkExport',
					operation: 'exportAndWait',
					resourceTypes: ['Patient'],
					sinceLastExport: true,
					output: 'resources',
					maxWaitMinutes: 1,
				},
			},
		],
		[{}],
		{ staticData },
	);
	expect(manual.error).toBeUndefined();
	expect(ids(manual)).toEqual(allPatients());
	expect(marksOf(staticData)).toEqual([]);
});

describe.each(['404', '410'])('files that expire before they are fetched (answered %s)', (gone) => {
	beforeEach(() => settings(sb, { bulkGoneStatus: gone }));

	test('Export and Wait exports again and delivers the new files; the mark moves to the new export', async () => {
		const staticData: Record<string, any> = {};
		await settings(sb, { bulkFilesGone: 1 });
		const run = await exportAndWait(staticData);
		expect(run.error).toBeUndefined();
		expect(ids(run)).toEqual(allPatients());
		expect((await counters(sb)).bulkKickoffs).toBe(2);
		expect(Object.values(marksOf(staticData)[0])).toHaveLength(1);
	});

	test('lost twice: reported with what to do, the mark stays', async () => {
		const staticData: Record<string, any> = {};
		await settings(sb, { bulkFilesGone: 2 });
		const run = await exportAndWait(staticData);
		expect(run.error?.message).toMatch(
			new RegExp(
				`^The export file Patient-1\\.ndjson is no longer on athena's server \\(HTTP ${gone}\\)`,
			),
		);
		expect(run.error?.description).toMatch(/Start the export again/);
		expect(marksOf(staticData)).toEqual([{}]);
	});

	test('Download Files reports an expired file with what to do', async () => {
		await settings(sb, { bulkFilesGone: 1 });
		const started = await runNodes(creds, [
			{
				parameters: { resource: 'bulkExport', operation: 'start', resourceTypes: ['Patient'] },
			},
		]);
		const { statusUrl } = started.output('athenahealth')[0].json;
		await new Promise((r) => setTimeout(r, 400));
		const run = await runNodes(creds, [
			{ parameters: { resource: 'bulkExport', operation: 'downloadFiles', statusUrl } },
		]);
		expect(run.error?.message).toMatch(/is no longer on athena's server/);
		expect(run.error?.description).toMatch(/run Start again .* new status URL/);
	});
});

describe.each(['object', 'array'])('manifest extension as %s', (form) => {
	test('Get Status gives it as an object; unknown manifest fields are ignored; Export and Wait works', async () => {
		await settings(sb, { bulkManifestExtension: form });
		const started = await runNodes(creds, [
			{
				parameters: { resource: 'bulkExport', operation: 'start', resourceTypes: ['Patient'] },
			},
		]);
		const { statusUrl } = started.output('athenahealth')[0].json;
		await new Promise((r) => setTimeout(r, 400));
		const status = await runNodes(creds, [
			{ parameters: { resource: 'bulkExport', operation: 'getStatus', statusUrl } },
		]);
		const json = status.output('athenahealth')[0].json;
		expect(json.status).toBe('complete');
		expect(json.extension).toEqual({
			'https://fhir.athena.io/bulk/job': String(statusUrl).split('/').pop(),
		});
		expect(Object.keys(json)).not.toContain('organizeOutputBy');
		await runNodes(creds, [
			{ parameters: { resource: 'bulkExport', operation: 'cancel', statusUrl } },
		]);
		const run = await exportAndWait({});
		expect(run.error).toBeUndefined();
		expect(ids(run)).toEqual(allPatients());
	});
});
