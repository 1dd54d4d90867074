// After Storing's receiving side on its own thread, as the installed package runs it (the compiled
// receiptWorker.js that `npm test` builds first): stored messages reach this thread, ACKs come from
// the other, delivered marks travel back, duplicates get the earlier ACK, and what was not marked
// delivered is handed over again by the next start.
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';

import { MllpClient } from '../../mllp/nodes/Mllp/client';
import {
	openReceipt,
	type Receipt,
	type ReceiptConfig,
	type StoredMessage,
} from '../../mllp/nodes/Mllp/receipt';

const WORKER = path.join(__dirname, '../../mllp/dist/nodes/Mllp/receiptWorker.js');

const msg = (id: string) =>
	`MSH|^~\\&|SND|FAC|RCV|FAC|20240101120000||ADT^A08|${id}|P|2.5.1\rPID|1||${id}^^^MRN||DOE^RICHARD\r`;
const msa = (ack: string) =>
	ack
		.split('\r')
		.find((l) => l.startsWith('MSA'))
		?.split('|')
		.slice(1, 3)
		.join(':');

const dirs: string[] = [];
const open: Receipt[] = [];
const clients: MllpClient[] = [];
afterEach(async () => {
	clients.splice(0).forEach((c) => c.close());
	for (const r of open.splice(0)) {
		await r.closeListener(0);
		await r.close();
	}
	for (const d of dirs.splice(0)) fs.rmSync(d, { recursive: true, force: true });
});

function config(folder: string, extra: Partial<ReceiptConfig> = {}): ReceiptConfig {
	return {
		server: { host: '127.0.0.1', port: 0, maxBytes: 1e6, encoding: 'utf8' },
		journalFolder: folder,
		duplicateWindowMs: 60000,
		rejectDuplicates: false,
		maxPerMinute: 0,
		maxBacklog: 10000,
		...extra,
	};
}

async function start(folder: string, extra: Partial<ReceiptConfig> = {}) {
	const stored: StoredMessage[] = [];
	const diagnostics: string[] = [];
	const logs: string[] = [];
	const receipt = await openReceipt(
		config(folder, extra),
		{
			stored: (m) => stored.push(m),
			log: (_level, text) => logs.push(text),
			diagnostic: (reason, _peer, controlId) => diagnostics.push(`${reason} ${controlId}`),
			failed: (error) => logs.push(`failed: ${error.message}`),
		},
		WORKER,
	);
	open.push(receipt);
	const client = await MllpClient.connect({
		host: '127.0.0.1',
		port: receipt.port,
		encoding: 'utf8',
		maxBytes: 1e6,
		connectTimeoutMs: 2000,
	});
	clients.push(client);
	const stop = async () => {
		open.splice(open.indexOf(receipt), 1);
		client.close();
		await receipt.closeListener(1000);
		await receipt.close();
	};
	return { receipt, stored, diagnostics, logs, client, stop };
}

const folder = () => {
	const d = fs.mkdtempSync(path.join(os.tmpdir(), 'mllp-receipt-'));
	dirs.push(d);
	return d;
};

test('the compiled receiving thread is there (npm test builds it first)', () => {
	expect(fs.existsSync(WORKER)).toBe(true);
});

test('stores, acknowledges from its thread, hands over here; delivered marks travel back', async () => {
	const dir = folder();
	const a = await start(dir);
	for (let i = 0; i < 30; i++)
		expect(msa(await a.client.send(msg(`R${i}`), 5000))).toBe(`AA:R${i}`);
	// every message acknowledged was stored before its ACK and reaches this thread, in order
	await new Promise((r) => setTimeout(r, 50));
	expect(a.stored.map((s) => s.text.split('|')[9])).toEqual(
		Array.from({ length: 30 }, (_, i) => `R${i}`),
	);
	expect(a.stored[0].seq).toBeLessThan(a.stored[29].seq);
	// the first 20 delivered; the rest are handed over again by the next start
	a.receipt.delivered(a.stored.slice(0, 20).map((s) => s.seq));
	await a.stop();
	const b = await start(dir);
	// a re-send within the duplicate window gets the earlier AA and is not stored again
	expect(msa(await b.client.send(msg('R3'), 5000))).toBe('AA:R3');
	expect(msa(await b.client.send(msg('N1'), 5000))).toBe('AA:N1');
	await new Promise((r) => setTimeout(r, 50));
	// the undelivered ones are handed over first, then what arrived since
	expect(b.stored.map((s) => s.text.split('|')[9])).toEqual([
		...Array.from({ length: 10 }, (_, i) => `R${i + 20}`),
		'N1',
	]);
	expect(b.diagnostics).toEqual(['duplicate R3']);
	await b.stop();
});

test('a duplicate answered AR when asked; a journal folder that cannot be used is named', async () => {
	const dir = folder();
	const a = await start(dir, { rejectDuplicates: true });
	expect(msa(await a.client.send(msg('D1'), 5000))).toBe('AA:D1');
	expect(msa(await a.client.send(msg('D1'), 5000))).toBe('AR:D1');
	await a.stop();
	const file = path.join(dir, 'a-file');
	fs.writeFileSync(file, '');
	await expect(start(file)).rejects.toThrow(/The MLLP journal folder cannot be used/);
});

test('a port in use is reported from the thread, and the journal stays usable', async () => {
	const dir = folder();
	const taken = net.createServer();
	await new Promise<void>((r) => taken.listen(0, '127.0.0.1', r));
	const port = (taken.address() as net.AddressInfo).port;
	try {
		await expect(
			start(dir, { server: { host: '127.0.0.1', port, maxBytes: 1e6, encoding: 'utf8' } }),
		).rejects.toThrow(/EADDRINUSE/);
	} finally {
		await new Promise((r) => taken.close(r));
	}
	const a = await start(dir);
	expect(msa(await a.client.send(msg('P1'), 5000))).toBe('AA:P1');
	await a.stop();
});
