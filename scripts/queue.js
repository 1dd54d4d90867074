'use strict';
// n8n's queue mode on this machine, for the scale-out test and benchmark: Redis and PostgreSQL
// (Debian's packages, installed when missing) run as the user's own processes on free loopback
// ports, then n8n main + N workers share them, with this package installed as a community package.
// Everything lives in one temp folder and stops with stop().
const { execFileSync, spawn } = require('node:child_process');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');

const n8n = require('./n8n');

const PG_BIN = () => {
	const root = '/usr/lib/postgresql';
	const version = fs.existsSync(root) ? fs.readdirSync(root).sort().pop() : undefined;
	return version ? path.join(root, version, 'bin') : undefined;
};

/** Debian's redis-server and postgresql, installed when missing (root, or sudo). */
function ensureServices() {
	if (fs.existsSync('/usr/bin/redis-server') && PG_BIN()) return;
	const sudo = process.getuid?.() === 0 ? [] : ['sudo'];
	const apt = (args) =>
		execFileSync(sudo[0] ?? 'apt-get', [...(sudo.length ? ['apt-get'] : []), ...args], {
			stdio: 'ignore',
			env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' },
		});
	n8n.log('installing Debian packages redis-server and postgresql (first run only)…');
	try {
		apt(['install', '-y', 'redis-server', 'postgresql']);
	} catch {
		apt(['update']);
		apt(['install', '-y', 'redis-server', 'postgresql']);
	}
}

async function waitFor(what, check, timeoutMs = 300000) {
	const deadline = Date.now() + timeoutMs;
	for (;;) {
		try {
			if (await check()) return;
		} catch {
			/* not yet */
		}
		if (Date.now() > deadline) throw new Error(`queue mode: timed out waiting for ${what}`);
		await new Promise((r) => setTimeout(r, 300));
	}
}

function portOpen(port) {
	return new Promise((resolve) => {
		const socket = require('node:net').connect(port, '127.0.0.1');
		socket.once('connect', () => (socket.destroy(), resolve(true)));
		socket.once('error', () => resolve(false));
	});
}

/** PostgreSQL refuses to run as root: as root, its files and process belong to the postgres user. */
function asDbUser(bin, args, options = {}) {
	const root = process.getuid?.() === 0;
	return root
		? spawn('runuser', ['-u', 'postgres', '--', bin, ...args], options)
		: spawn(bin, args, options);
}

function runAsDbUser(bin, args) {
	const root = process.getuid?.() === 0;
	execFileSync(root ? 'runuser' : bin, root ? ['-u', 'postgres', '--', bin, ...args] : args, {
		stdio: 'ignore',
	});
}

/**
 * A local npm registry that serves this package's packed tarball (name and version from
 * package.json), for n8n's env-managed install (N8N_COMMUNITY_PACKAGES). Resolves with { url, name,
 * version, close() }.
 */
async function localRegistry(dir) {
	const { name, version } = JSON.parse(
		fs.readFileSync(path.join(n8n.ROOT, 'package.json'), 'utf8'),
	);
	execFileSync('npm', ['pack', '--silent', '--pack-destination', dir], {
		cwd: n8n.ROOT,
		stdio: 'ignore',
	});
	const tarball = fs.readdirSync(dir).find((f) => f.endsWith('.tgz'));
	const bytes = fs.readFileSync(path.join(dir, tarball));
	const crypto = require('node:crypto');
	const server = require('node:http').createServer((req, res) => {
		const url = new URL(req.url, 'http://localhost');
		const base = `http://127.0.0.1:${server.address().port}`;
		const manifest = {
			name,
			version,
			dist: {
				tarball: `${base}/${name}/-/${tarball}`,
				shasum: crypto.createHash('sha1').update(bytes).digest('hex'),
				integrity: `sha512-${crypto.createHash('sha512').update(bytes).digest('base64')}`,
			},
		};
		const json = (body) => {
			res.writeHead(200, { 'content-type': 'application/json' });
			res.end(JSON.stringify(body));
		};
		const pathname = decodeURIComponent(url.pathname);
		if (pathname === `/${name}`)
			return json({ name, 'dist-tags': { latest: version }, versions: { [version]: manifest } });
		if (pathname === `/${name}/${version}` || pathname === `/${name}/latest`) return json(manifest);
		if (pathname === `/${name}/-/${tarball}`) {
			res.writeHead(200, { 'content-type': 'application/octet-stream' });
			return res.end(bytes);
		}
		res.writeHead(404, { 'content-type': 'application/json' });
		res.end('{"error":"not found"}');
	});
	await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
	return {
		url: `http://127.0.0.1:${server.address().port}`,
		name,
		version,
		close: () => new Promise((resolve) => server.close(resolve)),
	};
}

/**
 * n8n 2.41 runs `npm ... --registry=<N8N_COMMUNITY_PACKAGES_REGISTRY>` and accepts a registry other
 * than registry.npmjs.org only with a license for custom registries. This folder's `npm`, first on
 * n8n's PATH, stands in for that setting: the same npm command, with the local registry instead.
 */
function npmToRegistry(dir, registryUrl) {
	const bin = path.join(dir, 'npm-shim');
	fs.mkdirSync(bin, { recursive: true });
	const real = execFileSync('sh', ['-c', 'command -v npm'], { encoding: 'utf8' }).trim();
	fs.writeFileSync(
		path.join(bin, 'npm'),
		[
			'#!/bin/sh',
			'for a in "$@"; do',
			'  shift',
			`  case "$a" in --registry=*) a="--registry=${registryUrl}" ;; esac`,
			'  set -- "$@" "$a"',
			'done',
			`exec "${real}" "$@"`,
			'',
		].join('\n'),
		{ mode: 0o755 },
	);
	return bin;
}

/**
 * Starts Redis, PostgreSQL, n8n main and `workers` workers; imports the credential for `sandboxUrl`
 * and the given workflows (activated). Resolves with { mainUrl, stop() }.
 *
 * `install`: 'folder' (default) installs the package by hand into the one user folder all processes
 * share; 'env' gives every process a user folder of its own and lets n8n install the package itself
 * from N8N_COMMUNITY_PACKAGES (n8n 2.21+; docs/queue-mode.md#installing-the-package).
 */
async function startQueueMode({
	sandboxUrl,
	workers,
	workflows,
	credential = {},
	install = 'folder',
}) {
	ensureServices();
	const bin = n8n.ensureN8n();
	const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'n8n-athena-queue-'));
	fs.chmodSync(dir, 0o755);
	const children = [];
	const stop = async () => {
		await Promise.all(
			children.reverse().map((child) => (child.close ? child.close() : n8n.stopProcess(child))),
		);
		n8n.removeFolder(dir);
	};
	try {
		const redisPort = n8n.freePortSync();
		const redis = spawn(
			'/usr/bin/redis-server',
			[
				'--port',
				String(redisPort),
				'--bind',
				'127.0.0.1',
				'--save',
				'',
				'--appendonly',
				'no',
				'--dir',
				dir,
			],
			{ stdio: 'ignore', detached: true },
		);
		children.push(redis);

		const pgBin = PG_BIN();
		const pgData = path.join(dir, 'pg');
		fs.mkdirSync(pgData);
		if (process.getuid?.() === 0) execFileSync('chown', ['postgres:postgres', pgData]);
		runAsDbUser(path.join(pgBin, 'initdb'), [
			'-D',
			pgData,
			'-A',
			'trust',
			'-U',
			'n8n',
			'--no-sync',
		]);
		const pgPort = n8n.freePortSync();
		const pg = asDbUser(
			path.join(pgBin, 'postgres'),
			[
				'-D',
				pgData,
				'-p',
				String(pgPort),
				'-k',
				pgData,
				'-c',
				'listen_addresses=127.0.0.1',
				'-c',
				'fsync=off',
			],
			{ stdio: 'ignore', detached: true },
		);
		children.push(pg);
		await waitFor(
			'PostgreSQL and Redis',
			async () => (await portOpen(pgPort)) && (await portOpen(redisPort)),
		);
		await waitFor(
			'the n8n database',
			async () => {
				runAsDbUser(path.join(pgBin, 'createdb'), [
					'-h',
					'127.0.0.1',
					'-p',
					String(pgPort),
					'-U',
					'n8n',
					'n8n',
				]);
				return true;
			},
			30000,
		);

		const userFolder = path.join(dir, 'n8n-user');
		fs.mkdirSync(userFolder);
		let fromEnv = {};
		if (install === 'env') {
			const registry = await localRegistry(dir);
			children.push({ close: registry.close });
			fromEnv = {
				N8N_COMMUNITY_PACKAGES: JSON.stringify([
					{ name: registry.name, version: registry.version },
				]),
				N8N_COMMUNITY_PACKAGES_MANAGED_BY_ENV: 'true',
				// no checksum: n8n's list of verified packages does not have it
				N8N_UNVERIFIED_PACKAGES_ENABLED: 'true',
				// a worker installs what main installed (recorded in the database) when it starts
				N8N_REINSTALL_MISSING_PACKAGES: 'true',
				PATH: `${npmToRegistry(dir, registry.url)}${path.delimiter}${n8n.nodeEnv().PATH}`,
				npm_config_cache: path.join(dir, 'npm-cache'),
			};
		} else n8n.installPackage(userFolder);
		const shared = {
			EXECUTIONS_MODE: 'queue',
			QUEUE_BULL_REDIS_HOST: '127.0.0.1',
			QUEUE_BULL_REDIS_PORT: String(redisPort),
			DB_TYPE: 'postgresdb',
			DB_POSTGRESDB_HOST: '127.0.0.1',
			DB_POSTGRESDB_PORT: String(pgPort),
			DB_POSTGRESDB_DATABASE: 'n8n',
			DB_POSTGRESDB_USER: 'n8n',
			DB_POSTGRESDB_PASSWORD: '',
			N8N_ENCRYPTION_KEY: 'queue-mode-test-key',
			...fromEnv,
		};
		n8n.importWorkflows(bin, userFolder, sandboxUrl, workflows, { credential, extra: shared });

		const mainPort = n8n.freePortSync();
		const main = n8n.startN8n(bin, userFolder, mainPort, shared);
		children.push(main.child);
		await main.ready;
		for (let w = 0; w < workers; w++) {
			const healthPort = n8n.freePortSync();
			const workerFolder = install === 'env' ? path.join(dir, `n8n-worker-${w + 1}`) : userFolder;
			fs.mkdirSync(workerFolder, { recursive: true });
			const worker = n8n.spawnN8n(bin, workerFolder, ['worker', '--concurrency=10'], {
				...shared,
				QUEUE_HEALTH_CHECK_ACTIVE: 'true',
				QUEUE_HEALTH_CHECK_PORT: String(healthPort),
				N8N_PORT: String(healthPort),
			});
			children.push(worker.child);
			await waitFor(
				`worker ${w + 1}`,
				async () => (await fetch(`http://127.0.0.1:${healthPort}/healthz`)).ok,
				180000,
			);
		}
		return { mainUrl: `http://localhost:${mainPort}`, stop, output: main.output };
	} catch (error) {
		await stop();
		throw error;
	}
}

module.exports = { startQueueMode };
