#!/usr/bin/env node
'use strict';
// npm run test:all (what CI runs): `npm test` (build, lint, format check, jest), then every e2e suite
// in real n8n releases. The releases install in the background, one after another, from the start
// (about 5 to 8 minutes each on a fresh machine, mostly download and unpacking): the first is ready
// when `npm test` ends, and the others install while the first one's suites run.
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

/**
 * Installs every release not yet installed, one after another, in a child process. Returns
 * `ready(version)`, which resolves once that release is installed (so a release's suites start
 * while the next one is still installing), and rejects with the install's output if it failed.
 */
function installInBackground() {
	const log = path.join(os.tmpdir(), `n8n-athena-install-${process.pid}.log`);
	const script = `for (const v of ${JSON.stringify(RELEASES.map((r) => r.version))}) { process.env.N8N_VERSION = v; delete require.cache[require.resolve('./scripts/n8n')]; require('./scripts/n8n').ensureN8n(); console.log('INSTALLED ' + v); }`;
	const fd = fs.openSync(log, 'w');
	const child = spawn(process.execPath, ['-e', script], { cwd: ROOT, stdio: ['ignore', fd, fd] });
	fs.closeSync(fd);
	let exit;
	child.on('exit', (code) => (exit = code));
	const ready = async (version) => {
		for (;;) {
			const text = fs.readFileSync(log, 'utf8');
			if (text.includes(`INSTALLED ${version}\n`)) return;
			if (exit !== undefined)
				throw new Error(`installing n8n ${version} failed:\n${text.slice(-4000)}`);
			await new Promise((r) => setTimeout(r, 2000));
		}
	};
	const done = () =>
		new Promise((resolve) =>
			exit !== undefined ? resolve() : child.on('exit', () => resolve()),
		).then(() => fs.rmSync(log, { force: true }));
	return { ready, done };
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
	const seconds = () => Math.round((Date.now() - started) / 1000);
	const installs = installInBackground();
	const times = [];
	const quick = run(NPM, ['test']);
	times.push(['npm test', quick.seconds]);
	let failed = quick.status !== 0;
	for (const release of RELEASES) {
		try {
			await installs.ready(release.version);
		} catch (error) {
			console.error(error.message);
			process.exit(1);
		}
		times.push([`n8n ${release.version} installed (background), at`, seconds()]);
		const result = e2e(release);
		times.push([`e2e n8n ${release.version}`, result.seconds]);
		failed ||= result.status !== 0;
	}
	await installs.done();
	times.push(['total', seconds()]);
	console.log(
		`\ntest:all ${failed ? 'FAILED' : 'passed'}; seconds:\n${times.map(([what, s]) => `  ${String(s).padStart(5)}  ${what}`).join('\n')}`,
	);
	process.exit(failed ? 1 : 0);
})();
