// MLLPS end to end in a real n8n: the sandbox's sender feeds 1,000 messages over MLLPS to an active
// workflow (HL7 MLLP Trigger → HTTP Request into a sandbox sink) that acknowledges each one after the
// workflow finished. Midway the workflow is deactivated and reactivated through n8n's REST API; the
// sender re-sends whatever was not acknowledged AA, as athena's interface engine does. Every message
// must be stored exactly once and acknowledged AA. A second workflow whose step fails answers AE
// with the error.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import tls from 'node:tls';

import { MllpClient } from '../../mllp/nodes/Mllp/client';
import { sandbox, type Sandbox } from '../harness/sandbox';
import { freePort, n8n, waitFor } from './helpers';

// eslint-disable-next-line @typescript-eslint/no-require-imports
const { testCertificate } = require('../../sandbox/testCert');
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { sendMllp } = require('../../sandbox/mllp');

const COUNT = 1000;
const WORKFLOW = 'mllpE2eStoreMessages';
const FAILING = 'mllpE2eFailingStep';

let sb: Sandbox;
let server: { ready: Promise<void>; stop: () => Promise<void>; output: string[] } | undefined;

afterAll(async () => {
	await server?.stop();
	await sb?.close();
});

const message = (i: number) =>
	`MSH|^~\\&|ATHENANET|195900^Sandbox|N8N||20260101120000||ADT^A04|E2E${String(i).padStart(5, '0')}|P|2.5.1\rEVN|A04|20260101120000\rPID|||${5000 + i}^^^Enterprise ID||TEST^PATIENT${i}||19800101|F\r`;

/** Whether the trigger accepts an MLLPS connection now. */
const listening = (port: number, ca: string) =>
	new Promise<boolean>((resolve) => {
		const s = tls.connect({ host: '127.0.0.1', port, ca, servername: 'localhost' });
		s.once('secureConnect', () => (s.destroy(), resolve(true)));
		s.once('error', () => (s.destroy(), resolve(false)));
	});

test(
	'1,000 messages over MLLPS, each stored once and acknowledged AA, across a deactivation',
	async () => {
		sb = await sandbox({ qps: 0 });
		const cert = testCertificate('localhost');
		const bin = n8n.ensureN8n() as string;
		const userFolder = fs.mkdtempSync(path.join(os.tmpdir(), 'n8n-mllp-e2e-'));
		n8n.installPackage(userFolder, path.join(n8n.ROOT, 'mllp'));
		const mllpPort = await freePort();
		const work = fs.mkdtempSync(path.join(os.tmpdir(), 'n8n-mllp-import-'));
		fs.writeFileSync(
			path.join(work, 'credentials.json'),
			JSON.stringify([
				{
					id: 'mllpE2eTlsCred1',
					name: 'MLLPS test certificate',
					type: 'mllpTlsApi',
					data: { certificate: cert.cert, privateKey: cert.key, passphrase: '', ca: '' },
				},
			]),
		);
		const workflow = {
			id: WORKFLOW,
			name: 'MLLPS → sink',
			active: false,
			settings: { executionOrder: 'v1' },
			nodes: [
				{
					id: 'm1',
					name: 'HL7 MLLP Trigger',
					type: 'n8n-nodes-hl7-mllp.hl7MllpTrigger',
					typeVersion: 1,
					position: [0, 0],
					parameters: {
						host: '127.0.0.1',
						port: mllpPort,
						tls: true,
						ackMode: 'afterWorkflow',
						timeout: 60,
						options: { paths: false },
					},
					credentials: { mllpTlsApi: { id: 'mllpE2eTlsCred1', name: 'MLLPS test certificate' } },
				},
				{
					id: 'm2',
					name: 'Store (Sink)',
					type: 'n8n-nodes-base.httpRequest',
					typeVersion: 4.2,
					position: [240, 0],
					parameters: {
						method: 'POST',
						url: `${sb.url}/_sink/hl7-mllp`,
						sendBody: true,
						specifyBody: 'json',
						jsonBody:
							'={{ JSON.stringify({ controlId: $json.controlId, messageType: $json.messageType }) }}',
						options: {},
					},
				},
			],
			connections: {
				'HL7 MLLP Trigger': { main: [[{ node: 'Store (Sink)', type: 'main', index: 0 }]] },
			},
		};
		// plain MLLP, and a step that fails: the sandbox answers 401 to a request without a token
		const failPort = await freePort();
		const failing = {
			id: FAILING,
			name: 'MLLP → failing step',
			active: false,
			settings: { executionOrder: 'v1' },
			nodes: [
				{
					id: 'f1',
					name: 'HL7 MLLP Trigger',
					type: 'n8n-nodes-hl7-mllp.hl7MllpTrigger',
					typeVersion: 1,
					position: [0, 0],
					parameters: { host: '127.0.0.1', port: failPort, ackMode: 'afterWorkflow', timeout: 60 },
				},
				{
					id: 'f2',
					name: 'Failing Step',
					type: 'n8n-nodes-base.httpRequest',
					typeVersion: 4.2,
					position: [240, 0],
					parameters: { method: 'GET', url: `${sb.url}/no/such/path`, options: {} },
				},
			],
			connections: {
				'HL7 MLLP Trigger': { main: [[{ node: 'Failing Step', type: 'main', index: 0 }]] },
			},
		};
		fs.mkdirSync(path.join(work, 'workflows'));
		fs.writeFileSync(path.join(work, 'workflows', 'store.json'), JSON.stringify(workflow));
		fs.writeFileSync(path.join(work, 'workflows', 'failing.json'), JSON.stringify(failing));
		n8n.cli(bin, userFolder, [
			'import:credentials',
			`--input=${path.join(work, 'credentials.json')}`,
		]);
		n8n.cli(bin, userFolder, [
			'import:workflow',
			'--separate',
			`--input=${path.join(work, 'workflows')}`,
		]);
		n8n.cli(bin, userFolder, ['publish:workflow', `--id=${WORKFLOW}`]);
		n8n.cli(bin, userFolder, ['publish:workflow', `--id=${FAILING}`]);
		fs.rmSync(work, { recursive: true, force: true });

		const port = await freePort();
		// successful executions are not kept: 1,000 of them would only slow this machine down
		server = n8n.startN8n(bin, userFolder, port, { EXECUTIONS_DATA_SAVE_ON_SUCCESS: 'none' });
		await server!.ready;
		const setup = await fetch(`http://localhost:${port}/rest/owner/setup`, {
			method: 'POST',
			headers: { 'content-type': 'application/json' },
			body: JSON.stringify({
				email: 'e2e@example.org',
				firstName: 'E2E',
				lastName: 'Test',
				password: 'Passw0rd!e2e',
			}),
		});
		const cookie = /n8n-auth=[^;]+/.exec(setup.headers.get('set-cookie') ?? '')?.[0];
		if (!cookie) throw new Error(`owner setup answered ${setup.status} without a session cookie`);
		const rest = async (method: string, p: string, body?: object) => {
			const res = await fetch(`http://localhost:${port}/rest${p}`, {
				method,
				headers: { cookie, 'content-type': 'application/json' },
				body: body && JSON.stringify(body),
			});
			if (!res.ok) throw new Error(`${method} ${p} → ${res.status} ${await res.text()}`);
			return ((await res.json()) as { data: any }).data;
		};
		await waitFor(
			'the MLLPS listener',
			async () => ((await listening(mllpPort, cert.cert)) ? true : undefined),
			300000,
		);

		const stored = () =>
			(sb.state.sinks.get('hl7-mllp') ?? []) as Array<{ body: { controlId: string } }>;
		const sendStarted = Date.now();
		const sending = sendMllp({
			host: '127.0.0.1',
			port: mllpPort,
			tls: { ca: cert.cert, servername: 'localhost' },
			messages: Array.from({ length: COUNT }, (_, i) => message(i)),
			connections: 4,
			ackTimeoutMs: 60000,
			retryMs: 250,
			giveUpMs: 200000,
		});

		// deactivate once a third is stored, check the listener is gone, reactivate
		await waitFor(
			'a third of the messages stored',
			async () => (stored().length >= COUNT / 3 ? true : undefined),
			300000,
		);
		await rest('POST', `/workflows/${WORKFLOW}/deactivate`, {});
		const atDeactivation = stored().length;
		await waitFor(
			'the listener to stop',
			async () => ((await listening(mllpPort, cert.cert)) ? undefined : true),
			300000,
		);
		const { versionId } = await rest('GET', `/workflows/${WORKFLOW}`);
		await rest('POST', `/workflows/${WORKFLOW}/activate`, { versionId });

		const stats = await sending;
		const sendSeconds = (Date.now() - sendStarted) / 1000; // printed, not asserted
		const ids = stored().map((s) => s.body.controlId);
		const distinct = new Set(ids);
		process.stdout.write(
			`[mllp e2e] sent ${COUNT} messages in ${stats.sent} frames (${stats.resent} re-sent); ${stats.acked.size} acknowledged AA; ${ids.length} stored, ${distinct.size} distinct; ${atDeactivation} stored when deactivated; sender saw ${stats.errors.length} failed attempts; ${sendSeconds.toFixed(1)} s from first send to last ACK\n`,
		);
		expect(stats.acked.size).toBe(COUNT);
		expect([...stats.acked.values()].every((c: string) => c === 'AA')).toBe(true);
		expect(distinct.size).toBe(COUNT);
		expect(ids.length).toBe(COUNT);
		expect(stats.resent).toBeGreaterThan(0); // the deactivation really interrupted the feed

		// the failing workflow: its execution's error comes back as an AE
		const client = await MllpClient.connect({
			host: '127.0.0.1',
			port: failPort,
			encoding: 'utf8',
			maxBytes: 1e6,
			connectTimeoutMs: 30000,
		});
		const ack = await client.send(message(99999), 60000);
		client.close();
		const msa = ack
			.split('\r')
			.find((l) => l.startsWith('MSA|'))!
			.split('|');
		process.stdout.write(`[mllp e2e] failing workflow answered ${msa[1]}: ${msa[3]}\n`);
		expect(msa.slice(0, 3)).toEqual(['MSA', 'AE', 'E2E99999']);
		expect(msa[3]).toMatch(/^Authorization failed/); // n8n's HTTP Request error for the sandbox's 401
	},
	6 * 60 * 1000,
);
