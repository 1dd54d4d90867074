// Tokens: errors of their own kind from athena's token endpoint, a token 429 waited out, and one
// token request per expiry however many pages and executions are in flight.
import { setTokenClock } from '../../dist/nodes/Athenahealth/transport/token';
import { runNodes, sandboxCredentials } from '../harness/n8n';
import { control, counters, fault, sandbox, settings, type Sandbox } from '../harness/sandbox';

let sb: Sandbox;
beforeAll(async () => {
	sb = await sandbox({
		patients: 2500,
		clients: [
			{ id: 'sandbox-client', secret: 'sandbox-secret' },
			// an app that holds only the athenaNet scope and Patient.read
			{
				id: 'narrow-client',
				secret: 'narrow-secret',
				scopes: ['athena/service/Athenanet.MDP.*', 'system/Patient.read'],
			},
			...['t1', 't2', 't3', 't4', 't5', 't6'].map((id) => ({
				id: `${id}-client`,
				secret: `${id}-secret`,
			})),
		],
	});
});
afterAll(() => sb.close());
beforeEach(async () => {
	await control(sb, 'DELETE', '/_control/faults');
	await control(sb, 'POST', '/_control/reset-counters');
	await settings(sb, {
		tokenRateLimit: 50,
		tokenRetryAfter: 'seconds',
		tokenLifetimeSeconds: 3600,
		qps: 0,
		pageCap: 40,
	});
});

const departments = { resource: 'department', operation: 'getAll', returnAll: true };
// with the sandbox's page cap at 40, a department's patients come in several pages, 3 in flight
const patients = {
	resource: 'patient',
	operation: 'getAll',
	departmentId: { __rl: true, mode: 'id', value: '1' },
	status: 'active',
	returnAll: true,
};

test.each(['okta', 'empty'])(
	'a wrong client secret is credential-invalid, with athena\'s words and the fix (not "Could not reach athena"); 401 body reading "%s"',
	async (tokenInvalidClientBody) => {
		await settings(sb, { tokenInvalidClientBody });
		const creds = sandboxCredentials({ url: sb.url, clientId: 't1-client', clientSecret: 'wrong' });
		const { error } = await runNodes(creds, [{ parameters: departments }]);
		await settings(sb, { tokenInvalidClientBody: 'okta' });
		expect(error?.message).toBe('athena did not accept the client ID and secret');
		expect(error?.description).toMatch(
			tokenInvalidClientBody === 'okta'
				? /athena said: "invalid_client" "Client authentication failed\."/
				: /athena said: nothing \(no error body\)/,
		);
		expect(error?.description).toMatch(/Check the client ID and secret/);
		expect(error?.failure).toMatchObject({ cause: 'credential-invalid' });
		expect(`${error?.message} ${error?.description}`).not.toMatch(
			/Network error|Could not reach|wrong/,
		);
		expect((await counters(sb)).requests).toBe(1); // the token request only
	},
);

test('scopes the app does not hold are scope-denied, naming what was asked for', async () => {
	const creds = sandboxCredentials({
		url: sb.url,
		clientId: 'narrow-client',
		clientSecret: 'narrow-secret',
		enableFhir: true,
	});
	const { error } = await runNodes(creds, [{ parameters: departments }]);
	expect(error?.message).toBe('athena refused the scopes this credential asks for');
	expect(error?.description).toMatch(/"access_denied" "Policy evaluation failed/);
	expect(error?.description).toMatch(/system\/Encounter\.read/);
	expect(error?.failure).toMatchObject({ cause: 'scope-denied' });
});

test('a token 429 with Retry-After is waited out within the execution', async () => {
	await fault(sb, {
		path: '/oauth2/v1/token$',
		status: 429,
		headers: { 'Retry-After': '1' },
		body: { error: 'too_many_requests' },
	});
	const creds = sandboxCredentials({
		url: sb.url,
		clientId: 't2-client',
		clientSecret: 't2-secret',
	});
	const started = Date.now();
	const { output, error } = await runNodes(creds, [{ parameters: departments }]);
	expect(error).toBeUndefined();
	expect(Date.now() - started).toBeGreaterThanOrEqual(1000);
	expect(output('athenahealth')).toHaveLength(sb.state.departments.length);
	const c = await counters(sb);
	expect((c.log as string[]).filter((l) => l === 'POST /oauth2/v1/token')).toHaveLength(2);
	expect(c.tokensIssued).toBe(1);
});

/**
 * Runs `body` on virtual time: real time plus `ahead`, read by the token holder (through its clock)
 * and by the sandbox, which counts athena's tokens per minute on Date.now and has no clock of its
 * own to replace. A wait the token holder asks for moves `ahead` on at once instead of passing.
 */
async function onVirtualTime(
	body: (clock: { now: () => number; waits: number[] }) => Promise<void>,
): Promise<void> {
	const realNow = Date.now.bind(Date);
	let ahead = 0;
	const now = () => realNow() + ahead;
	const waits: number[] = [];
	jest.spyOn(Date, 'now').mockImplementation(now);
	setTokenClock({
		now,
		sleep: async (ms) => {
			waits.push(ms);
			ahead += ms;
		},
	});
	try {
		// start 5 s into a minute, so what comes before the wait falls within one token window
		ahead = 65_000 - (realNow() % 60_000);
		await body({ now, waits });
	} finally {
		setTokenClock();
		jest.restoreAllMocks();
	}
}

test.each(['seconds', 'none'])(
	'over athena\'s token limit (Retry-After reading "%s"), a new token is waited for until the next minute',
	async (tokenRetryAfter) => {
		await onVirtualTime(async ({ now, waits }) => {
			await settings(sb, { tokenRateLimit: 1, tokenRetryAfter });
			// this minute's one token
			const a = sandboxCredentials({
				url: sb.url,
				clientId: tokenRetryAfter === 'none' ? 't3-client' : 't4-client',
				clientSecret: tokenRetryAfter === 'none' ? 't3-secret' : 't4-secret',
			});
			expect((await runNodes(a, [{ parameters: departments }])).error).toBeUndefined();
			// athena revokes it: the next token is the second this minute, over the limit of 1
			await control(sb, 'POST', '/_control/expire-tokens');
			const minute = Math.floor(now() / 60000);
			const { error } = await runNodes(a, [{ parameters: departments }]);
			expect(error).toBeUndefined();
			expect(Math.floor(now() / 60000)).toBeGreaterThan(minute);
			expect(waits).toHaveLength(1); // one wait, into the next minute, and nothing waited in real time
			const c = await counters(sb);
			expect(c.served429).toBe(0);
			expect(c.status['429']).toBe(1); // the token endpoint refused once, then the node waited
		});
	},
);

test('pages and executions in flight share one token; a refused token is replaced by exactly one new one', async () => {
	const creds = () =>
		sandboxCredentials({ url: sb.url, clientId: 't5-client', clientSecret: 't5-secret' });
	const runs = await Promise.all(
		[1, 2, 3].map(() => runNodes(creds(), [{ parameters: patients }])),
	);
	for (const r of runs) expect(r.error).toBeUndefined();
	expect(runs[0].output('athenahealth').length).toBeGreaterThan(80);
	let c = await counters(sb);
	expect(c.tokenRequests).toBe(1);
	await control(sb, 'POST', '/_control/reset-counters');
	await control(sb, 'POST', '/_control/expire-tokens');
	const again = await Promise.all(
		[1, 2, 3].map(() => runNodes(creds(), [{ parameters: patients }])),
	);
	for (const r of again) expect(r.error).toBeUndefined();
	c = await counters(sb);
	expect(c.tokenRequests).toBe(1);
	// each request already on its way with the refused token gets one 401; none is sent twice
	expect(c.status['401']).toBeLessThanOrEqual(3);
});

test('a token that reaches its lifetime is renewed before athena refuses it: no 401 at all', async () => {
	await settings(sb, { tokenLifetimeSeconds: 4 });
	const creds = sandboxCredentials({
		url: sb.url,
		clientId: 't6-client',
		clientSecret: 't6-secret',
	});
	expect((await runNodes(creds, [{ parameters: departments }])).error).toBeUndefined();
	await new Promise((r) => setTimeout(r, 3100)); // past the renewal point (a quarter before expiry)
	const runs = await Promise.all([1, 2, 3].map(() => runNodes(creds, [{ parameters: patients }])));
	for (const r of runs) expect(r.error).toBeUndefined();
	const c = await counters(sb);
	expect(c.tokenRequests).toBe(2);
	expect(c.status['401'] ?? 0).toBe(0);
});
