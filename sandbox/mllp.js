'use strict';
// athena's MLLP(S) interface, simulated: a sender that delivers messages over one or more
// connections, one at a time per connection, and re-sends whatever was not acknowledged AA (after a
// reconnect) the way an interface engine does; and a receiver that ACKs what it is sent. Framing
// and ACK reading are written here independently of the package's code on purpose.
const net = require('node:net');
const tls = require('node:tls');

const VT = 0x0b;
const FS = 0x1c;
const CR = 0x0d;

const frame = (text) =>
	Buffer.concat([Buffer.from([VT]), Buffer.from(text, 'utf8'), Buffer.from([FS, CR])]);

/** Calls onFrame(text) for each complete VT…FS frame in a byte stream split anywhere. */
function unframer(onFrame) {
	let parts = [];
	let inside = false;
	return (chunk) => {
		let i = 0;
		while (i < chunk.length) {
			if (!inside) {
				const s = chunk.indexOf(VT, i);
				if (s === -1) return;
				inside = true;
				i = s + 1;
				continue;
			}
			const e = chunk.indexOf(FS, i);
			parts.push(chunk.subarray(i, e === -1 ? chunk.length : e));
			if (e === -1) return;
			const text = Buffer.concat(parts).toString('utf8');
			parts = [];
			inside = false;
			i = e + 1;
			onFrame(text);
		}
	};
}

const field = (text, seg, n) => {
	const line = text.split(/\r\n|\r|\n/).find((l) => l.startsWith(`${seg}|`));
	return line ? (line.split('|')[seg === 'MSH' ? n - 1 : n] ?? '') : undefined;
};

function connect({ host = '127.0.0.1', port, tls: tlsOptions }) {
	return new Promise((resolve, reject) => {
		const socket = tlsOptions
			? tls.connect({ host, port, ...tlsOptions })
			: net.connect({ host, port });
		socket.once(tlsOptions ? 'secureConnect' : 'connect', () => {
			socket.off('error', reject);
			socket.setNoDelay(true);
			resolve(socket);
		});
		socket.once('error', reject);
	});
}

/**
 * Delivers `messages` over `connections` connections (each takes the next unsent message, sends it,
 * waits for its ACK). A message counts as delivered only on AA; on an AE/AR, a timeout, a refused or
 * dropped connection, it goes back to the queue and is sent again after `retryMs`: at its end, or
 * with `ordered` at its head (nothing after it is sent before it is acknowledged, as an interface
 * engine keeps a feed's order). `onAck(control)` is called on each AA.
 * Returns { acked (control id → ACK code), sent (frames written), resent, errors, attempts (control
 * id → the times, in ms, each of its frames was written) }.
 */
async function sendMllp({
	host,
	port,
	tls: tlsOptions,
	messages,
	connections = 1,
	ackTimeoutMs = 30000,
	retryMs = 200,
	giveUpMs = 120000,
	ordered = false,
	onAck = () => {},
}) {
	const queue = messages.map((text) => ({ text, control: field(text, 'MSH', 10) }));
	const stats = { acked: new Map(), sent: 0, resent: 0, errors: [], attempts: new Map() };
	const started = Date.now();
	const { attempts } = stats;
	const pause = (ms) => new Promise((r) => setTimeout(r, ms));

	async function worker() {
		while (queue.length) {
			if (Date.now() - started > giveUpMs)
				throw new Error(`gave up: ${queue.length} messages not acknowledged after ${giveUpMs} ms`);
			let socket;
			try {
				socket = await connect({ host, port, tls: tlsOptions });
			} catch (error) {
				stats.errors.push(error.code || error.message);
				await pause(retryMs);
				continue;
			}
			const acks = [];
			let waiter;
			let closed = false;
			const wake = () => waiter && waiter();
			socket.on(
				'data',
				unframer((text) => (acks.push(text), wake())),
			);
			socket.on('error', () => {});
			socket.on('close', () => ((closed = true), wake()));
			while (queue.length && !closed) {
				const m = queue.shift();
				const times = attempts.get(m.control) ?? [];
				times.push(Date.now());
				attempts.set(m.control, times);
				if (times.length > 1) stats.resent++;
				socket.write(frame(m.text));
				stats.sent++;
				const ack = await new Promise((resolve) => {
					const t = setTimeout(() => resolve(undefined), ackTimeoutMs);
					waiter = () => {
						if (acks.length || closed) {
							clearTimeout(t);
							resolve(acks.shift());
						}
					};
					waiter();
				});
				waiter = undefined;
				const code = ack && field(ack, 'MSA', 1);
				if (code === 'AA' && field(ack, 'MSA', 2) === m.control) {
					stats.acked.set(m.control, code);
					onAck(m.control);
					continue;
				}
				if (ordered) queue.unshift(m);
				else queue.push(m); // not acknowledged: send again later
				stats.errors.push(code || (closed ? 'closed' : 'timeout'));
				if (!ack) break; // the connection is in an unknown state: reconnect
				await pause(retryMs);
			}
			socket.destroy();
			if (queue.length) await pause(retryMs);
		}
	}
	await Promise.all(Array.from({ length: connections }, worker));
	return stats;
}

/**
 * An MLLP(S) receiver: records each message and answers an ACK (AA by default; `answer(text)` may
 * return another code, e.g. 'AE'). Returns { port, received, close() }.
 */
async function startMllpReceiver({
	port = 0,
	host = '127.0.0.1',
	tls: tlsOptions,
	answer = () => 'AA',
} = {}) {
	const received = [];
	const sockets = new Set();
	const onConnection = (socket) => {
		sockets.add(socket);
		socket.on('close', () => sockets.delete(socket));
		socket.on('error', () => {});
		socket.on(
			'data',
			unframer((text) => {
				received.push(text);
				const code = answer(text);
				if (code === undefined) return; // no answer: lets a test see the sender time out
				const sep = text.charAt(3) || '|';
				const ack =
					[
						`MSH${sep}^~\\&${sep}SANDBOX${sep}${sep}${field(text, 'MSH', 3) ?? ''}${sep}${sep}20240101000000${sep}${sep}ACK${sep}A${received.length}${sep}P${sep}2.5.1`,
						`MSA${sep}${code}${sep}${field(text, 'MSH', 10) ?? ''}${code === 'AA' ? '' : `${sep}rejected by the sandbox`}`,
					].join('\r') + '\r';
				socket.write(frame(ack));
			}),
		);
	};
	const server = tlsOptions
		? tls.createServer(tlsOptions, onConnection)
		: net.createServer(onConnection);
	await new Promise((resolve) => server.listen(port, host, resolve));
	return {
		port: server.address().port,
		received,
		close: () =>
			new Promise((resolve) => {
				for (const s of sockets) s.destroy();
				server.close(() => resolve());
			}),
	};
}

module.exports = { sendMllp, startMllpReceiver, frame, unframer };
