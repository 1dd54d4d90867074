'use strict';
// MLLP end to end through a real n8n (the release the e2e suites use, 2.8.4 by default): one active
// workflow per acknowledge mode and batch size, each the HL7 MLLP Trigger (plain MLLP, path map off)
// and one HTTP Request that runs once per execution and posts how many messages the execution got
// (and the first one's control ID, whose prefix names the row) to a counter in this process. For each workflow at 1 and 10 connections: messages acknowledged
// AA per second (one at a time per connection, as an interface engine sends; each message its own
// control ID) and messages delivered per second (counted when their execution posts, from the first
// send to the last delivery). Each row sends until its count of messages is acknowledged (batch 1:
// MLLP_N8N_BENCH_COUNT_BATCH1, default 500; batch 100: MLLP_N8N_BENCH_COUNT, default 20,000) or
// MLLP_N8N_BENCH_SECONDS (default 20) have passed, then waits for them to be delivered.
const fs = require('node:fs');
const http = require('node:http');
const os = require('node:os');
const path = require('node:path');

const n8n = require('../scripts/n8n');

// MLLP_N8N_BENCH_MODES (e.g. "afterStoring,afterWorkflow") measures only those
const MODES = ['afterWorkflow', 'onReceipt', 'afterStoring'].filter((m) =>
	(process.env.MLLP_N8N_BENCH_MODES || m).split(',').includes(m),
);
// how long a batch that is not full waits (the node's default: 50 ms)
const WAIT_MS = Number(process.env.MLLP_N8N_BENCH_WAIT_MS || 50);
const BATCHES = [1, 100];
const CONNECTIONS = [1, 10];

/** `n` ports nobody listens on, held open together while chosen so that no two are the same. */
async function freePorts(n) {
	const net = require('node:net');
	const servers = await Promise.all(
		Array.from(
			{ length: n },
			() =>
				new Promise((resolve) => {
					const s = net.createServer().listen(0, '127.0.0.1', () => resolve(s));
				}),
		),
	);
	const ports = servers.map((s) => s.address().port);
	await Promise.all(servers.map((s) => new Promise((r) => s.close(r))));
	return ports;
}

function workflow(id, mllpPort, ackMode, batchSize, sinkUrl) {
	return {
		id,
		name: `bench ${ackMode} batch ${batchSize}`,
		active: true,
		settings: { executionOrder: 'v1' },
		nodes: [
			{
				id: `${id}t`,
				name: 'HL7 MLLP Trigger',
				type: 'n8n-nodes-hl7-mllp.hl7MllpTrigger',
				typeVersion: 1,
				position: [0, 0],
				parameters: {
					host: '127.0.0.1',
					port: mllpPort,
					ackMode,
					timeout: 60,
					options: { paths: false, batchSize, batchWaitMs: WAIT_MS },
				},
			},
			{
				id: `${id}c`,
				name: 'Count',
				type: 'n8n-nodes-base.httpRequest',
				typeVersion: 4.2,
				position: [240, 0],
				executeOnce: true,
				parameters: {
					method: 'POST',
					url: `${sinkUrl}/${id}`,
					sendBody: true,
					specifyBody: 'json',
					jsonBody:
						"={{ JSON.stringify({ n: $input.all().length, row: $input.first().json.controlId.split('-')[0] }) }}",
					options: {},
				},
			},
		],
		connections: { 'HL7 MLLP Trigger': { main: [[{ node: 'Count', type: 'main', index: 0 }]] } },
	};
}

async function benchMllpN8n({ load, message }) {
	const counts = {
		1: Number(process.env.MLLP_N8N_BENCH_COUNT_BATCH1 || 500),
		100: Number(process.env.MLLP_N8N_BENCH_COUNT || 20000),
	};
	const maxMs = Number(process.env.MLLP_N8N_BENCH_SECONDS || 20) * 1000;
	// delivered messages per row, and when the last ones came
	const delivered = new Map();
	const sink = http.createServer((req, res) => {
		let body = '';
		req.on('data', (d) => (body += d));
		req.on('end', () => {
			const { n, row } = JSON.parse(body);
			const d = delivered.get(row) ?? { n: 0, at: 0 };
			d.n += Number(n) || 0;
			d.at = Date.now();
			delivered.set(row, d);
			res.setHeader('content-type', 'application/json');
			res.end('{"ok":true}');
		});
	});
	await new Promise((r) => sink.listen(0, '127.0.0.1', r));
	const sinkUrl = `http://127.0.0.1:${sink.address().port}/count`;

	const bin = n8n.ensureN8n();
	const userFolder = fs.mkdtempSync(path.join(os.tmpdir(), 'n8n-mllp-bench-'));
	let server;
	const rows = [];
	try {
		n8n.installPackage(userFolder, path.join(n8n.ROOT, 'mllp'));
		// the listeners', n8n's and its task broker's ports, chosen together (n8n's own choice of a
		// broker port could fall on a listener's)
		const cells = [];
		for (const mode of MODES)
			for (const batch of BATCHES) cells.push({ id: `bench${mode}${batch}`, mode, batch });
		const ports = await freePorts(cells.length + 2);
		cells.forEach((c, i) => (c.port = ports[i]));
		n8n.importWorkflows(
			bin,
			userFolder,
			'http://localhost:8899',
			cells.map((c) => workflow(c.id, c.port, c.mode, c.batch, sinkUrl)),
		);
		server = n8n.startN8n(bin, userFolder, ports[cells.length], {
			EXECUTIONS_DATA_SAVE_ON_SUCCESS: 'none',
			N8N_RUNNERS_BROKER_PORT: String(ports[cells.length + 1]),
		});
		await server.ready;
		const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
		let run = 0;
		for (const cell of cells) {
			// the listener is up once a frame is answered (a warm-up of 20 messages, counted apart);
			// then up to 3 s more of warm-up, so the rows measure the listener past its first compile
			for (let tries = 0; ; tries++) {
				const row = `W${run++}`;
				const warm = await load(cell.port, 1, 20, message, `${row}-`, 10000).catch(() => null);
				if (warm?.acked === 20) {
					await waitDelivered(delivered, row, 20, 30000);
					break;
				}
				if (tries > 60) throw new Error(`${cell.id} does not answer:\n${server.output.join('')}`);
				await sleep(1000);
			}
			const warmRow = `W${run++}`;
			const warm = await load(cell.port, 1, 2000, message, `${warmRow}-`, 3000);
			await waitDelivered(delivered, warmRow, warm.acked, 60000);
			for (const connections of CONNECTIONS) {
				const row = `B${run++}`;
				const started = Date.now();
				const { ms, acked } = await load(
					cell.port,
					connections,
					counts[cell.batch],
					message,
					`${row}-`,
					maxMs,
				);
				const { n, at } = await waitDelivered(delivered, row, acked, 180000);
				// progress on stderr: the whole matrix takes minutes
				process.stderr.write(
					`[mllp n8n] ${cell.mode} batch ${cell.batch}, ${connections} conn.: ${acked} ACKed, ${n} delivered\n`,
				);
				rows.push([
					cell.mode,
					cell.batch,
					connections,
					acked,
					Math.round((acked / ms) * 1000),
					n,
					at > started ? Math.round((n / (at - started)) * 1000) : 0,
				]);
			}
		}
	} finally {
		await server?.stop();
		sink.close();
		n8n.removeFolder(userFolder);
	}
	return {
		title: `MLLP through n8n ${n8n.N8N_VERSION}: trigger (path map off, batches wait ${WAIT_MS} ms) + one count post per execution; up to ${counts[1]} (batch 1) or ${counts[100]} (batch 100) messages, at most ${maxMs / 1000} s of sending, per row (goal: afterStoring with batching ≥ 1,000 delivered/s; 1 connection afterStoring ≥ 20× afterWorkflow)`,
		columns: [
			'ack mode',
			'batch',
			'connections',
			'acknowledged',
			'ACKed/s',
			'delivered',
			'delivered/s',
		],
		rows,
	};
}

/** Waits until `want` messages of row `id` are delivered, or no more come for 10 s, or `timeoutMs`. */
async function waitDelivered(delivered, id, want, timeoutMs) {
	const deadline = Date.now() + timeoutMs;
	for (;;) {
		const d = delivered.get(id) ?? { n: 0, at: 0 };
		if (d.n >= want || Date.now() > deadline || (d.at && Date.now() - d.at > 10000)) return d;
		await new Promise((r) => setTimeout(r, 100));
	}
}

module.exports = { benchMllpN8n };
