// Durable receipt in a real n8n: 10,000 ADT messages for 200 patients over two MLLPS connections into
// a workflow whose HL7 MLLP Trigger acknowledges After Storing (journal, then AA), with PID.3.1 as the
// partition key, up to 4 executions at once and up to 50 messages per execution. n8n is killed with
// SIGKILL three times during the run and started again. The sender behaves like an interface engine:
// each connection carries its patients' messages in order and re-sends a message until it gets AA
// before sending the next. Each execution posts its messages to a sandbox sink, then posts that it
// is done (the two posts bound the execution in time).
// Required: every acknowledged message delivered at least once (0 lost); a re-sent message whose
// first copy had been stored (its ACK was lost in a kill) stored only once; each patient's messages
// first delivered in sequence order; at least two executions in flight at once. Printed: counts.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import tls from 'node:tls';

import { sandbox, type Sandbox } from '../harness/sandbox';
import { freePort, n8n, waitFor } from './helpers';

// eslint-disable-next-line @typescript-eslint/no-require-imports
const { testCertificate } = require('../../sandbox/testCert');
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { sendMllp } = require('../../sandbox/mllp');

const COUNT = 10000;
const PATIENTS = 200;
const KILLS = 3;
const WORKFLOW = 'mllpDurableCrash';
const ACK_MODE = 'afterStoring';
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

const patientOf = (i: number) => i % PATIENTS;
const seqOf = (i: number) => Math.floor(i / PATIENTS) + 1;
const controlOf = (i: number) =>
	`D${String(patientOf(i)).padStart(3, '0')}-${String(seqOf(i)).padStart(3, '0')}`;
const message = (i: number) =>
	`MSH|^~\\&|ATHENANET|195900^Sandbox|N8N||20260101120000||ADT^A08|${controlOf(i)}|P|2.5.1\rEVN|A08|20260101120000\rPID|||${7000 + patientOf(i)}^^^Enterprise ID||TEST^PATIENT${patientOf(i)}||19800101|F\r`;

/** Whether the trigger accepts an MLLPS connection now. */
const listening = (port: number, ca: string) =>
	new Promise<boolean>((resolve) => {
		const s = tls.connect({ host: '127.0.0.1', port, ca, servername: 'localhost' });
		s.once('secureConnect', () => (s.destroy(), resolve(true)));
		s.once('error', () => (s.destroy(), resolve(false)));
	});

function workflow(sandboxUrl: string, mllpPort: number) {
	return {
		id: WORKFLOW,
		name: 'MLLPS after storing → sink',
		active: false,
		settings: { executionOrder: 'v1' },
		nodes: [
			{
				id: 'd1',
				name: 'HL7 MLLP Trigger',
				type: 'n8n-nodes-hl7-mllp.hl7MllpTrigger',
				typeVersion: 1,
				position: [0, 0],
				parameters: {
					host: '127.0.0.1',
					port: mllpPort,
					tls: true,
					ackMode: ACK_MODE,
					timeout: 60,
					options: {
						paths: false,
						partitionKey: 'PID.3.1',
						parallelExecutions: 4,
						batchSize: 50,
						batchWaitMs: 50,
					},
				},
				credentials: { mllpTlsApi: { id: 'mllpDurableTls1', name: 'MLLPS test certificate' } },
			},
			{
				id: 'd2',
				name: 'Record',
				type: 'n8n-nodes-base.httpRequest',
				typeVersion: 4.2,
				position: [240, 0],
				executeOnce: true,
				parameters: {
					method: 'POST',
					url: `${sandboxUrl}/_sink/hl7-durable`,
					sendBody: true,
					specifyBody: 'json',
					// one post per execution with all its messages: control id, patient (PID-3.1), journal
					// sequence and when the listener received it
					jsonBody:
						"={{ JSON.stringify({ execution: $execution.id, items: $input.all().map((i) => ({ c: i.json.controlId, p: i.json.message.split('\\r').find((l) => l.startsWith('PID|')).split('|')[3].split('^')[0], j: i.json.journalSeq, r: i.json.receivedAt })) }) }}",
					options: {},
				},
			},
			{
				id: 'd3',
				name: 'Done',
				type: 'n8n-nodes-base.httpRequest',
				typeVersion: 4.2,
				position: [480, 0],
				executeOnce: true,
				parameters: {
					method: 'POST',
					url: `${sandboxUrl}/_sink/hl7-durable-done`,
					sendBody: true,
					specifyBody: 'json',
					jsonBody: '={{ JSON.stringify({ execution: $execution.id }) }}',
					options: {},
				},
			},
		],
		connections: {
			'HL7 MLLP Trigger': { main: [[{ node: 'Record', type: 'main', index: 0 }]] },
			Record: { main: [[{ node: 'Done', type: 'main', index: 0 }]] },
		},
	};
}

let sb: Sandbox;
let server: ReturnType<typeof n8n.startN8n> | undefined;
let userFolder: string | undefined;
const kill = () => {
	try {
		process.kill(-server!.child.pid, 'SIGKILL');
	} catch {
		server?.child.kill('SIGKILL');
	}
};
afterAll(async () => {
	if (server && server.child.exitCode === null) await server.stop();
	await sb?.close();
	n8n.removeFolder(userFolder);
});

test(
	`${COUNT} messages over two MLLPS connections, After Storing, partition key PID.3.1, ${KILLS} SIGKILLs: none lost, re-sends recognised, each patient in order, executions overlap`,
	async () => {
		const started = Date.now();
		sb = await sandbox({ qps: 0 });
		const cert = testCertificate('localhost');
		const bin = n8n.ensureN8n() as string;
		userFolder = fs.mkdtempSync(path.join(os.tmpdir(), 'n8n-mllp-durable-'));
		n8n.installPackage(userFolder, path.join(n8n.ROOT, 'mllp'));
		const mllpPort = await freePort();
		const work = fs.mkdtempSync(path.join(os.tmpdir(), 'n8n-mllp-durable-import-'));
		fs.writeFileSync(
			path.join(work, 'credentials.json'),
			JSON.stringify([
				{
					id: 'mllpDurableTls1',
					name: 'MLLPS test certificate',
					type: 'mllpTlsApi',
					data: { certificate: cert.cert, privateKey: cert.key, passphrase: '', ca: '' },
				},
			]),
		);
		fs.writeFileSync(path.join(work, 'workflow.json'), JSON.stringify(workflow(sb.url, mllpPort)));
		n8n.cli(bin, userFolder, [
			'import:credentials',
			`--input=${path.join(work, 'credentials.json')}`,
		]);
		n8n.cli(bin, userFolder, ['import:workflow', `--input=${path.join(work, 'workflow.json')}`]);
		n8n.cli(bin, userFolder, ['publish:workflow', `--id=${WORKFLOW}`]);
		fs.rmSync(work, { recursive: true, force: true });

		// a fresh HTTP port (and task broker port) for each start; the MLLPS port is the workflow's
		const start = async () => {
			server = n8n.startN8n(bin, userFolder, await freePort(), {
				EXECUTIONS_DATA_SAVE_ON_SUCCESS: 'none',
			});
			await server!.ready;
		};
		await start();
		await waitFor(
			'the MLLPS listener',
			async () => ((await listening(mllpPort, cert.cert)) ? true : undefined),
			300000,
		);

		// each connection carries half the patients, each patient's messages in sequence order
		let acked = 0;
		const sendStarted = Date.now();
		const sending = [0, 1].map((half) =>
			sendMllp({
				host: '127.0.0.1',
				port: mllpPort,
				tls: { ca: cert.cert, servername: 'localhost' },
				messages: Array.from({ length: COUNT }, (_, i) => i)
					.filter((i) => patientOf(i) % 2 === half)
					.map(message),
				connections: 1,
				ordered: true,
				ackTimeoutMs: 60000,
				retryMs: 100,
				giveUpMs: 10 * 60 * 1000,
				onAck: () => acked++,
			}),
		);

		// kills at a quarter, half and three quarters of the messages acknowledged
		const kills: number[] = [];
		const ackedAtKill: number[] = [];
		for (let k = 1; k <= KILLS; k++) {
			await waitFor(
				`${k}/${KILLS + 1} of the messages acknowledged`,
				async () => (acked >= (COUNT * k) / (KILLS + 1) ? true : undefined),
				300000,
			).catch((e) => {
				throw new Error(`${e.message}; n8n said:\n${server!.output.join('').slice(-3000)}`);
			});
			kills.push(Date.now());
			ackedAtKill.push(acked);
			kill();
			await sleep(300);
			await start();
		}
		const stats = await Promise.all(sending);
		const ackSeconds = (Date.now() - sendStarted) / 1000;
		const acks = new Map<string, string>(stats.flatMap((s: any) => [...s.acked.entries()]));
		const attempts = new Map<string, number[]>(
			stats.flatMap((s: any) => [...s.attempts.entries()]),
		);

		type Item = { c: string; p: string; j?: number; r: string };
		const records = () =>
			(sb.state.sinks.get('hl7-durable') ?? []) as Array<{
				receivedAt: string;
				body: { execution: string; items: Item[] };
			}>;
		const delivered = () => new Set(records().flatMap((r) => r.body.items.map((i) => i.c)));
		await waitFor(
			'every acknowledged message delivered',
			async () => {
				const got = delivered();
				return [...acks.keys()].every((c) => got.has(c)) ? true : undefined;
			},
			300000,
		).catch(() => undefined); // counted below
		await sleep(3000); // executions still running finish
		const seconds = (Date.now() - started) / 1000;

		const posts = records();
		const deliveries = posts.flatMap((r) => r.body.items.map((i) => ({ ...i, at: r.receivedAt })));
		const byControl = new Map<string, typeof deliveries>();
		for (const d of deliveries) byControl.set(d.c, [...(byControl.get(d.c) ?? []), d]);
		const lost = [...acks.keys()].filter((c) => !byControl.has(c));
		const duplicatesDelivered = deliveries.length - byControl.size;

		// a message re-sent after its first copy was stored (the listener received it before the last
		// attempt was written): the re-send must be recognised, i.e. not stored as a second message
		const lateResends: string[] = [];
		const storedTwice: string[] = [];
		for (const [c, times] of attempts) {
			const got = byControl.get(c);
			if (times.length < 2 || !got) continue;
			// the journal's sequence number, or (without a journal) when the listener received it
			const journal = new Set(got.map((d) => d.j ?? d.r));
			if (journal.size > 1) storedTwice.push(c);
			else if (Date.parse(got[0].r) < times[times.length - 1]) lateResends.push(c);
		}
		const resentMessages = [...attempts.values()].filter((t) => t.length > 1).length;

		// each patient's messages in sequence order, by first delivery
		const firstOrder = new Map<string, number[]>();
		const seen = new Set<string>();
		for (const d of deliveries) {
			if (seen.has(d.c)) continue;
			seen.add(d.c);
			const [patient, seq] = d.c.slice(1).split('-').map(Number);
			if (d.p !== String(7000 + patient)) throw new Error(`${d.c} delivered as patient ${d.p}`);
			firstOrder.set(d.p, [...(firstOrder.get(d.p) ?? []), seq]);
		}
		const outOfOrder = [...firstOrder.entries()].filter(([, seqs]) =>
			seqs.some((s, i) => i > 0 && s <= seqs[i - 1]),
		);

		// executions in flight at once: from an execution's first post to its done post (execution ids
		// are qualified by the n8n run they belong to, between kills)
		const run = (at: string) => kills.filter((k) => k < Date.parse(at)).length;
		const spans = new Map<string, { from: number; to?: number }>();
		for (const r of posts) {
			const key = `${run(r.receivedAt)}:${r.body.execution}`;
			if (!spans.has(key)) spans.set(key, { from: Date.parse(r.receivedAt) });
		}
		for (const r of (sb.state.sinks.get('hl7-durable-done') ?? []) as any[]) {
			const span = spans.get(`${run(r.receivedAt)}:${r.body.execution}`);
			if (span) span.to = Date.parse(r.receivedAt);
		}
		const events = [...spans.values()]
			.filter((s) => s.to !== undefined)
			.flatMap((s) => [
				[s.from, 1],
				[s.to!, -1],
			])
			.sort((a, b) => a[0] - b[0] || a[1] - b[1]);
		let inFlight = 0;
		let maxInFlight = 0;
		for (const [, delta] of events) maxInFlight = Math.max(maxInFlight, (inFlight += delta));

		process.stdout.write(
			`[mllp durable] acknowledged ${acks.size}, delivered ${byControl.size} (${deliveries.length} deliveries in ${spans.size} executions), lost ${lost.length}, duplicates delivered ${duplicatesDelivered}, re-sends recognised ${lateResends.length} (of ${resentMessages} messages re-sent; ${storedTwice.length} stored twice), ${seconds.toFixed(1)} s\n`,
		);
		process.stdout.write(
			`[mllp durable] ${ACK_MODE}; kills after ${ackedAtKill.join(', ')} ACKs; last ACK after ${ackSeconds.toFixed(1)} s of sending; patients out of order ${outOfOrder.length}; at most ${maxInFlight} executions in flight at once\n`,
		);
		expect(acks.size).toBe(COUNT);
		expect([...acks.values()].every((code) => code === 'AA')).toBe(true);
		expect(lost).toEqual([]);
		expect(storedTwice).toEqual([]);
		expect(outOfOrder.map(([p, seqs]) => `${p}: ${seqs.join(',')}`)).toEqual([]);
		expect(firstOrder.size).toBe(PATIENTS);
		expect(maxInFlight).toBeGreaterThanOrEqual(2);
		expect(kills.length).toBe(KILLS);
	},
	15 * 60 * 1000,
);
