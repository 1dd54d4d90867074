'use strict';
// The load side of the MLLP benchmark, in its own process so the listener measured does not share
// an event loop with it: `connections` sockets, each sending a frame and waiting for one frame back.
// With `prefix`, each message gets its own control ID (MSH-10 = prefix + a counter), and only AA
// answers are counted as acknowledged; with `maxMs`, no message is sent after that many ms.
const net = require('node:net');
const { frame, unframer } = require('../sandbox/mllp');

process.on('message', async ({ port, connections, count, message, prefix, maxMs }) => {
	const fixed = frame(message);
	const parts = message.split('|');
	const bytes = (n) =>
		prefix === undefined
			? fixed
			: frame([...parts.slice(0, 9), `${prefix}${n}`, ...parts.slice(10)].join('|'));
	let left = count;
	let acked = 0;
	const started = process.hrtime.bigint();
	const elapsed = () => Number(process.hrtime.bigint() - started) / 1e6;
	await Promise.all(
		Array.from({ length: connections }, async () => {
			const socket = net.connect({ host: '127.0.0.1', port });
			socket.setNoDelay(true);
			await new Promise((r) => socket.once('connect', r));
			let next;
			socket.on(
				'data',
				unframer((ack) => next(ack)),
			);
			while (left > 0 && !(maxMs && elapsed() > maxMs)) {
				const n = left--;
				// a listener that never answers (nothing MLLP on the port) fails the run instead of hanging it
				let timer;
				const ack = await new Promise((r) => {
					next = r;
					timer = setTimeout(() => {
						process.stderr.write(`no answer from port ${port} within 60 s\n`);
						process.exit(2);
					}, 60000);
					socket.write(bytes(n));
				});
				clearTimeout(timer);
				if (prefix === undefined || /\rMSA\|AA\|/.test(ack)) acked++;
			}
			socket.destroy();
		}),
	);
	process.send({ ms: elapsed(), acked });
});
