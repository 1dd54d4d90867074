// Bulk Export in each of n8n's binary data modes (N8N_DEFAULT_BINARY_DATA_MODE), in real n8n: the
// files stream into n8n's binary store, a later node reads them back, and a run interrupted by a
// failed file is resumed by the next one with the finished files taken from the binary store, not
// fetched from athena again (docs/bulk-export.md#binary-data-modes). n8n 3.0 removes the in-memory
// `default` mode; `filesystem` (n8n 2.x's default in regular mode) and `database` (its default in
// queue mode) are what remain here besides S3.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

import { control, counters, fault, sandbox, settings, type Sandbox } from '../harness/sandbox';
import { n8n } from './helpers';

const PATIENTS = 40;
const WORKFLOW_ID = 'athenaBinaryModes1';

function workflow() {
	return {
		id: WORKFLOW_ID,
		name: 'athena bulk export, binary data modes',
		active: false,
		nodes: [
			{
				id: 'b1',
				name: 'Start',
				type: 'n8n-nodes-base.manualTrigger',
				typeVersion: 1,
				position: [0, 0],
				parameters: {},
			},
			{
				id: 'b2',
				name: 'Export',
				type: 'n8n-nodes-athenahealth.athenahealth',
				typeVersion: 1,
				position: [220, 0],
				parameters: {
					resource: 'bulkExport',
					operation: 'exportAndWait',
					resourceTypes: ['Patient'],
					maxWaitMinutes: 10,
					output: 'binary',
					binaryPropertyName: 'data',
					deleteWhenDone: true,
				},
				credentials: {
					athenahealthOAuth2Api: { id: 'athenaSandboxCred1', name: 'athena sandbox' },
				},
			},
			{
				id: 'b3',
				name: 'Read Back',
				type: 'n8n-nodes-base.extractFromFile',
				typeVersion: 1,
				position: [440, 0],
				parameters: { operation: 'text', binaryPropertyName: 'data', options: {} },
			},
		],
		connections: {
			Start: { main: [[{ node: 'Export', type: 'main', index: 0 }]] },
			Export: { main: [[{ node: 'Read Back', type: 'main', index: 0 }]] },
		},
		settings: { executionOrder: 'v1' },
		pinData: {},
	};
}

const itemsOf = (run: any, node: string) =>
	(run.data.resultData.runData[node]?.[0]?.data?.main?.[0] ?? []).map((i: any) => i.json);

let sb: Sandbox;
const folders: string[] = [];
beforeAll(async () => {
	sb = await sandbox({
		patients: PATIENTS,
		booked: 10,
		openSlots: 10,
		bulkDurationMs: 300,
		bulkRetryAfterMs: 200,
	});
});
afterAll(async () => {
	await sb?.close();
	for (const f of folders) n8n.removeFolder(f);
});

describe.each(['filesystem', 'database'])('binary data mode %s', (mode) => {
	test(
		'Export and Wait streams the files into the store, a later node reads them back, and an interrupted run is resumed from the store',
		async () => {
			const bin = n8n.ensureN8n() as string;
			const env = { N8N_DEFAULT_BINARY_DATA_MODE: mode };
			const userFolder = fs.mkdtempSync(path.join(os.tmpdir(), 'n8n-athena-binary-'));
			folders.push(userFolder);
			n8n.installPackage(userFolder);
			n8n.importWorkflows(bin, userFolder, sb.url, [workflow()], { extra: env });
			await control(sb, 'DELETE', '/_control/faults');
			await settings(sb, { bulkResourcesPerFile: 10 }); // Patient-1 … Patient-4
			const before = (await counters(sb)).bulkFiles ?? {};
			await fault(sb, {
				path: 'Patient-3\\.ndjson',
				status: 404,
				body: {
					resourceType: 'OperationOutcome',
					issue: [{ severity: 'error', code: 'not-found', diagnostics: 'storage hiccup' }],
				},
			});

			const first = await n8n.execute(bin, userFolder, WORKFLOW_ID, undefined, env);
			expect(JSON.stringify(first.run.data.resultData.error ?? '')).toMatch(/storage hiccup/);

			const second = await n8n.execute(bin, userFolder, WORKFLOW_ID, undefined, env);
			expect(second.run.data.resultData.error).toBeUndefined();
			const files = itemsOf(second.run, 'Export');
			const texts = itemsOf(second.run, 'Read Back').map((j: any) => String(j.data));
			const after = (await counters(sb)).bulkFiles ?? {};
			const fetched = Object.fromEntries(
				Object.entries(after).map(([f, n]) => [f, (n as number) - ((before as any)[f] ?? 0)]),
			);
			const ids = texts.flatMap((t: string) =>
				t
					.trim()
					.split('\n')
					.map((l) => JSON.parse(l).id),
			);
			process.stdout.write(
				`[binary ${mode}] second run: ${files.map((f: any) => `${f.fileName}${f.resumed ? ' (from the store)' : ''}`).join(', ')}; read back ${ids.length} resources; file requests per file ${JSON.stringify(fetched)}\n`,
			);
			expect(files.map((f: any) => [f.fileName, f.resumed])).toEqual([
				['Patient-1.ndjson', true],
				['Patient-2.ndjson', true],
				['Patient-3.ndjson', false],
				['Patient-4.ndjson', false],
			]);
			expect(new Set(ids).size).toBe(PATIENTS);
			expect(ids).toHaveLength(PATIENTS);
			// Patient-1 and -2 fetched once (first run), -3 twice (failed, then fetched), -4 once
			expect(fetched).toEqual({ 'Patient-1': 1, 'Patient-2': 1, 'Patient-3': 1, 'Patient-4': 1 });
		},
		15 * 60 * 1000,
	);
});
