// Shared by the end-to-end suites: a free port, polling, and one n8n with the package and examples.
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';

// eslint-disable-next-line @typescript-eslint/no-require-imports
export const n8n = require('../../scripts/n8n');

export const freePort = () =>
	new Promise<number>((resolve) => {
		const s = net.createServer().listen(0, '127.0.0.1', () => {
			const { port } = s.address() as net.AddressInfo;
			s.close(() => resolve(port));
		});
	});

export async function waitFor<T>(
	what: string,
	check: () => Promise<T | undefined>,
	timeoutMs: number,
): Promise<T> {
	const deadline = Date.now() + timeoutMs;
	for (;;) {
		const value = await check();
		if (value !== undefined) return value;
		if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
		await new Promise((r) => setTimeout(r, 1000));
	}
}

/** A fresh n8n user folder with the package installed and the examples imported for this sandbox. */
export function prepareN8n(sandboxUrl: string, activate: boolean) {
	const bin = n8n.ensureN8n() as string;
	const userFolder = fs.mkdtempSync(path.join(os.tmpdir(), 'n8n-athena-e2e-'));
	n8n.installPackage(userFolder);
	n8n.importExamples(bin, userFolder, sandboxUrl, { activate });
	return { bin, userFolder };
}
