// `npm start` as a new user runs it: the README's two commands (`npm ci && npm start`) in a fresh
// copy of the repository, with the default n8n user folder (<copy>/.cache/n8n-user, a folder below
// the repository's own package.json); only the ports are changed. The printed editor URL serves
// the editor, the example workflows are imported, and a second start (the sandbox is fresh again,
// n8n's user folder is not) prints no error or stack trace.
import { execFileSync, spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

import { freePort, n8n, waitFor } from './helpers';

const NPM = process.platform === 'win32' ? 'npm.cmd' : 'npm';
const copy = fs.mkdtempSync(path.join(os.tmpdir(), 'n8n-athena-fresh-'));
const userFolder = path.join(copy, '.cache', 'n8n-user');

/** The files git tracks (as they are in the working tree), nothing else: what a fresh clone holds. */
function freshCopy() {
	const files = execFileSync('git', ['ls-files', '-z'], { cwd: n8n.ROOT, encoding: 'utf8' })
		.split('\0')
		.filter(Boolean);
	for (const file of files) {
		const from = path.join(n8n.ROOT, file);
		if (!fs.existsSync(from)) continue; // deleted in the working tree
		fs.mkdirSync(path.dirname(path.join(copy, file)), { recursive: true });
		fs.copyFileSync(from, path.join(copy, file));
	}
}

/** npm's own variables from the `npm test` that runs this suite must not reach the user's commands. */
function userEnv(extra: Record<string, string>) {
	const env = Object.fromEntries(
		Object.entries(process.env).filter(
			([k]) => !/^npm_|^N8N_ATHENA_USER_FOLDER$|^JEST_WORKER_ID$|^NODE_ENV$/i.test(k),
		),
	);
	return { ...env, ...extra } as NodeJS.ProcessEnv;
}

/** Runs `npm start` in the copy until it prints the editor URL; returns that URL, what it printed, and a stop function. */
let ports: number[] | undefined;
async function start() {
	// the same ports both times, as a user's second `npm start` (the imported credential points at the sandbox's)
	ports ??= [await freePort(), await freePort()];
	const [sandboxPort, n8nPort] = ports;
	const child = spawn(NPM, ['start'], {
		cwd: copy,
		env: userEnv({ SANDBOX_PORT: String(sandboxPort), N8N_PORT: String(n8nPort) }),
		stdio: ['ignore', 'pipe', 'pipe'],
		detached: true,
	});
	let printed = '';
	child.stdout.on('data', (d) => (printed += d));
	child.stderr.on('data', (d) => (printed += d));
	const url = await new Promise<string>((resolve, reject) => {
		const check = setInterval(() => {
			const m = /is ready: (http:\/\/[\w.]+:\d+)/.exec(printed);
			if (m) {
				clearInterval(check);
				resolve(m[1]);
			}
		}, 100);
		child.on('exit', (code) => {
			clearInterval(check);
			reject(new Error(`npm start exited ${code}:\n${printed.slice(-3000)}`));
		});
	});
	// Ctrl+C reaches the whole process group (npm and scripts/start.js), as in a terminal
	const stop = () =>
		new Promise<void>((resolve) => {
			child.removeAllListeners('exit');
			child.on('exit', () => resolve());
			process.kill(-child.pid!, 'SIGINT');
		});
	return { url, printed: () => printed, stop };
}

/** n8n polls an activated trigger once when it activates it, then every minute: wait for a feed read. */
async function polled(printed: string): Promise<string> {
	const sandboxUrl = /athena sandbox: (http:\/\/[\w.]+:\d+)/.exec(printed)![1];
	await waitFor(
		'a poll of the trigger',
		async () => {
			const { byPath } = await (await fetch(`${sandboxUrl}/_control/counters`)).json();
			return Object.keys(byPath).some((k) => /changed/.test(k)) ? true : undefined;
		},
		300000,
	);
	return sandboxUrl;
}

beforeAll(
	() => {
		freshCopy();
		execFileSync(NPM, ['ci', '--prefer-offline', '--no-audit', '--no-fund'], {
			cwd: copy,
			env: userEnv({}),
			stdio: 'ignore',
		});
	},
	15 * 60 * 1000,
);

afterAll(() => n8n.removeFolder(copy));

test('the first start prints the editor URL once the editor page is served, with the examples imported', async () => {
	const first = await start();
	try {
		const res = await fetch(first.url);
		expect(res.status).toBe(200);
		expect(await res.text()).toMatch(/<html/i);
		// the package landed in n8n's nodes folder, not in the repository's own node_modules
		expect(
			fs.existsSync(
				path.join(userFolder, '.n8n', 'nodes', 'node_modules', 'n8n-nodes-athenahealth', 'dist'),
			),
		).toBe(true);
		expect(fs.existsSync(path.join(copy, 'node_modules', 'n8n-nodes-athenahealth'))).toBe(false);
		// and the companion package beside it (example 10's trigger)
		expect(
			fs.existsSync(
				path.join(userFolder, '.n8n', 'nodes', 'node_modules', 'n8n-nodes-hl7-mllp', 'dist'),
			),
		).toBe(true);
		// a user at work: the trigger subscribed, then turned a change into a ticket, so n8n saved its static data
		const sandboxUrl = await polled(first.printed());
		await waitFor(
			'the subscriptions',
			async () =>
				(await (await fetch(`${sandboxUrl}/_control/subscriptions`)).json()).length >= 2
					? true
					: undefined,
			300000,
		);
		await fetch(`${sandboxUrl}/_control/scenario`, {
			method: 'POST',
			headers: { 'content-type': 'application/json' },
			body: JSON.stringify({ action: 'cancel' }),
		});
		await waitFor(
			'a ticket',
			async () =>
				(await (await fetch(`${sandboxUrl}/_sink/tickets`)).json()).length ? true : undefined,
			300000,
		);
	} finally {
		await first.stop();
	}
	// every example workflow is in n8n's database
	const examples = fs.readdirSync(path.join(copy, 'examples')).filter((f) => f.endsWith('.json'));
	// n8n prints the list through its logger, at info level
	const listed = n8n.cli(n8n.ensureN8n(), userFolder, ['list:workflow'], {
		N8N_LOG_LEVEL: 'info',
	}) as string;
	for (const file of examples) {
		const { name } = JSON.parse(fs.readFileSync(path.join(copy, 'examples', file), 'utf8'));
		expect(listed).toContain(name);
	}
});

test('a second start (fresh sandbox, same n8n user folder) prints no error or stack trace', async () => {
	const second = await start();
	await polled(second.printed());
	await second.stop();
	const lines = second.printed().split('\n');
	expect(lines.filter((l) => /^\s+at\s|Error|error:/.test(l))).toEqual([]);
});
