'use strict';
// startSandboxProcess(options): the sandbox in a child process (its own CPU and heap), e.g. for
// benchmarks and soaks, so the simulator never competes with the code under test for one event loop.
const path = require('node:path');
const { spawn } = require('node:child_process');

const flag = (key) => `--${key.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}`;

function startSandboxProcess(options = {}, { nodeArgs = [] } = {}) {
	const args = [...nodeArgs, path.join(__dirname, 'cli.js'), '--port', String(options.port ?? 0)];
	for (const [key, value] of Object.entries(options)) if (key !== 'port') args.push(flag(key), String(value));
	return new Promise((resolve, reject) => {
		const child = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'inherit'] });
		child.stdout.on('data', (d) => {
			const m = /listening on (http:\/\/[\d.:]+)/.exec(String(d));
			if (m) resolve({ url: m[1], pid: child.pid, close: () => child.kill() });
		});
		child.on('exit', (code) => reject(new Error(`sandbox exited with ${code}`)));
	});
}

module.exports = { startSandboxProcess };
