// Every transport rule, exercised through n8n's engine (WorkflowExecute + n8n-core's OAuth2 path)
// against the sandbox over HTTP.
import '../setup/debugLogs';
import { Logger } from '@n8n/backend-common';
import { Container } from '@n8n/di';

import { captureLogs } from '../harness/logs';
import { runNodes, sandboxCredentials, type MemoryCredentials } from '../harness/n8n';
import {
	control,
	counters,
	fault,
	hits,
	sandbox,
	settings,
	type Sandbox,
} from '../harness/sandbox';

let sb: Sandbox;
let creds: MemoryCredentials;
let logLines: string[] = [];

beforeAll(async () => {
	sb = await sandbox({
		clients: [
			{ id: 'sandbox-client', secret: 'sandbox-secret' },
			{ id: 'other-client', secret: 'other-secret' },
		],
	});
	creds = sandboxCredentials({ url: sb.url });
	logLines = captureLogs();
});
afterAll(() => sb.close());
beforeEach(async () => {
	await control(sb, 'DELETE', '/_control/faults');
	await control(sb, 'POST', '/_control/reset-counters');
	await settings(sb, { qps: 0, retryAfter: 'seconds', legacyThrottle: false });
});

const departments = { resource: 'department', operation: 'getAll', returnAll: true };
const custom = (p: object) => ({ resource: 'customApiCall', operation: 'call', ...p });

test('a 429 with Retry-After: 2 is waited (≥ 2 s) and the call then succeeds', async () => {
	await fault(sb, {
		path: '/departments$',
		status: 429,
		headers: { 'Retry-After': '2' },
		body: { error: 'Too many requests.' },
	});
	const started = Date.now();
	const { output, error } = await runNodes(creds, [{ parameters: departments }]);
	const elapsed = Date.now() - started;
	expect(error).toBeUndefined();
	expect(elapsed).toBeGreaterThanOrEqual(2000);
	expect(output('athenahealth')).toHaveLength(sb.state.departments.length);
	const c = await counters(sb);
	expect(c.status['429']).toBe(1);
	expect(c.byPath['GET /v1/{id}/departments']).toBe(1);
});

test('an HTTP-date Retry-After is honoured', async () => {
	const at = new Date(Date.now() + 3000).toUTCString(); // second resolution: waits 2–3 s
	await fault(sb, {
		path: '/departments$',
		status: 429,
		headers: { 'Retry-After': at },
		body: { error: 'Too many requests.' },
	});
	const started = Date.now();
	const { output, error } = await runNodes(creds, [{ parameters: departments }]);
	expect(error).toBeUndefined();
	expect(Date.now() - started).toBeGreaterThanOrEqual(1900);
	expect(output('athenahealth').length).toBeGreaterThan(0);
});

test('athena\'s legacy 403 "Developer Over Qps" is retried like a 429', async () => {
	await fault(sb, {
		path: '/departments$',
		status: 403,
		body: '<h1>Developer Over Qps</h1>',
		headers: {
			'Content-Type': 'text/xml',
			'X-Mashery-Error-Code': 'ERR_403_DEVELOPER_OVER_QPS',
			'Retry-After': '1',
		},
	});
	const { output, error } = await runNodes(creds, [{ parameters: departments }]);
	expect(error).toBeUndefined();
	expect(output('athenahealth').length).toBe(sb.state.departments.length);
});

// The transport holds one token per credential per process (transport/token.ts): a 401 fetches one
// new token and retries once; the stale token is not sent again.
test('a 401 fetches exactly one new token and retries exactly once', async () => {
	await runNodes(creds, [{ parameters: departments }]); // make sure a token is held
	await control(sb, 'POST', '/_control/reset-counters');
	await control(sb, 'POST', '/_control/expire-tokens');
	const { output, error } = await runNodes(creds, [{ parameters: departments }]);
	expect(error).toBeUndefined();
	expect(output('athenahealth').length).toBe(sb.state.departments.length);
	const c = await counters(sb);
	expect(c.tokenRequests).toBe(1);
	expect(c.tokensIssued).toBe(1);
	expect(c.status['401']).toBe(1);
	expect(c.byPath['GET /v1/{id}/departments']).toBe(1); // only the request with the new token got through
});

test('a POST is not retried on 503, and the error says why', async () => {
	await fault(sb, { method: 'POST', path: '/appointmentreminders$', status: 503 });
	const { error } = await runNodes(creds, [
		{
			parameters: custom({
				method: 'POST',
				path: '/appointments/appointmentreminders',
				form: {
					field: [
						{ name: 'patientid', value: '1' },
						{ name: 'departmentid', value: '1' },
						{ name: 'approximatedate', value: '12/01/2026' },
					],
				},
			}),
		},
	]);
	expect(error?.message).toMatch(/not repeated because it may already have taken effect/);
	expect(error?.httpCode).toBe('503');
	expect((await counters(sb)).requests).toBe(1);
	expect(sb.state.reminders.size).toBe(0);
});

test('a GET is retried on 503 and on a dropped connection', async () => {
	await fault(sb, { path: '/departments$', status: 503, headers: { 'Retry-After': '0' } });
	await fault(sb, { path: '/departments$', reset: true });
	const { output, error } = await runNodes(creds, [{ parameters: departments }]);
	expect(error).toBeUndefined();
	expect(output('athenahealth').length).toBe(sb.state.departments.length);
});

test('a three-page next chain yields every record exactly once', async () => {
	const { output, error } = await runNodes(creds, [
		{ parameters: custom({ method: 'GET', path: '/departments', paginate: true, pageSize: 5 }) },
	]);
	expect(error).toBeUndefined();
	const ids = output('athenahealth').map((i) => i.json.departmentid);
	expect(ids).toEqual(sb.state.departments.map((d: { departmentid: string }) => d.departmentid));
	expect(new Set(ids).size).toBe(13);
	expect(await hits(sb, 'GET /v1/{id}/departments')).toBe(3);
});

test('Max Records stops paging early and asks only for what it needs', async () => {
	const { output } = await runNodes(creds, [
		{
			parameters: custom({
				method: 'GET',
				path: '/departments',
				paginate: true,
				pageSize: 5,
				maxRecords: 7,
			}),
		},
	]);
	expect(output('athenahealth')).toHaveLength(7);
	expect(await hits(sb, 'GET /v1/{id}/departments')).toBe(2);
});

test('a repeated page stops paging with an error instead of looping', async () => {
	const page = {
		departments: [{ departmentid: '1' }],
		totalcount: 99,
		next: '/v1/195900/departments?offset=1',
	};
	await fault(sb, { path: '/departments$', status: 200, body: page, count: 1 });
	await fault(sb, { path: '/departments$', status: 200, body: page, count: 1 });
	const { error } = await runNodes(creds, [
		{ parameters: custom({ method: 'GET', path: '/departments', paginate: true, pageSize: 1 }) },
	]);
	expect(error?.message).toMatch(/same page twice/);
	// the first page, then at most the pages already in flight when the repeat was seen (3): no loop
	expect((await counters(sb)).requests).toBeLessThanOrEqual(1 + 3);
});

test("athena's error body becomes a NodeApiError naming the missing fields", async () => {
	const { error } = await runNodes(creds, [
		{
			parameters: custom({
				method: 'POST',
				path: '/patients',
				form: { field: [{ name: 'firstname', value: 'Ana' }] },
			}),
		},
	]);
	expect(error?.message).toBe('Additional fields are required.');
	expect(error?.description).toMatch(/Missing fields: lastname, dob, departmentid/);
	expect(error?.httpCode).toBe('400');
});

test('HTTP-200 failure bodies are errors: success "false" with errormessage, and a bare string', async () => {
	const bad = await runNodes(creds, [
		{
			parameters: custom({
				method: 'POST',
				path: '/chart/1/problems',
				form: { field: [{ name: 'snomedcode', value: '0' }] },
			}),
		},
	]);
	expect(bad.error?.message).toBe("Submitted snomedcode of '0' is not valid.");
	const appointmentId = [...sb.state.appointments.keys()][0];
	const bare = await runNodes(creds, [
		{
			parameters: custom({
				method: 'PUT',
				path: `/appointments/booked/${appointmentId}`,
				form: { field: [{ name: 'providerid', value: '99999' }] },
			}),
		},
	]);
	expect(bare.error?.message).toBe('Invalid PROVIDERID input');
	const ok = await runNodes(creds, [
		{
			parameters: custom({
				method: 'PUT',
				path: `/appointments/booked/${appointmentId}`,
				form: { field: [{ name: 'providerid', value: '71' }] },
			}),
		},
	]);
	expect(ok.error).toBeUndefined();
	expect(ok.output('athenahealth')[0].json.result).toBe(1);
});

test('a non-JSON gateway body becomes a readable error', async () => {
	await fault(sb, {
		method: 'POST',
		status: 502,
		body: '<html><body><h1>Bad Gateway</h1></body></html>',
		headers: { 'Content-Type': 'text/html' },
	});
	const { error } = await runNodes(creds, [
		{ parameters: custom({ method: 'POST', path: '/appointments/appointmentreminders' }) },
	]);
	expect(error?.description).toMatch(/Gateway said: Bad Gateway/);
	expect(error?.message).not.toMatch(/<h1>/);
});

test('a practice outside the credential is refused before any request', async () => {
	const { error } = await runNodes(creds, [
		{ parameters: { ...departments, practiceId: '1128700' } },
	]);
	expect(error?.message).toBe('Practice 1128700 is not allowed by this credential');
	expect((await counters(sb)).requests).toBe(0);
	const allowed = sandboxCredentials({ url: sb.url, allowedPracticeIds: '1128700' });
	const ok = await runNodes(allowed, [{ parameters: { ...departments, practiceId: '1128700' } }]);
	expect(ok.error).toBeUndefined();
});

test('ids that are not digits never reach a URL', async () => {
	// n8n's own locator validation refuses these when typed; expressions bypass it, so the node checks again
	for (const id of ['1/../../admin', '12 OR 1=1', 'abc', '-1', '']) {
		const { error } = await runNodes(
			creds,
			[
				{
					parameters: {
						resource: 'department',
						operation: 'get',
						departmentId: { __rl: true, mode: 'id', value: '={{ $json.id }}' },
					},
				},
			],
			[{ id }],
		);
		expect(error?.message).toMatch(/^Department must be a numeric athena ID/);
	}
	const path = await runNodes(creds, [
		{ parameters: custom({ method: 'GET', path: '/patients/../../oauth2' }) },
	]);
	expect(path.error?.message).toMatch(/^Path must be an athenaNet path/);
	expect((await counters(sb)).requests).toBe(0);
});

test('the execution cancel signal ends a Retry-After wait', async () => {
	// a path no other test pages through, so no request still in flight from an earlier test takes the fault
	await fault(sb, { path: '/providers$', status: 429, headers: { 'Retry-After': '30' } });
	// its own client: the 30 s pause athena asked for rightly holds back later calls on the same key
	const other = sandboxCredentials({
		url: sb.url,
		clientId: 'other-client',
		clientSecret: 'other-secret',
	});
	const { run } = await runNodes(
		other,
		[{ parameters: custom({ method: 'GET', path: '/providers' }) }],
		[{}],
		{ cancelAfterMs: 700 },
	);
	// what the code did: one call answered 429, then the wait ended by the cancel (a finished wait would call again)
	expect(run.status).toBe('canceled');
	const c = await counters(sb);
	expect(c.status['429']).toBe(1);
	expect(c.byPath['GET /v1/{id}/providers']).toBeUndefined();
});

test('a Retry-After beyond the ceiling fails fast with rate-limited failure metadata', async () => {
	await fault(sb, { path: '/departments$', status: 429, headers: { 'Retry-After': '3600' } });
	const { error } = await runNodes(creds, [{ parameters: departments }]);
	expect(error?.message).toMatch(/asked to wait 3600 s/);
	expect(error?.failure).toEqual({ cause: 'rate-limited', retryAfterMs: 3600000 });
});

test('the throttle keeps a 5 requests/s limit: no 429 is served or surfaced', async () => {
	await settings(sb, { qps: 5 });
	const limited = sandboxCredentials({
		url: sb.url,
		requestsPerSecond: 5,
		clientId: 'sandbox-client',
	});
	const started = Date.now();
	const { output, error } = await runNodes(limited, [
		{ parameters: custom({ method: 'GET', path: '/departments', paginate: true, pageSize: 1 }) },
	]);
	expect(error).toBeUndefined();
	expect(output('athenahealth')).toHaveLength(13);
	const c = await counters(sb);
	expect(c.served429).toBe(0);
	expect(c.maxPerSecond).toBeLessThanOrEqual(6);
	expect(Date.now() - started).toBeGreaterThanOrEqual(2000); // 13 calls at 5/s cannot finish faster
});

test('On Error (continue) keeps going, with the failing item index', async () => {
	const { output, error } = await runNodes(
		creds,
		[
			{
				parameters: {
					resource: 'department',
					operation: 'get',
					departmentId: { __rl: true, mode: 'id', value: '={{ $json.id }}' },
				},
				onError: 'continueRegularOutput',
			},
		],
		[{ id: '1' }, { id: 'x' }, { id: '21' }],
	);
	expect(error).toBeUndefined();
	const items = output('athenahealth');
	expect(items.map((i) => i.json.departmentid ?? i.json.error)).toEqual([
		'1',
		expect.stringMatching(/numeric athena ID/),
		'21',
	]);
	expect(items.map((i) => i.pairedItem)).toEqual([{ item: 0 }, { item: 1 }, { item: 2 }]);
	expect(items[1].json.itemIndex).toBe(1);
});

test('the client secret and tokens appear in no output, error or log line', async () => {
	await fault(sb, {
		path: '/departments$',
		status: 401,
		body: { error: 'Incorrect permissions.', detailedmessage: 'Bad auth.' },
		count: 10,
	});
	const failed = await runNodes(creds, [{ parameters: departments }]);
	await control(sb, 'DELETE', '/_control/faults');
	const ok = await runNodes(creds, [{ parameters: departments }]);
	const wrong = sandboxCredentials({ url: sb.url, clientSecret: 'not-the-secret-xyz' });
	const denied = await runNodes(wrong, [{ parameters: departments }]);
	expect(failed.error).toBeDefined();
	expect(denied.error).toBeDefined();
	const tokens = [...(sb as unknown as { tokens: Map<string, unknown> }).tokens.keys()];
	expect(tokens.length).toBeGreaterThan(0);
	Container.get(Logger).warn('log capture probe');
	expect(logLines.some((l) => /log capture probe/.test(l))).toBe(true); // the log capture is live
	const everything = JSON.stringify([
		failed.run,
		ok.run,
		denied.run,
		failed.error,
		denied.error,
		String(failed.error?.stack),
		logLines,
	]);
	for (const secret of ['sandbox-secret', 'not-the-secret-xyz', ...tokens])
		expect(everything).not.toContain(secret);
});
