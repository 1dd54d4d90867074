// `npm start` as a new user sees it: the printed editor URL serves the editor at once, and a second
// start (the sandbox is fresh again, n8n's user folder is not) prints no error or stack trace.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

import { freePort, n8n, waitFor } from './helpers';

const userFolder = fs.mkdtempSync(path.join(os.tmpdir(), 'n8n-athena-start-'));

/** Runs scripts/start.js until it prints the editor URL; returns that URL, what it printed, and a stop function. */
let ports: number[] | undefined;
async function start() {
	// the same ports both times, as a user's second `npm start` (the imported credential points at the sandbox's)
	ports ??= [await freePort(), await freePort()];
	const [sandboxPort, n8nPort] = ports;
	const child = spawn(process.execPath, [path.join(n8n.ROOT, 'scripts', 'start.js')], {
		env: { ...process.env, SANDBOX_PORT: String(sandboxPort), N8N_PORT: String(n8nPort), N8N_ATHENA_USER_FOLDER: userFolder },
		stdio: ['ignore', 'pipe', 'pipe'],
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
	const stop = () =>
		new Promise<void>((resolve) => {
			child.removeAllListeners('exit');
			child.on('exit', () => resolve());
			child.kill('SIGINT');
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
		180000,
	);
	return sandboxUrl;
}

afterAll(() => n8n.removeFolder(userFolder));

test('the first start prints the editor URL once the editor page is served', async () => {
	const first = await start();
	try {
		const res = await fetch(first.url);
		expect(res.status).toBe(200);
		expect(await res.text()).toMatch(/<html/i);
		// a user at work: the trigger subscribed, then turned a change into a ticket, so n8n saved its static data
		const sandboxUrl = await polled(first.printed());
		await waitFor('the subscriptions', async () => ((await (await fetch(`${sandboxUrl}/_control/subscriptions`)).json()).length >= 2 ? true : undefined), 120000);
		await fetch(`${sandboxUrl}/_control/scenario`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ action: 'cancel' }) });
		await waitFor('a ticket', async () => ((await (await fetch(`${sandboxUrl}/_sink/tickets`)).json()).length ? true : undefined), 150000);
	} finally {
		await first.stop();
	}
});

test('a second start (fresh sandbox, same n8n user folder) prints no error or stack trace', async () => {
	const second = await start();
	await polled(second.printed());
	await second.stop();
	const lines = second.printed().split('\n');
	expect(lines.filter((l) => /^\s+at\s|Error|error:/.test(l))).toEqual([]);
});
