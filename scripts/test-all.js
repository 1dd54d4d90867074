#!/usr/bin/env node
'use strict';
// npm run test:all (what CI runs): `npm test` (build, lint, format check, jest), then every e2e suite
// in real n8n releases. The releases install in the background while `npm test` runs (about 5
// minutes each on a fresh machine, mostly download and unpacking), so a fresh machine waits for
// them once, not three times.
//
// Which suites run on which release is decided here and only here (docs/development.md):
// - every suite on 2.8.4, the release `npm start` runs, except the AI tools suite;
// - the loading, example and editor suites on every release;
// - the AI tools suite (AI Agent and MCP Server Trigger) on the newest release, where n8n's AI
//   features move fastest.
//
//   node scripts/test-all.js             npm test, then every release's suites
//   node scripts/test-all.js --e2e 2.41.1 [jest args]   one release's suites (installs it if needed)
const { spawn, spawnSync } = require('node:child_process');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');

const ROOT = path.resolve(__dirname, '..');
const EVERY_RELEASE = ['test/e2e/examples', 'test/e2e/example6', 'test/e2e/editor'];
const RELEASES = [
	{ version: '2.8.4', suites: ['test/e2e/'], skip: ['test/e2e/aiTools'] },
	{ version: '2.41.1', suites: [...EVERY_RELEASE, 'test/e2e/aiTools'] },
	{ version: '1.123.81', suites: EVERY_RELEASE },
];
const NPM = process.platform === 'win32' ? 'npm.cmd' : 'npm';

function run(command, args, env = {}) {
	const started = Date.now();
	const { status } = spawnSync(command, args, {
		cwd: ROOT,
		stdio: 'inherit',
		env: { ...process.env, ...env },
	});
	return { status, seconds: Math.round((Date.now() - started) / 1000) };
}

function e2e(release, extra = []) {
	const args = [
		'jest',
		'--config',
		'test/e2e/jest.config.js',
		...release.suites,
		...(release.skip ?? []).flatMap((s) => ['--testPathIgnorePatterns', s]),
		...extra,
	];
	return run(process.execPath, [require.resolve('jest/bin/jest'), ...args.slice(1)], {
		N8N_VERSION: release.version,
	});
}

/** Installs every release not yet installed, one after another, in a child process; resolves with its log. */
function installInBackground() {
	const log = path.join(os.tmpdir(), `n8n-athena-install-${process.pid}.log`);
	const script = `for (const v of ${JSON.stringify(RELEASES.map((r) => r.version))}) { process.env.N8N_VERSION = v; delete require.cache[require.resolve('./scripts/n8n')]; require('./scripts/n8n').ensureN8n(); }`;
	const fd = fs.openSync(log, 'w');
	const child = spawn(process.execPath, ['-e', script], { cwd: ROOT, stdio: ['ignore', fd, fd] });
	fs.closeSync(fd);
	return new Promise((resolve) => child.on('exit', (code) => resolve({ code, log })));
}

if (process.argv[2] === '--e2e') {
	const release = RELEASES.find((r) => r.version === process.argv[3]);
	if (!release) {
		console.error(
			`unknown release ${process.argv[3]}: one of ${RELEASES.map((r) => r.version).join(', ')}`,
		);
		process.exit(2);
	}
	const built = run(NPM, ['run', 'build', '--silent']);
	process.exit(built.status || e2e(release, process.argv.slice(4)).status || 0);
}

(async () => {
	const started = Date.now();
	const installed = installInBackground();
	const times = [];
	const quick = run(NPM, ['test']);
	times.push(['npm test', quick.seconds]);
	const install = await installed;
	times.push(['n8n installs (background, finished)', Math.round((Date.now() - started) / 1000)]);
	if (install.code !== 0) {
		process.stdout.write(fs.readFileSync(install.log, 'utf8').slice(-4000));
		console.error('installing the n8n releases failed');
		process.exit(1);
	}
	fs.rmSync(install.log, { force: true });
	let failed = quick.status !== 0;
	for (const release of RELEASES) {
		const result = e2e(release);
		times.push([`e2e n8n ${release.version}`, result.seconds]);
		failed ||= result.status !== 0;
	}
	times.push(['total', Math.round((Date.now() - started) / 1000)]);
	console.log(
		`\ntest:all ${failed ? 'FAILED' : 'passed'}; seconds:\n${times.map(([what, s]) => `  ${String(s).padStart(5)}  ${what}`).join('\n')}`,
	);
	process.exit(failed ? 1 : 0);
})();
