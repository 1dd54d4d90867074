// The built MLLP package as n8n's loader sees it, and MLLP Send run by n8n's engine against the
// sandbox's MLLP(S) receiver: AA returns the parsed ACK; AE/AR and a missing ACK are errors with the ACK's text.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import net from 'node:net';
import path from 'node:path';

import { PackageDirectoryLoader } from 'n8n-core';

import { verdictOf } from '../../mllp/nodes/Mllp/Hl7MllpTrigger.node';
import { openJournal } from '../../mllp/nodes/Mllp/journal';
import { extraNodeTypes, MemoryCredentials, ROOT, runNodes } from '../harness/n8n';

// eslint-disable-next-line @typescript-eslint/no-require-imports
const { startMllpReceiver } = require('../../sandbox/mllp');
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { testCertificate } = require('../../sandbox/testCert');

const DIR = path.join(ROOT, 'mllp');
const pkg = JSON.parse(readFileSync(path.join(DIR, 'package.json'), 'utf8'));
const message = (id: string) =>
	`MSH|^~\\&|N8N||ATHENA||20240101120000||ADT^A04|${id}|P|2.5.1\rPID|1||${id}\r`;

let loader: PackageDirectoryLoader;
beforeAll(async () => {
	loader = new PackageDirectoryLoader(DIR);
	await loader.loadAll();
	extraNodeTypes['n8n-nodes-hl7-mllp.mllpSend'] = loader.nodeTypes.mllpSend.type;
	extraNodeTypes['n8n-nodes-hl7-mllp.hl7MllpReprocess'] = loader.nodeTypes.hl7MllpReprocess.type;
});

test('the package: community keyword, no runtime dependencies, optional peer, loads in n8n', () => {
	expect(pkg.name).toBe('n8n-nodes-hl7-mllp');
	expect(pkg.keywords).toContain('n8n-community-node-package');
	expect(pkg.dependencies ?? {}).toEqual({});
	expect(pkg.peerDependencies).toEqual({ 'n8n-workflow': '*' });
	expect(pkg.peerDependenciesMeta).toEqual({ 'n8n-workflow': { optional: true } });
	expect(loader.packageName).toBe('n8n-nodes-hl7-mllp');
	expect(Object.keys(loader.nodeTypes).sort()).toEqual([
		'hl7MllpReprocess',
		'hl7MllpTrigger',
		'mllpSend',
	]);
	expect(Object.keys(loader.credentialTypes)).toEqual(['mllpTlsApi']);
	for (const node of loader.types.nodes)
		expect(node.iconUrl).toEqual({
			light: expect.stringMatching(/mllp\.svg$/),
			dark: expect.stringMatching(/mllp\.dark\.svg$/),
		});
	// the codec is compiled in, never required from the athenahealth package
	const built = readFileSync(path.join(DIR, 'dist/nodes/Mllp/server.js'), 'utf8');
	expect(built).not.toMatch(/n8n-nodes-athenahealth/);
	expect(built).toMatch(/require\("\.\.\/hl7\/codec"\)/);
});

test("the trigger's verdict: AA for a finished run, AE with the error for a failed one", () => {
	expect(verdictOf({ status: 'success', data: { resultData: { runData: {} } } } as never)).toEqual({
		code: 'AA',
	});
	expect(
		verdictOf({
			status: 'error',
			data: { resultData: { runData: {}, error: { message: 'sink refused' } } },
		} as never),
	).toEqual({ code: 'AE', text: 'sink refused' });
});

const send = (port: number, p: object = {}, creds = new MemoryCredentials({})) =>
	runNodes(
		creds,
		[
			{
				name: 'MLLP Send',
				type: 'n8n-nodes-hl7-mllp.mllpSend',
				credentials: false,
				parameters: { host: '127.0.0.1', port, message: '={{ $json.message }}', timeout: 5, ...p },
			},
		],
		[{ message: message('S1') }, { message: message('S2') }],
	);

test('AA: each item gets its parsed ACK, over one connection', async () => {
	const rx = await startMllpReceiver();
	try {
		const { output, error } = await send(rx.port);
		expect(error).toBeUndefined();
		expect(output('MLLP Send').map((i) => i.json)).toMatchObject([
			{ code: 'AA', controlId: 'S1', paths: { 'MSA.2': 'S1' } },
			{ code: 'AA', controlId: 'S2', paths: { 'MSA.2': 'S2' } },
		]);
		expect(rx.received).toHaveLength(2);
	} finally {
		await rx.close();
	}
});

test('AE and AR are errors carrying the ACK text; continue on fail keeps going', async () => {
	const rx = await startMllpReceiver({ answer: (t: string) => (t.includes('|S1|') ? 'AE' : 'AR') });
	try {
		const { error } = await send(rx.port);
		expect(error?.message).toMatch(/answered AE: rejected by the sandbox/);
		const kept = await runNodes(
			new MemoryCredentials({}),
			[
				{
					name: 'MLLP Send',
					type: 'n8n-nodes-hl7-mllp.mllpSend',
					credentials: false,
					onError: 'continueRegularOutput',
					parameters: { host: '127.0.0.1', port: rx.port, timeout: 5 },
				},
			],
			[{ message: message('S1') }, { message: message('S2') }],
		);
		expect(kept.output('MLLP Send').map((i) => i.json.error)).toEqual([
			expect.stringMatching(/answered AE/),
			expect.stringMatching(/answered AR/),
		]);
	} finally {
		await rx.close();
	}
});

test("an ACK for another message is an error (Mirth's response validation checks MSA-2, docs/development.md#mllp-engines)", async () => {
	const server = net.createServer((s) =>
		s.on('data', () =>
			s.write(
				Buffer.from('\x0bMSH|^~\\&|R||S||20240101||ACK|A1|P|2.5.1\rMSA|AA|SOMETHING-ELSE\r\x1c\r'),
			),
		),
	);
	await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
	try {
		const { error } = await send((server.address() as net.AddressInfo).port);
		expect(error?.message).toMatch(/acknowledged message "SOMETHING-ELSE" instead of "S1"/);
	} finally {
		server.close();
	}
});

test('no ACK within the timeout is an error', async () => {
	const rx = await startMllpReceiver({ answer: () => undefined });
	try {
		const { error } = await send(rx.port, { timeout: 1 });
		expect(error?.message).toMatch(/No acknowledgment within 1 s/);
	} finally {
		await rx.close();
	}
});

test('MLLPS: the credential CA trusts the sandbox receiver', async () => {
	const cert = testCertificate('localhost');
	const rx = await startMllpReceiver({ tls: cert });
	try {
		const creds = new MemoryCredentials(
			{},
			{ mllpTlsApi: { certificate: '', privateKey: '', passphrase: '', ca: cert.cert } },
		);
		const ok = await runNodes(
			creds,
			[
				{
					name: 'MLLP Send',
					type: 'n8n-nodes-hl7-mllp.mllpSend',
					nodeCredentials: { mllpTlsApi: { id: 'c1', name: 'tls' } },
					parameters: {
						host: '127.0.0.1',
						port: rx.port,
						tls: true,
						timeout: 5,
						options: { servername: 'localhost' },
					},
				},
			],
			[{ message: message('T1') }],
		);
		expect(ok.error).toBeUndefined();
		expect(ok.output('MLLP Send')[0].json).toMatchObject({ code: 'AA', controlId: 'T1' });
		const untrusted = await send(rx.port, { tls: true });
		expect(untrusted.error?.message).toMatch(/certificate/);
	} finally {
		await rx.close();
	}
});

test('HL7 MLLP Reprocess: stored messages by control ID or time range, one item each as the trigger gives them', async () => {
	const dir = mkdtempSync(path.join(os.tmpdir(), 'mllp-reprocess-'));
	try {
		const j = await openJournal(dir, { pruneEveryMs: 0 });
		const t0 = Date.now() - 3600000;
		for (let i = 0; i < 3; i++)
			await j.append({
				receivedAt: new Date(t0 + i * 60000).toISOString(),
				controlId: `J${i}`,
				sendingApplication: 'N8N',
				sendingFacility: 'ATHENA',
				peer: '127.0.0.1',
				message: message(`J${i}`),
			});
		j.markDelivered(1);
		await j.close();
		const run = (p: object) =>
			runNodes(
				new MemoryCredentials({}),
				[
					{
						name: 'Reprocess',
						type: 'n8n-nodes-hl7-mllp.hl7MllpReprocess',
						credentials: false,
						parameters: { journalFolder: dir, ...p },
					},
				],
				[{}],
			);
		const byId = await run({ controlIds: 'J0, J2' });
		expect(byId.error).toBeUndefined();
		expect(byId.output('Reprocess').map((i) => i.json)).toMatchObject([
			{
				controlId: 'J0',
				delivered: true,
				journalSeq: 1,
				messageType: 'ADT^A04',
				paths: { 'PID.3': 'J0' },
			},
			{ controlId: 'J2', delivered: false, journalSeq: 3 },
		]);
		const range = await run({
			from: new Date(t0 + 30000).toISOString(),
			to: new Date(t0 + 90000).toISOString(),
		});
		expect(range.output('Reprocess').map((i) => i.json.controlId)).toEqual(['J1']);
		const undelivered = await run({ onlyUndelivered: true, paths: false });
		expect(undelivered.output('Reprocess').map((i) => i.json.controlId)).toEqual(['J1', 'J2']);
		expect(undelivered.output('Reprocess')[0].json.paths).toBeUndefined();
	} finally {
		rmSync(dir, { recursive: true, force: true });
	}
});
