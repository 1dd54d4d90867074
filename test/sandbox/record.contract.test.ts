// The sandbox's contract over HTTP for the rest of a patient's record (docs/athena-behaviour.md,
// Insurance to Documents): the shapes the nodes' tests do not see directly (JSON bodies ignored,
// bare arrays, required fields).
import { request } from 'undici';

import { sandbox, type Sandbox } from '../harness/sandbox';

let sb: Sandbox;
let bearer = '';
beforeAll(async () => {
	sb = await sandbox({ patients: 20, eligibilityDelayMs: 0 });
	const res = await request(`${sb.url}/oauth2/v1/token`, {
		method: 'POST',
		headers: {
			'content-type': 'application/x-www-form-urlencoded',
			authorization: `Basic ${Buffer.from('sandbox-client:sandbox-secret').toString('base64')}`,
		},
		body: 'grant_type=client_credentials&scope=athena%2Fservice%2FAthenanet.MDP.*',
	});
	bearer = JSON.parse(await res.body.text()).access_token;
});
afterAll(() => sb.close());

async function call(
	path: string,
	method = 'GET',
	body?: string,
	contentType = 'application/x-www-form-urlencoded',
) {
	const res = await request(`${sb.url}/v1/195900${path}`, {
		method: method as 'GET',
		headers: {
			authorization: `Bearer ${bearer}`,
			...(body ? { 'content-type': contentType } : {}),
		},
		body,
	});
	const text = await res.body.text();
	return { status: res.statusCode, text, json: JSON.parse(text) };
}

test('a JSON body is not read: the insurance create answers 400 missingfields for the very fields sent', async () => {
	const json = await call(
		'/patients/7/insurances',
		'POST',
		JSON.stringify({ insurancepackageid: '0', sequencenumber: '1' }),
		'application/json',
	);
	expect(json.status).toBe(400);
	expect(json.json).toEqual({
		missingfields: ['insurancepackageid', 'sequencenumber'],
		error: 'Additional fields are required.',
	});
	const form = await call(
		'/patients/7/insurances',
		'POST',
		'insurancepackageid=0&sequencenumber=1',
	);
	expect(form.status).toBe(200);
	expect(form.json[0]).toMatchObject({ insurancepackageid: '0', insuranceplanname: '*SELF PAY*' });
});

test('slashes are escaped as athena escapes them, and lists have their wrappers', async () => {
	const list = await call('/patients/1/insurances');
	expect(list.text).toContain('"insurancepolicyholderdob":"');
	expect(list.text).toMatch(/\d\d\\\/\d\d\\\/\d{4}/);
	expect(Object.keys(list.json)).toEqual(['insurances', 'totalcount']);
	expect(Object.keys((await call('/chart/1/labresults?departmentid=1')).json)).toEqual([
		'results',
		'totalcount',
	]);
	expect(Array.isArray((await call('/patients/1/receipts?departmentid=1')).json)).toBe(true);
	expect(
		Array.isArray((await call('/chart/1/medications?departmentid=1')).json.medications[0]),
	).toBe(true);
	expect(Array.isArray((await call('/chart/encounter/105')).json)).toBe(true);
	expect(Array.isArray((await call('/claims/1301')).json)).toBe(false);
});

test('chart reads need a department: 400 missingfields without one, 404 for an unknown one', async () => {
	expect((await call('/chart/1/problems')).json).toEqual({
		missingfields: ['departmentid'],
		error: 'Additional fields are required.',
	});
	const unknown = await call('/chart/1/problems?departmentid=999');
	expect(unknown.status).toBe(404);
	expect(unknown.json.error).toBe('The Patient ID or Department ID is invalid.');
});

test('insurance packages need plan name and member ID, and stop at 15', async () => {
	expect((await call('/insurancepackages?insuranceplanname=united')).json.missingfields).toEqual([
		'memberid',
	]);
	expect(
		(await call('/insurancepackages?insuranceplanname=united&memberid=1')).json.insurances,
	).toHaveLength(15);
});

test('the eligibility GET before any check is 404, and the POST stores a 271', async () => {
	expect((await call('/patients/2/insurances/201/benefitdetails')).status).toBe(404);
	expect((await call('/patients/2/insurances/201/benefitdetails', 'POST')).json).toEqual({
		success: true,
	});
	const stored = (await call('/patients/2/insurances/201/benefitdetails')).json;
	expect(Object.keys(stored).sort()).toEqual(['ansi271', 'dateofservice', 'lastcheckdate']);
	expect((await call('/patients/2/insurances')).json.insurances[0].eligibilitystatus).toBe(
		'Unverified',
	);
});
