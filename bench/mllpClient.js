'use strict';
// The load side of the MLLP benchmark, in its own process so the listener measured does not share
// an event loop with it: `connections` sockets, each sending a frame and waiting for one frame back.
const net = require('node:net');
const { frame, unframer } = require('../sandbox/mllp');

process.on('message', async ({ port, connections, count, message }) => {
	const bytes = frame(message);
	let left = count;
	const started = process.hrtime.bigint();
	await Promise.all(
		Array.from({ length: connections }, async () => {
			const socket = net.connect({ host: '127.0.0.1', port });
			socket.setNoDelay(true);
			await new Promise((r) => socket.once('connect', r));
			let next;
			socket.on(
				'data',
				unframer(() => next()),
			);
			while (left > 0) {
				left--;
				await new Promise((r) => {
					next = r;
					socket.write(bytes);
				});
			}
			socket.destroy();
		}),
	);
	process.send({ ms: Number(process.hrtime.bigint() - started) / 1e6 });
});
