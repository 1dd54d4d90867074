// Bulk Export recovery: a failed export is forgotten (and the error says so); after n8n stops
// mid-run, the next run's kick-off tells the user about the export left running and how to find it.
import '../setup/debugLogs';
import { captureLogs } from '../harness/logs';
import { runNodes, sandboxCredentials, type MemoryCredentials } from '../harness/n8n';
import { control, counters, sandbox, settings, type Sandbox } from '../harness/sandbox';

let sb: Sandbox;
let creds: MemoryCredentials;
let logLines: string[] = [];
beforeAll(async () => {
	sb = await sandbox({ patients: 20, bulkDurationMs: 300, bulkRetryAfterMs: 200 });
	creds = sandboxCredentials({ url: sb.url, enableFhir: true });
	logLines = captureLogs();
});
afterAll(() => sb.close());
beforeEach(async () => {
	await settings(sb, {
		bulkDurationMs: 300,
		bulkRetryAfterMs: 200,
		bulkFail: false,
		bulkOnePerClient: true,
	});
	await control(sb, 'POST', '/_control/reset-counters');
});

const exportAndWait = (staticData: object, p: object = {}) =>
	runNodes(
		creds,
		[
			{
				parameters: {
					resource: 'bulkExport',
					operation: 'exportAndWait',
					resourceTypes: ['Patient'],
					maxWaitMinutes: 1,
					...p,
				},
			},
		],
		[{}],
		{ staticData },
	);

test('an export athena reports as failed (500) is forgotten, the error says so, and the next run starts a new one', async () => {
	await settings(sb, { bulkFail: true });
	const staticData: Record<string, any> = {};
	const failed = await exportAndWait(staticData);
	expect(failed.error?.message).toMatch(/^athena reports that the export failed \(HTTP 500\)/);
	expect(failed.error?.description).toMatch(
		/has forgotten that export, so the next run starts a new one/,
	);
	const pending = Object.values(staticData).map((node: any) => node.pendingExports ?? {});
	for (const p of pending) expect(Object.keys(p)).toHaveLength(0);
	const next = await exportAndWait(staticData);
	expect(next.error).toBeUndefined();
	expect(next.output('athenahealth').length).toBeGreaterThan(0);
	expect((await counters(sb)).bulkKickoffs).toBe(2);
});

test('after n8n stops mid-export (static data never saved), the next run says an export is still running and how to find it', async () => {
	// athena takes 3 minutes: longer than the node waits for a Retry-After, so the orphan stays visible
	await settings(sb, { bulkDurationMs: 180_000, bulkRetryAfterMs: 1000 });
	const before = logLines.length;
	// the run is stopped while it waits (as when n8n stops); its static data is thrown away
	const stopped = await runNodes(
		creds,
		[
			{
				parameters: {
					resource: 'bulkExport',
					operation: 'exportAndWait',
					resourceTypes: ['Patient'],
					maxWaitMinutes: 1,
				},
			},
		],
		[{}],
		{ staticData: {}, cancelAfterMs: 1500 },
	);
	expect(stopped.output('athenahealth')).toHaveLength(0);
	const rerun = await exportAndWait({});
	expect(rerun.error?.message).toBe('athena is still running another export for this app');
	expect(rerun.error?.description).toMatch(
		/cannot re-attach to it\. Find its status URL in the n8n log \("bulk export started"\)/,
	);
	const logged = logLines
		.slice(before)
		.map((l) => /bulk export started, status URL (\S+)/.exec(l)?.[1])
		.find(Boolean);
	expect(logged).toMatch(/\/fhir\/r4\/bulkstatus\//);
	// the logged status URL is enough to clean up
	const cancelled = await runNodes(creds, [
		{ parameters: { resource: 'bulkExport', operation: 'cancel', statusUrl: logged } },
	]);
	expect(cancelled.error).toBeUndefined();
	expect((await counters(sb)).bulkDeletes).toBe(1);
});

test('where athena lets a second export start (the other reading), the re-run completes and the log names both exports', async () => {
	await settings(sb, { bulkDurationMs: 4000, bulkRetryAfterMs: 500, bulkOnePerClient: false });
	const before = logLines.length;
	await runNodes(
		creds,
		[
			{
				parameters: {
					resource: 'bulkExport',
					operation: 'exportAndWait',
					resourceTypes: ['Patient'],
					maxWaitMinutes: 1,
				},
			},
		],
		[{}],
		{ staticData: {}, cancelAfterMs: 1000 },
	);
	await settings(sb, { bulkDurationMs: 300, bulkRetryAfterMs: 200 });
	const rerun = await exportAndWait({});
	expect(rerun.error).toBeUndefined();
	expect(rerun.output('athenahealth').length).toBeGreaterThan(0);
	const started = logLines
		.slice(before)
		.map((l) => /bulk export started, status URL (\S+)/.exec(l)?.[1])
		.filter(Boolean);
	expect(new Set(started).size).toBe(2);
	// the interrupted one is still on athena: its logged status URL cancels it
	const cancelled = await runNodes(creds, [
		{ parameters: { resource: 'bulkExport', operation: 'cancel', statusUrl: started[0] } },
	]);
	expect(cancelled.error).toBeUndefined();
});

test('regression: with the error output chosen, a failed DELETE after the download does not mark the files delivered; the next run outputs them', async () => {
	const staticData: Record<string, any> = {};
	const production = { staticData, mode: 'trigger' as const };
	const spec = {
		parameters: {
			resource: 'bulkExport',
			operation: 'exportAndWait',
			resourceTypes: ['Patient'],
			maxWaitMinutes: 1,
		},
		onError: 'continueErrorOutput' as const,
	};
	await control(sb, 'POST', '/_control/faults', {
		method: 'DELETE',
		path: '/bulkstatus/',
		status: 500,
		count: 1,
	});
	const first = await runNodes(creds, [spec], [{}], production);
	expect(first.run.data.resultData.runData.athenahealth[0].data?.main?.[1]?.length).toBe(1); // the error output
	const second = await runNodes(creds, [spec], [{}], production);
	const files = second.output('athenahealth');
	expect(files.length).toBeGreaterThan(0);
	expect(files.every((f) => f.binary?.data)).toBe(true);
});
