// The HL7 MLLP Trigger over real sockets with n8n's trigger context stood in for (emit and the
// execution's done promise are ours): After Storing (store, ACK, deliver, mark delivered, hand over
// again after a restart), duplicates, batches, per-key order while executions overlap, and
// back-pressure that pauses the senders rather than dropping anything.
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';

import type { IRun } from 'n8n-workflow';

import { Hl7MllpTrigger } from '../../mllp/nodes/Mllp/Hl7MllpTrigger.node';
import { MllpClient } from '../../mllp/nodes/Mllp/client';
import { readJournal } from '../../mllp/nodes/Mllp/journal';

const msg = (id: string, patient = id, app = 'SND') =>
	`MSH|^~\\&|${app}|FAC|RCV|FAC|20240101120000||ADT^A08|${id}|P|2.5.1\rPID|1||${patient}^^^MRN||DOE^RICHARD\r`;
const msa = (ack: string) =>
	ack
		.split('\r')
		.find((l) => l.startsWith('MSA'))
		?.split('|')
		.slice(1, 3)
		.join(':');

const ok: IRun = { status: 'success', data: { resultData: { runData: {} } } } as never;

interface Execution {
	items: Array<{ json: Record<string, unknown> }>;
	diagnostics: Array<{ json: Record<string, unknown> }>;
	done?: { resolve(run: IRun): void; reject(e: Error): void };
}

async function freePort(): Promise<number> {
	const s = net.createServer();
	await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
	const port = (s.address() as net.AddressInfo).port;
	await new Promise((r) => s.close(r));
	return port;
}

const dirs: string[] = [];
const closers: Array<() => Promise<void>> = [];
const clients: MllpClient[] = [];
afterEach(async () => {
	clients.splice(0).forEach((c) => c.close());
	for (const c of closers.splice(0)) await c();
	for (const d of dirs.splice(0)) fs.rmSync(d, { recursive: true, force: true });
});
const tmp = () => {
	const d = fs.mkdtempSync(path.join(os.tmpdir(), 'mllp-trigger-'));
	dirs.push(d);
	return d;
};

/**
 * Starts the trigger; `finish` decides when each execution's done promise resolves (default: at
 * once, successfully).
 */
async function start(
	params: Record<string, unknown>,
	finish: (e: Execution) => void = (e) => e.done?.resolve(ok),
) {
	const port = await freePort();
	const executions: Execution[] = [];
	const logs: string[] = [];
	const all = { host: '127.0.0.1', port, tls: false, timeout: 10, ...params };
	const ctx = {
		getNodeParameter: (name: string, fallback: unknown) =>
			name in all ? all[name as keyof typeof all] : fallback,
		getMode: () => 'trigger',
		getCredentials: async () => ({}),
		getNode: () => ({ id: 'node-1', name: 'HL7 MLLP Trigger' }),
		getWorkflow: () => ({ id: 'wf-1' }),
		logger: {
			warn: (m: string) => logs.push(m),
			info: (m: string) => logs.push(m),
			debug: () => {},
			error: (m: string) => logs.push(m),
		},
		emit: (data: Execution['items'][], _response?: unknown, done?: Execution['done']) => {
			const e = { items: data[0], diagnostics: data[1] ?? [], done };
			executions.push(e);
			finish(e);
		},
	};
	const response = await new Hl7MllpTrigger().trigger.call(ctx as never);
	let closed = false;
	const close = async () => {
		if (closed) return;
		closed = true;
		await response.closeFunction!();
	};
	closers.push(close);
	const connect = async () => {
		const c = await MllpClient.connect({
			host: '127.0.0.1',
			port,
			encoding: 'utf8',
			maxBytes: 1e6,
			connectTimeoutMs: 2000,
		});
		clients.push(c);
		return c;
	};
	const delivered = () =>
		executions.filter((e) => e.items.length).flatMap((e) => e.items.map((i) => i.json));
	return { port, executions, logs, close, connect, delivered };
}

const until = async (check: () => boolean, ms = 5000) => {
	const end = Date.now() + ms;
	while (!check()) {
		if (Date.now() > end) throw new Error('condition not met in time');
		await new Promise((r) => setTimeout(r, 5));
	}
};

describe('After Storing', () => {
	test('stored, acknowledged AA, delivered once; the journal marks each delivered', async () => {
		const dir = tmp();
		const t = await start({ ackMode: 'afterStoring', options: { journalFolder: dir } });
		const c = await t.connect();
		for (let i = 0; i < 20; i++) expect(msa(await c.send(msg(`A${i}`), 5000))).toBe(`AA:A${i}`);
		await until(() => t.delivered().length === 20);
		expect(t.delivered().map((j) => j.controlId)).toEqual(
			Array.from({ length: 20 }, (_, i) => `A${i}`),
		);
		expect(t.delivered()[0]).toMatchObject({
			journalSeq: 1,
			duplicate: false,
			sendingApplication: 'SND',
		});
		// the path map is there when the item is read (built lazily, off the ACK path)
		expect(JSON.parse(JSON.stringify(t.delivered()[3])).paths).toMatchObject({
			'PID.3.1': 'A3',
			'MSH.10': 'A3',
		});
		await t.close();
		const stored = await readJournal(dir);
		expect(stored).toHaveLength(20);
		expect(stored.every((r) => r.delivered)).toBe(true);
	});

	test('a restart hands over again what was acknowledged but whose execution never finished', async () => {
		const dir = tmp();
		// executions never finish: as if n8n died while they ran
		const first = await start(
			{ ackMode: 'afterStoring', options: { journalFolder: dir } },
			() => {},
		);
		const c = await first.connect();
		for (let i = 0; i < 5; i++) expect(msa(await c.send(msg(`B${i}`), 5000))).toBe(`AA:B${i}`);
		await until(() => first.executions.length === 1); // one at a time without a partition key
		c.close();
		await first.close();
		const again = await start({ ackMode: 'afterStoring', options: { journalFolder: dir } });
		await until(() => again.delivered().length === 5);
		expect(again.delivered().map((j) => j.controlId)).toEqual(['B0', 'B1', 'B2', 'B3', 'B4']);
		expect(again.logs.join('\n')).toMatch(/handing over 5 stored messages/);
		await again.close();
		expect((await readJournal(dir)).every((r) => r.delivered)).toBe(true);
	});

	test('a failed execution counts as delivered and is reported on the diagnostics output', async () => {
		const dir = tmp();
		const t = await start(
			{ ackMode: 'afterStoring', options: { journalFolder: dir, diagnosticsOutput: true } },
			(e) =>
				e.done?.resolve({
					status: 'error',
					data: { resultData: { runData: {}, error: { message: 'sink down' } } },
				} as never),
		);
		const c = await t.connect();
		expect(msa(await c.send(msg('F1'), 5000))).toBe('AA:F1');
		await until(() => t.executions.some((e) => e.diagnostics.length));
		const d = t.executions.find((e) => e.diagnostics.length)!.diagnostics[0].json;
		expect(d).toMatchObject({ reason: 'execution failed', controlId: 'F1' });
		expect(JSON.stringify(d)).not.toMatch(/DOE/);
		await t.close();
		expect((await readJournal(dir))[0].delivered).toBe(true);
	});
});

describe('duplicates', () => {
	test('After Storing: a re-send gets the earlier ACK and is not handed over again, also after a restart', async () => {
		const dir = tmp();
		const t = await start({
			ackMode: 'afterStoring',
			options: { journalFolder: dir, diagnosticsOutput: true },
		});
		const c = await t.connect();
		expect(msa(await c.send(msg('D1'), 5000))).toBe('AA:D1');
		expect(msa(await c.send(msg('D1'), 5000))).toBe('AA:D1');
		// another sending application with the same control id is another message
		expect(msa(await c.send(msg('D1', 'D1', 'OTHER'), 5000))).toBe('AA:D1');
		await until(() => t.delivered().length === 2);
		await until(() => t.executions.some((e) => e.diagnostics.length));
		expect(t.executions.flatMap((e) => e.diagnostics.map((i) => i.json.reason))).toEqual([
			'duplicate',
		]);
		await t.close();
		const again = await start({
			ackMode: 'afterStoring',
			options: { journalFolder: dir, duplicateAnswer: 'reject' },
		});
		const c2 = await again.connect();
		const ack = await c2.send(msg('D1'), 5000);
		expect(msa(ack)).toBe('AR:D1');
		expect(ack).toMatch(/Duplicate/);
		await new Promise((r) => setTimeout(r, 100));
		expect(again.delivered()).toHaveLength(0);
		expect(await readJournal(dir)).toHaveLength(2);
	});

	test('After the Workflow Finishes: a re-send of an acknowledged message is answered AA without an execution; a failed one runs again', async () => {
		let fail = true;
		const t = await start({ ackMode: 'afterWorkflow' }, (e) => {
			const failing = fail && e.items.some((i) => i.json.controlId === 'W2');
			e.done?.resolve(
				failing
					? ({
							status: 'error',
							data: { resultData: { runData: {}, error: { message: 'no' } } },
						} as never)
					: ok,
			);
		});
		const c = await t.connect();
		expect(msa(await c.send(msg('W1'), 5000))).toBe('AA:W1');
		expect(msa(await c.send(msg('W1'), 5000))).toBe('AA:W1');
		expect(msa(await c.send(msg('W2'), 5000))).toBe('AE:W2');
		fail = false;
		expect(msa(await c.send(msg('W2'), 5000))).toBe('AA:W2');
		expect(t.delivered().map((j) => j.controlId)).toEqual(['W1', 'W2', 'W2']);
	});

	test('a re-send while the earlier copy still runs waits for its verdict, up to the timeout', async () => {
		const t = await start({ ackMode: 'afterWorkflow', timeout: 1 }, () => {});
		const [a, b] = [await t.connect(), await t.connect()];
		const first = a.send(msg('H1'), 5000);
		await until(() => t.executions.length === 1);
		const again = await b.send(msg('H1'), 5000);
		expect(msa(again)).toBe('AE:H1');
		expect(again).toMatch(/earlier copy of this message is still being processed/);
		expect(msa(await first)).toBe('AE:H1');
		expect(t.executions).toHaveLength(1);
		t.executions[0].done?.resolve(ok);
	});

	test('a window of 0 turns recognition off', async () => {
		const t = await start({ ackMode: 'afterWorkflow', options: { duplicateWindowMinutes: 0 } });
		const c = await t.connect();
		await c.send(msg('Z1'), 5000);
		await c.send(msg('Z1'), 5000);
		expect(t.delivered()).toHaveLength(2);
	});
});

describe('batches', () => {
	test('After Storing: up to N messages per execution, one item each, all delivered in arrival order', async () => {
		const dir = tmp();
		const t = await start({
			ackMode: 'afterStoring',
			options: { journalFolder: dir, batchSize: 10, batchWaitMs: 20 },
		});
		const senders = await Promise.all(Array.from({ length: 5 }, () => t.connect()));
		await Promise.all(
			senders.map(async (c, k) => {
				for (let i = 0; i < 12; i++)
					expect(msa(await c.send(msg(`C${k}-${i}`), 5000))).toBe(`AA:C${k}-${i}`);
			}),
		);
		await until(() => t.delivered().length === 60);
		expect(Math.max(...t.executions.map((e) => e.items.length))).toBeLessThanOrEqual(10);
		expect(t.executions.length).toBeLessThan(60);
		// global arrival order = journal order
		const seqs = t.delivered().map((j) => j.journalSeq as number);
		expect(seqs).toEqual([...seqs].sort((a, b) => a - b));
	});

	test('After the Workflow Finishes: each message of a batch is acknowledged after its execution', async () => {
		const t = await start({ ackMode: 'afterWorkflow', options: { batchSize: 4, batchWaitMs: 30 } });
		const senders = await Promise.all(Array.from({ length: 4 }, () => t.connect()));
		const acks = await Promise.all(senders.map((c, k) => c.send(msg(`E${k}`), 5000)));
		expect(acks.map(msa)).toEqual(['AA:E0', 'AA:E1', 'AA:E2', 'AA:E3']);
		expect(t.executions).toHaveLength(1);
		expect(t.executions[0].items).toHaveLength(4);
	});
});

describe('partition key', () => {
	test("each patient's messages in arrival order, one execution at a time per patient, executions overlapping", async () => {
		const dir = tmp();
		let running = 0;
		let most = 0;
		const busy = new Set<string>();
		const clash: string[] = [];
		const t = await start(
			{
				ackMode: 'afterStoring',
				options: { journalFolder: dir, partitionKey: 'PID.3.1', parallelExecutions: 4 },
			},
			(e) => {
				running++;
				most = Math.max(most, running);
				const patients = [...new Set(e.items.map((i) => String(i.json.controlId).split('-')[0]))];
				for (const p of patients) {
					if (busy.has(p)) clash.push(p);
					busy.add(p);
				}
				setTimeout(
					() => {
						running--;
						for (const p of patients) busy.delete(p);
						e.done?.resolve(ok);
					},
					2 + Math.random() * 10,
				);
			},
		);
		const senders = await Promise.all(Array.from({ length: 4 }, () => t.connect()));
		// every sender sends messages for every patient, interleaved
		await Promise.all(
			senders.map(async (c, k) => {
				for (let i = 0; i < 15; i++) {
					const patient = `P${(i + k) % 6}`;
					await c.send(msg(`${patient}-${k}-${i}`, patient), 5000);
				}
			}),
		);
		await until(() => t.delivered().length === 60, 10000);
		expect(clash).toEqual([]);
		expect(most).toBeGreaterThan(1);
		expect(most).toBeLessThanOrEqual(4);
		const byPatient = new Map<string, number[]>();
		for (const j of t.delivered()) {
			const p = String(j.controlId).split('-')[0];
			byPatient.set(p, [...(byPatient.get(p) ?? []), j.journalSeq as number]);
		}
		for (const seqs of byPatient.values()) expect(seqs).toEqual([...seqs].sort((a, b) => a - b));
	});
});

describe('back-pressure', () => {
	test('past the backlog the listener stops reading; nothing is refused or dropped, and it resumes', async () => {
		const dir = tmp();
		const held: Execution[] = [];
		const t = await start(
			{ ackMode: 'afterStoring', options: { journalFolder: dir, maxBacklog: 5 } },
			(e) => held.push(e),
		);
		const c = await t.connect();
		const acks: string[] = [];
		const sending = (async () => {
			for (let i = 0; i < 12; i++) acks.push(msa(await c.send(msg(`Q${i}`), 10000))!);
		})();
		await until(() => acks.length === 5);
		await new Promise((r) => setTimeout(r, 200));
		// the sixth waits in TCP: not answered, not refused
		expect(acks).toHaveLength(5);
		expect(t.logs.filter((l) => /stopped reading/.test(l))).toHaveLength(1);
		const release = setInterval(() => held.splice(0).forEach((e) => e.done?.resolve(ok)), 10);
		await sending;
		expect(acks).toEqual(Array.from({ length: 12 }, (_, i) => `AA:Q${i}`));
		expect(t.logs.join('\n')).toMatch(/reading from senders again/);
		expect(t.logs.join('\n')).not.toMatch(/DOE/);
		await until(() => t.delivered().length === 12);
		clearInterval(release);
		held.splice(0).forEach((e) => e.done?.resolve(ok));
	});

	test('past the rate the listener stops reading until the minute allows more', async () => {
		const t = await start({ ackMode: 'onReceipt', options: { maxPerMinute: 3 } });
		const c = await t.connect();
		for (let i = 0; i < 3; i++) await c.send(msg(`R${i}`), 5000);
		await expect(c.send(msg('R3'), 300)).rejects.toThrow();
		expect(t.logs.join('\n')).toMatch(/3 messages in the last minute/);
	});
});
