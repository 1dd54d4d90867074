// Starts the sandbox in-process on a random port and talks to its control API over HTTP (undici).
import { request } from 'undici';

// eslint-disable-next-line @typescript-eslint/no-require-imports
const { startSandbox } = require('../../sandbox') as {
	startSandbox: (o?: object) => Promise<Sandbox>;
};

export interface Sandbox {
	url: string;
	port: number;
	close(): Promise<void>;
	state: Record<string, any>;
	settings: Record<string, any>;
	counters: Record<string, any>;
	/** access tokens it issued (token → client, scopes, expiry) */
	tokens: Map<string, unknown>;
}

export async function sandbox(options: object = {}): Promise<Sandbox> {
	const clients = ['sandbox', 'other', 'fresh', 'slow', 'a', 'b', 'c', 'd', 'e', 'f'].map(
		(name) => ({ id: `${name}-client`, secret: `${name}-secret` }),
	);
	return await startSandbox({ qps: 0, tokenRateLimit: 50, clients, ...options });
}

export async function control(
	sb: Sandbox,
	method: string,
	path: string,
	body?: unknown,
): Promise<any> {
	const res = await request(`${sb.url}${path}`, {
		// a new connection each time: a pooled one may have been closed by the sandbox while a test
		// blocked the event loop (an e2e suite's npm install), and reusing it fails with ECONNRESET
		reset: true,
		method: method as 'GET',
		body: body === undefined ? undefined : JSON.stringify(body),
		headers: { 'content-type': 'application/json' },
	});
	const text = await res.body.text();
	if (res.statusCode >= 400)
		throw new Error(`control ${method} ${path} → ${res.statusCode} ${text}`);
	return JSON.parse(text.replace(/\\\//g, '/'));
}

export const counters = (sb: Sandbox) => control(sb, 'GET', '/_control/counters');
export const fault = (sb: Sandbox, f: object) => control(sb, 'POST', '/_control/faults', f);
export const settings = (sb: Sandbox, s: object) => control(sb, 'POST', '/_control/settings', s);
export const scenario = (sb: Sandbox, steps: object | object[]) =>
	control(sb, 'POST', '/_control/scenario', steps);

/** Requests the sandbox saw for one normalized path such as "GET /v1/{id}/departments". */
export async function hits(sb: Sandbox, key: string): Promise<number> {
	return (await counters(sb)).byPath[key] ?? 0;
}
