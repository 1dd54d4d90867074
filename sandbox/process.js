'use strict';
// startSandboxProcess(options): the sandbox in a child process (its own CPU and heap), e.g. for
// benchmarks and soaks, so the simulator never competes with the code under test for one event loop.
// Options travel as command-line switches (sandbox/settings.js), so each needs one.
const path = require('node:path');
const { spawn } = require('node:child_process');

const { byName } = require('./settings');

function argsOf(options) {
	const args = ['--port', String(options.port ?? 0)];
	for (const [key, value] of Object.entries(options)) {
		if (key === 'port' || value === undefined) continue;
		const entry = byName.get(key);
		if (!entry?.flag)
			throw new Error(`startSandboxProcess: option ${key} has no command-line switch`);
		args.push(entry.flag, entry.type === 'json' ? JSON.stringify(value) : String(value));
	}
	return args;
}

function startSandboxProcess(options = {}, { nodeArgs = [] } = {}) {
	let args;
	try {
		args = [...nodeArgs, path.join(__dirname, 'cli.js'), ...argsOf(options)];
	} catch (e) {
		return Promise.reject(e);
	}
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
