#!/usr/bin/env node
'use strict';
// npm run test:all (what CI runs): `npm test` (build, lint, format check, jest), then every e2e suite
// in real n8n releases. The releases install in the background, one after another, from the start
// (about 5 to 8 minutes each on a fresh machine, mostly download and unpacking): the first is ready
// when `npm test` ends, and the others install while the first suites run.
//
// Which suites run on which release is decided here and only here (docs/development.md):
// - every suite on 2.8.4, the release `npm start` runs, except the AI tools suite;
// - the loading, example and editor suites on every release;
// - the AI tools suite (AI Agent and MCP Server Trigger) on the newest release, where n8n's AI
//   features move fastest;
// - the push trigger suite (athena's Event Subscription Platform) on 2.8.4 and the newest release;
// - on the newest release also the trigger crash test under n8n's durable scheduler (its variants
//   are chosen in the test by release) and queue mode with n8n's env-managed package install (n8n
//   2.21+); Bulk Export in each binary data mode runs on 2.8.4 (the same modes; on 2.41.1 by hand:
//   npm run test:e2e:latest -- test/e2e/binaryModes).
// The e2e suites run in two lanes at once, one n8n each: the long ones (the crash test spends most
// of its time waiting for kills, restarts and feed reads) beside all the others, release by release;
// the long lane goes on with the newest release's crash test once 2.8.4's long suites are done, and
// the newest release's queue mode runs in the other lane, so the two lanes end about together.
//
//   node scripts/test-all.js                           npm test, then every release's suites
//   node scripts/test-all.js --e2e 2.41.1 [jest args]  one release's suites (installs it if needed)
const { spawn, spawnSync } = require('node:child_process');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const readline = require('node:readline');

const ROOT = path.resolve(__dirname, '..');
const EVERY_RELEASE = ['test/e2e/examples', 'test/e2e/example6', 'test/e2e/editor'];
const LONG = [
	'test/e2e/trigger-crash',
	'test/e2e/queueMode',
	'test/e2e/mllp',
	'test/e2e/mllpDurable',
];
// `long`: suites of that release that run in the long lane (2.8.4's are LONG, within its `suites`)
const RELEASES = [
	{ version: '2.8.4', suites: ['test/e2e/'], skip: ['test/e2e/aiTools'] },
	{
		version: '2.41.1',
		suites: [...EVERY_RELEASE, 'test/e2e/aiTools', 'test/e2e/eventTrigger', 'test/e2e/queueMode'],
		long: ['test/e2e/trigger-crash'],
	},
	{ version: '1.123.81', suites: EVERY_RELEASE },
];
const NPM = process.platform === 'win32' ? 'npm.cmd' : 'npm';

function jestArgs(suites, skip = [], extra = []) {
	return [
		require.resolve('jest/bin/jest'),
		'--config',
		'test/e2e/jest.config.js',
		...suites,
		// the `=` form: jest reads any further word after a bare --testPathIgnorePatterns as one more pattern
		...skip.map((s) => `--testPathIgnorePatterns=${s}`),
		...extra,
	];
}

/** Runs one jest run of e2e suites on one release; its output lines carry `label`. */
function lane(label, version, suites, skip) {
	const started = Date.now();
	const child = spawn(process.execPath, jestArgs(suites, skip), {
		cwd: ROOT,
		stdio: ['ignore', 'pipe', 'pipe'],
		env: { ...process.env, N8N_VERSION: version },
	});
	for (const stream of [child.stdout, child.stderr]) {
		readline
			.createInterface({ input: stream })
			.on('line', (line) => process.stdout.write(`[${label}] ${line}\n`));
	}
	return new Promise((resolve) =>
		child.on('exit', (code) =>
			resolve({ status: code ?? 1, seconds: Math.round((Date.now() - started) / 1000) }),
		),
	);
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
	const built = spawnSync(NPM, ['run', 'build', '--silent'], { cwd: ROOT, stdio: 'inherit' });
	if (built.status) process.exit(built.status);
	// suites named on the command line (e.g. test/e2e/examples) replace the release's list
	const extra = process.argv.slice(4);
	const named = extra.filter((a, i) => !a.startsWith('-') && !extra[i - 1]?.startsWith('-'));
	const { status } = spawnSync(
		process.execPath,
		named.length
			? jestArgs([], [], extra)
			: jestArgs([...release.suites, ...(release.long ?? [])], release.skip, extra),
		{
			cwd: ROOT,
			stdio: 'inherit',
			env: { ...process.env, N8N_VERSION: release.version },
		},
	);
	process.exit(status ?? 1);
}

(async () => {
	const started = Date.now();
	const seconds = () => Math.round((Date.now() - started) / 1000);
	const installs = installInBackground();
	const times = [];
	const quick = spawnSync(NPM, ['test'], { cwd: ROOT, stdio: 'inherit' });
	times.push(['npm test, done at', seconds()]);
	let failed = quick.status !== 0;
	const results = [];
	const ready = async (version) => {
		try {
			await installs.ready(version);
			times.push([`n8n ${version} installed (background), at`, seconds()]);
		} catch (error) {
			console.error(error.message);
			process.exit(1);
		}
	};
	const [first, ...others] = RELEASES;
	await ready(first.version);
	const long = (async () => {
		results.push([
			`e2e n8n ${first.version}: ${LONG.map((s) => path.basename(s)).join(', ')}`,
			await lane(`${first.version} long`, first.version, LONG),
		]);
		for (const release of others.filter((r) => r.long)) {
			await ready(release.version);
			results.push([
				`e2e n8n ${release.version}: ${release.long.map((s) => path.basename(s)).join(', ')}`,
				await lane(`${release.version} long`, release.version, release.long),
			]);
		}
	})();
	const rest = (async () => {
		results.push([
			`e2e n8n ${first.version}: the others`,
			await lane(first.version, first.version, first.suites, [...(first.skip ?? []), ...LONG]),
		]);
		for (const release of others) {
			await ready(release.version);
			results.push([
				`e2e n8n ${release.version}`,
				await lane(release.version, release.version, release.suites, release.skip),
			]);
		}
	})();
	await Promise.all([long, rest]);
	await installs.done();
	for (const [what, r] of results) {
		times.push([what, r.seconds]);
		failed ||= r.status !== 0;
	}
	times.push(['total', seconds()]);
	console.log(
		`\ntest:all ${failed ? 'FAILED' : 'passed'}; seconds:\n${times.map(([what, s]) => `  ${String(s).padStart(5)}  ${what}`).join('\n')}`,
	);
	process.exit(failed ? 1 : 0);
})();
