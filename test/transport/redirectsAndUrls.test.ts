// Regressions from a review of the URL guard and the token holder: URLs the HTTP client would read
// differently from how they are written, redirects (which n8n follows with the Authorization header
// by default), and token waits.
import http from 'node:http';
import type { AddressInfo } from 'node:net';

import { forgetTokens } from '../../dist/nodes/Athenahealth/transport/token';
import { runNodes, sandboxCredentials, type MemoryCredentials } from '../harness/n8n';
import { control, counters, fault, sandbox, type Sandbox } from '../harness/sandbox';

let sb: Sandbox;
let creds: MemoryCredentials;
let other: http.Server;
let otherUrl: string;
const otherSaw: Array<{ url: string; authorization?: string }> = [];

beforeAll(async () => {
	sb = await sandbox({ patients: 20, booked: 20, openSlots: 20, days: 3 });
	creds = sandboxCredentials({ url: sb.url, enableFhir: true });
	// a server that is not athena: it records whatever reaches it
	other = http.createServer((req, res) => {
		otherSaw.push({ url: String(req.url), authorization: req.headers.authorization });
		res.writeHead(200, { 'content-type': 'application/json' }).end('{"departments":[]}');
	});
	await new Promise<void>((r) => other.listen(0, '127.0.0.1', r));
	otherUrl = `http://127.0.0.1:${(other.address() as AddressInfo).port}`;
});
afterAll(async () => {
	await sb.close();
	await new Promise((r) => other.close(r));
});
beforeEach(async () => {
	otherSaw.length = 0;
	forgetTokens();
	await control(sb, 'DELETE', '/_control/faults');
	await control(sb, 'POST', '/_control/reset-counters');
});

test('status URLs the HTTP client would rewrite (backslashes, "https:host", tabs, userinfo) are refused before any request', async () => {
	const host = sb.url.replace(/^http:\/\//, '');
	const urls = [
		`${sb.url}\\v1\\1128700\\patients/fhir/r4/x`,
		`http:${host}/v1/1128700/patients?//y/fhir/r4/a`,
		`${sb.url}/fhir/r4/\t../../v1/1128700`,
		`http://user@${host}/fhir/r4/bulkstatus/x`,
	];
	for (const operation of ['getStatus', 'cancel']) {
		const { output } = await runNodes(
			creds,
			[
				{
					parameters: { resource: 'bulkExport', operation, statusUrl: '={{ $json.t }}' },
					onError: 'continueRegularOutput',
				},
			],
			urls.map((t) => ({ t })),
		);
		expect(output('athenahealth').map((i) => typeof i.json.error)).toEqual(
			urls.map(() => 'string'),
		);
	}
	expect((await counters(sb)).log).toEqual([]);
});

test('an athenaNet answer that redirects elsewhere is not followed: the token never reaches the other server', async () => {
	await fault(sb, {
		path: '/departments$',
		status: 302,
		headers: { Location: `${otherUrl}/steal` },
		body: {},
	});
	const { error } = await runNodes(creds, [
		{ parameters: { resource: 'department', operation: 'getAll', returnAll: true } },
	]);
	expect(error?.message).toMatch(/redirect \(HTTP 302\), which was not followed/);
	expect(otherSaw).toEqual([]);
});

test("the token endpoint's redirect is not followed: the client secret never reaches the other server", async () => {
	await fault(sb, {
		path: '/oauth2/v1/token',
		status: 307,
		headers: { Location: `${otherUrl}/token` },
		body: {},
	});
	const { error } = await runNodes(creds, [
		{ parameters: { resource: 'department', operation: 'getAll', returnAll: true } },
	]);
	expect(error?.message).toMatch(/token endpoint answered a redirect/);
	expect(otherSaw).toEqual([]);
});

test('a token 429 asking for a wait beyond a minute fails at once as token-rate-limited instead of holding every execution', async () => {
	await fault(sb, {
		path: '/oauth2/v1/token',
		status: 429,
		headers: { 'Retry-After': '86400' },
		body: { error: 'too_many_requests' },
	});
	const { error } = await runNodes(creds, [
		{ parameters: { resource: 'department', operation: 'getAll', returnAll: true } },
	]);
	expect(error?.message).toMatch(/refusing new tokens/);
	expect((await counters(sb)).log).toEqual(['POST /oauth2/v1/token']); // asked once, then no waiting and no API call
});

test('a token endpoint answering 503 with an HTML page is "unavailable", not a bad client secret', async () => {
	await fault(sb, { path: '/oauth2/v1/token', status: 503 });
	const { error } = await runNodes(creds, [
		{ parameters: { resource: 'department', operation: 'getAll', returnAll: true } },
	]);
	expect(error?.message).toMatch(/token endpoint is unavailable \(HTTP 503\)/);
	expect(error?.message).not.toMatch(/client ID and secret/);
});
