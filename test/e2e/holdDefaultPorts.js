// The e2e suites must not depend on n8n's default ports: while they run, something else holds
// 5678 (n8n), 5679 (its task broker) and 8899 (the sandbox's default), as a developer's own n8n
// would. A port that is already taken is taken by someone else, which proves the same.
const net = require('node:net');

const PORTS = [5678, 5679, 8899];

module.exports = async function holdDefaultPorts() {
	const held = [];
	for (const port of PORTS) {
		const server = net.createServer((socket) => socket.destroy());
		const ok = await new Promise((resolve) => {
			server.once('error', () => resolve(false));
			server.listen(port, '127.0.0.1', () => resolve(true));
		});
		if (ok) held.push(server);
	}
	globalThis.__heldDefaultPorts = held;
};
