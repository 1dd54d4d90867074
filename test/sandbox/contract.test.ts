// The sandbox's contract over HTTP: each verified athena behaviour it simulates
// (docs/athena-behaviour.md, OAuth to Rate limits).
import { request } from 'undici';

import { control, sandbox, type Sandbox } from '../harness/sandbox';

let sb: Sandbox;
beforeAll(async () => {
	sb = await sandbox({ patients: 1500, tokenRateLimit: 5 });
});
afterAll(() => sb.close());

const basic = (id = 'sandbox-client', secret = 'sandbox-secret') =>
	`Basic ${Buffer.from(`${id}:${secret}`).toString('base64')}`;
async function token(
	body = 'grant_type=client_credentials&scope=athena%2Fservice%2FAthenanet.MDP.*',
	headers: Record<string, string> = { authorization: basic('a-client', 'a-secret') },
) {
	const res = await request(`${sb.url}/oauth2/v1/token`, {
		method: 'POST',
		headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers },
		body,
	});
	return { status: res.statusCode, headers: res.headers, text: await res.body.text() };
}
let bearer = '';
async function get(path: string, method = 'GET', body?: string) {
	const res = await request(`${sb.url}${path}`, {
		method: method as 'GET',
		headers: {
			authorization: `Bearer ${bearer}`,
			...(body ? { 'content-type': 'application/x-www-form-urlencoded' } : {}),
		},
		body,
	});
	const text = await res.body.text();
	return {
		status: res.statusCode,
		headers: res.headers,
		text,
		json: (() => {
			try {
				return JSON.parse(text);
			} catch {
				return undefined;
			}
		})(),
	};
}

describe('OAuth (docs/athena-behaviour.md#oauth)', () => {
	test('client credentials in a Basic header: expires_in is the string "3600", X-RateLimit headers', async () => {
		const t = await token();
		expect(t.status).toBe(200);
		const body = JSON.parse(t.text);
		expect(body.expires_in).toBe('3600');
		expect(body.token_type).toBe('Bearer');
		expect(t.headers['x-ratelimit-limit']).toBe('5');
		bearer = body.access_token;
	});
	test('client_secret_post works too', async () => {
		expect(
			(
				await token(
					'grant_type=client_credentials&client_id=b-client&client_secret=b-secret&scope=athena%2Fservice%2FAthenanet.MDP.*',
					{},
				)
			).status,
		).toBe(200);
	});
	test("a missing or unknown scope is 401 access_denied with athena's policy message", async () => {
		for (const scope of ['', '&scope=athena%2Fservice%2FSomething.Else']) {
			const t = await token(`grant_type=client_credentials${scope}`, {
				authorization: basic('c-client', 'c-secret'),
			});
			expect(t.status).toBe(401);
			expect(JSON.parse(t.text)).toEqual({
				detailedmessage:
					'Policy evaluation failed for this request, please check the policy configurations.',
				error: 'access_denied',
			});
		}
	});
	test('preview allows 5 token requests a minute, then 429', async () => {
		const statuses = [];
		for (let i = 0; i < 7; i++)
			statuses.push(
				(await token(undefined, { authorization: basic('d-client', 'd-secret') })).status,
			);
		expect(statuses).toEqual([200, 200, 200, 200, 200, 429, 429]);
	});
	test('unknown and expired tokens are 401', async () => {
		const saved = bearer;
		bearer = 'nope';
		expect((await get('/v1/195900/ping')).status).toBe(401);
		bearer = saved;
	});
});

describe('athenaNet conventions and paging (docs/athena-behaviour.md#athenanet, docs/athena-behaviour.md#paging)', () => {
	test('"/" is escaped as "\\/" and ids are strings; the switch gives numbers', async () => {
		const r = await get('/v1/195900/departments/1');
		expect(r.text).toContain('"timezonename":"US\\/Eastern"');
		expect(r.json).toHaveLength(1);
		expect(r.json[0].departmentid).toBe('1');
		await control(sb, 'POST', '/_control/settings', { idsAsNumbers: true });
		expect((await get('/v1/195900/departments/1')).json[0].departmentid).toBe(1);
		await control(sb, 'POST', '/_control/settings', { idsAsNumbers: false });
	});
	test('every response carries X-Request-Id and the daily quota headers', async () => {
		const r = await get('/v1/195900/ping');
		expect(r.headers['x-request-id']).toMatch(/^rrt-/);
		expect(Number(r.headers['x-ratelimit-limit'])).toBe(50000);
	});
	test('lists: wrapper key, totalcount, relative next with UPPERCASE echoed filters and lowercase offset', async () => {
		const r = await get('/v1/195900/patients?departmentid=1&status=active');
		expect(r.json.patients).toHaveLength(10); // /patients default limit 10
		expect(r.json.next).toBe('/v1/195900/patients?DEPARTMENTID=1&STATUS=active&offset=10');
		expect(r.json.totalcount).toBeGreaterThan(10);
		const all = await get('/v1/195900/patients?departmentid=1&limit=5000');
		expect(all.json.patients.length).toBe(Math.min(1000, all.json.totalcount)); // max 1000
	});
	test("patient search without an identifying field, and one that is too broad, give athena's 400 bodies", async () => {
		const none = await get('/v1/195900/patients');
		expect(none.status).toBe(400);
		expect(none.json.error).toBe(
			'Data for one or more of the fields listed above are required to successfully find a patient record.Note: invalid phone numbers are ignored.',
		);
		expect(none.json.fields).toContain('anyphone');
		const every = sb.state.departments
			.map((d: { departmentid: string }) => d.departmentid)
			.join(',');
		const broad = await get(`/v1/195900/patients?departmentid=${every}`);
		expect(broad.status).toBe(400);
		expect(broad.json).toEqual({
			error:
				'The given search parameters would produce a total data set larger than 1000 records.Please refine your search and try again.',
		});
	});
	test('create patient: required fields, best match returns the existing id unless bypasspatientmatching', async () => {
		const missing = await get('/v1/195900/patients', 'POST', 'firstname=A');
		expect(missing.json).toEqual({
			invalidfields: [],
			missingfields: ['lastname', 'dob', 'departmentid'],
			error: 'Additional fields are required.',
		});
		const p = sb.state.patients.get('42000');
		const same = await get(
			'/v1/195900/patients',
			'POST',
			new URLSearchParams({
				firstname: p.firstname,
				lastname: p.lastname,
				dob: p.dob,
				departmentid: '1',
				zip: '02110',
			}).toString(),
		);
		expect(same.json).toEqual([{ patientid: '42000' }]);
		const bypass = await get(
			'/v1/195900/patients',
			'POST',
			new URLSearchParams({
				firstname: p.firstname,
				lastname: p.lastname,
				dob: p.dob,
				departmentid: '1',
				zip: '02110',
				bypasspatientmatching: 'true',
			}).toString(),
		);
		expect(bypass.json[0].patientid).not.toBe('42000');
		expect(
			(
				await get(
					'/v1/195900/patients',
					'POST',
					'firstname=A&lastname=B&dob=13/45/2000&departmentid=1&zip=1',
				)
			).json,
		).toEqual({ error: 'Improper DOB.' });
	});
	test('book a taken slot: 409 with athena\'s body; cancel returns {"status":"x"}; query parameters work on PUT', async () => {
		const slot = [...sb.state.appointments.values()].find((a: any) => a.appointmentstatus === 'o');
		const ok = await get(
			`/v1/195900/appointments/${slot.appointmentid}?patientid=1&appointmenttypeid=${slot.appointmenttypeid}`,
			'PUT',
		);
		expect(ok.status).toBe(200);
		const taken = await get(
			`/v1/195900/appointments/${slot.appointmentid}`,
			'PUT',
			`patientid=2&appointmenttypeid=${slot.appointmenttypeid}`,
		);
		expect(taken.status).toBe(409);
		expect(taken.json.error).toBe(
			'That appointment time was already booked or not available for booking.',
		);
		const cancel = await get(
			`/v1/195900/appointments/${slot.appointmentid}/cancel`,
			'PUT',
			'patientid=1',
		);
		expect(cancel.text).toBe('{"status":"x"}');
	});
	test('open slots need a department and a type or reason; a reason other than -1 needs a provider', async () => {
		expect((await get('/v1/195900/appointments/open')).json.missingfields).toEqual([
			'departmentid',
		]);
		expect((await get('/v1/195900/appointments/open?departmentid=1')).json).toEqual({
			totalcount: 0,
			appointments: [],
		});
		expect(
			(await get('/v1/195900/appointments/open?departmentid=1&reasonid=563')).json.missingfields,
		).toEqual(['providerid']);
	});
	test("a changed feed without a subscription is athena's exact 403", async () => {
		const r = await get('/v1/195900/providers/changed');
		expect(r.status).toBe(403);
		expect(r.text).toBe(
			'{"error":"Changed messages require setup (subscription) that has not been done."}',
		);
	});
	test('an HTTP-200 failure body (success "false" with errormessage)', async () => {
		const r = await get('/v1/195900/chart/1/problems', 'POST', 'snomedcode=0');
		expect(r.status).toBe(200);
		// "false" as recorded in 2016, false under the current reading (successAsString)
		expect(['false', false]).toContain(r.json.success);
		expect(r.json.errormessage).toBe("Submitted snomedcode of '0' is not valid.");
	});
});

describe('throttling (docs/athena-behaviour.md#rate-limits)', () => {
	test('over the per-second limit: 429 with Retry-After, or the legacy 403 text/xml "Developer Over Qps"', async () => {
		await control(sb, 'POST', '/_control/settings', { qps: 1 });
		const burst = await Promise.all([1, 2, 3].map(() => get('/v1/195900/ping')));
		expect(burst.map((r) => r.status).sort()).toEqual([200, 429, 429]);
		expect(burst.find((r) => r.status === 429)!.headers['retry-after']).toBe('1');
		await new Promise((r) => setTimeout(r, 1100));
		await control(sb, 'POST', '/_control/settings', { legacyThrottle: true, qps: 1 });
		const legacy = await Promise.all([1, 2].map(() => get('/v1/195900/ping')));
		const refused = legacy.find((r) => r.status === 403)!;
		expect(refused.text).toBe('<h1>Developer Over Qps</h1>');
		expect(refused.headers['content-type']).toBe('text/xml');
		await control(sb, 'POST', '/_control/settings', { legacyThrottle: false, qps: 0 });
	});
	test('HTTP-date Retry-After mode', async () => {
		await control(sb, 'POST', '/_control/settings', { qps: 1, retryAfter: 'http-date' });
		const burst = await Promise.all([1, 2].map(() => get('/v1/195900/ping')));
		expect(
			Number.isNaN(Date.parse(String(burst.find((r) => r.status === 429)!.headers['retry-after']))),
		).toBe(false);
		await control(sb, 'POST', '/_control/settings', { qps: 0, retryAfter: 'seconds' });
	});
	test("bad input gets athena's error shapes, never a crash", async () => {
		for (const path of [
			'/v1/195900/patients/abc',
			'/v1/195900/appointments/booked?startdate=x&enddate=y',
			'/v1/999/ping',
			'/v1/195900/nothing',
		]) {
			const r = await get(path);
			expect([400, 404]).toContain(r.status);
			expect(typeof r.json.error).toBe('string');
		}
	});
});
