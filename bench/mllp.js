'use strict';
// MLLP: messages per second acknowledged by the HL7 MLLP Trigger's listener (unframe, parse, hand
// over, build and frame the ACK; the hand-over answers AA at once, so n8n's own execution cost is
// left out), the same with the item the node builds by default (fields and path map) and with that
// item also copied as n8n copies an item into an execution, the same with each message stored in the
// After Storing journal before its AA, beside a bare Node `net` server that echoes the same frames,
// at 1 and 10 connections.
// The sender runs in a child process (bench/mllpClient.js). Then the same end to end through a real
// n8n, per acknowledge mode and batch size (bench/mllpN8n.js; MLLP_N8N_BENCH=0 leaves it out).
const fs = require('node:fs');
const net = require('node:net');
const os = require('node:os');
const { fork } = require('node:child_process');
const path = require('node:path');

const { startMllpServer } = require('../mllp/nodes/Mllp/server.ts');
const { openJournal } = require('../mllp/nodes/Mllp/journal.ts');
const { messageItem } = require('../mllp/nodes/Mllp/item.ts');
const { corpus } = require('./hl7');
const { benchMllpN8n } = require('./mllpN8n');

/** Resolves with { ms, acked } (acked: AA answers, counted when `prefix` gives each message its own control ID). */
function load(port, connections, count, message, prefix, maxMs) {
	return new Promise((resolve, reject) => {
		const child = fork(path.join(__dirname, 'mllpClient.js'), { stdio: 'inherit' });
		child.once('message', (m) => {
			child.kill();
			resolve(m);
		});
		child.once('error', reject);
		child.once('exit', (code) => code && reject(new Error(`the MLLP sender exited with ${code}`)));
		child.send({ port, connections, count, message, prefix, maxMs });
	});
}

async function benchMllp() {
	const message = corpus(1)[0]; // an athena-style ADT^A04 with a full PID
	const count = Number(process.env.MLLP_BENCH_COUNT || 20000);
	const echo = net.createServer((s) => {
		s.setNoDelay(true);
		s.on('data', (d) => s.write(d));
	});
	await new Promise((r) => echo.listen(0, '127.0.0.1', r));
	const listener = (onMessage) =>
		startMllpServer({
			host: '127.0.0.1',
			port: 0,
			maxBytes: 16 * 1024 * 1024,
			encoding: 'utf8',
			warn: () => {},
			onMessage,
		});
	const ours = await listener(async () => ({ code: 'AA' }));
	// After Storing's receipt path without n8n: each message appended to a journal (group commit,
	// flushed to disk) before its AA; every message has its own control ID (the duplicate window)
	const folder = fs.mkdtempSync(path.join(os.tmpdir(), 'mllp-bench-journal-'));
	const journal = await openJournal(folder, {});
	const stored = await listener(async (m, text) => {
		const controlId = m.get('MSH.10') ?? '';
		const seq = await journal.append({
			receivedAt: new Date().toISOString(),
			controlId,
			sendingApplication: m.get('MSH.3.1') ?? '',
			sendingFacility: m.get('MSH.4.1') ?? '',
			key: controlId,
			message: text,
		});
		journal.markDelivered(seq);
		return { code: 'AA' };
	});
	// the node's default per-message work besides: the item it builds (its fields and the path map,
	// which is on by default), and the same item copied as n8n copies an item into an execution
	// (reading `paths` builds the path map, as n8n's copy does)
	const nodeItem = (m, text, peer) => {
		const item = messageItem(m, text, peer, new Date().toISOString(), undefined, true);
		void item.paths;
		return item;
	};
	const items = await listener(async (m, text, peer) => {
		nodeItem(m, text, peer);
		return { code: 'AA' };
	});
	const copied = await listener(async (m, text, peer) => {
		JSON.parse(JSON.stringify(nodeItem(m, text, peer)));
		return { code: 'AA' };
	});
	const rows = [];
	let run = 0;
	for (const connections of [1, 10]) {
		await load(ours.port, connections, 500, message); // warm-up
		await load(echo.address().port, connections, 500, message);
		await load(stored.port, connections, 500, message, `J${run++}-`);
		await load(items.port, connections, 500, message);
		await load(copied.port, connections, 500, message);
		const base = (await load(echo.address().port, connections, count, message)).ms;
		const mine = (await load(ours.port, connections, count, message)).ms;
		const durable = await load(stored.port, connections, count, message, `J${run++}-`);
		const withItems = (await load(items.port, connections, count, message)).ms;
		const withCopies = (await load(copied.port, connections, count, message)).ms;
		rows.push([
			connections,
			Math.round((count / mine) * 1000),
			Math.round((count / withItems) * 1000),
			Math.round((count / withCopies) * 1000),
			Math.round((durable.acked / durable.ms) * 1000),
			Math.round((count / base) * 1000),
			(base / mine).toFixed(2),
			(base / withItems).toFixed(2),
			(base / withCopies).toFixed(2),
		]);
	}
	await ours.close(0);
	await items.close(0);
	await copied.close(0);
	await stored.close(0);
	await journal.close();
	fs.rmSync(folder, { recursive: true, force: true });
	echo.close();
	const socket = {
		title: `MLLP: ${count} messages (${Buffer.byteLength(message)} bytes each) acknowledged, one at a time per connection (goal: with the node's item ≥ 0.5× the bare net echo at 10 connections)`,
		columns: [
			'connections',
			'ours: ACKs/s',
			"+ the node's item: ACKs/s",
			'+ item copied: ACKs/s',
			'ours + journal: ACKs/s',
			'net echo: msgs/s',
			'ours ÷ echo',
			'+ item ÷ echo',
			'+ copied ÷ echo',
		],
		rows,
	};
	if (process.env.MLLP_N8N_BENCH === '0') return socket;
	return [socket, await benchMllpN8n({ load, message })];
}

module.exports = { benchMllp };
