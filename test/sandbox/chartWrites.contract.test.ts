// The sandbox's contract over HTTP for chart writes and lab result documents
// (docs/athena-behaviour.md#chart-writes): answers under each reading of chartWriteIds and
// successAsString, 200 failures, JSON bodies ignored, vitals source, reads returning what was written.
import { request } from 'undici';

import { sandbox, settings, type Sandbox } from '../harness/sandbox';

let sb: Sandbox;
let bearer = '';
let pid = '';
beforeAll(async () => {
	sb = await sandbox({ patients: 20 });
	pid = [...sb.state.patients.keys()][5] as string;
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

async function call(path: string, method = 'GET', form?: Record<string, string>, json = false) {
	const res = await request(`${sb.url}/v1/195900${path}`, {
		method: method as 'GET',
		headers: {
			authorization: `Bearer ${bearer}`,
			...(form
				? { 'content-type': json ? 'application/json' : 'application/x-www-form-urlencoded' }
				: {}),
		},
		body: form ? (json ? JSON.stringify(form) : new URLSearchParams(form).toString()) : undefined,
	});
	const text = await res.body.text();
	return { status: res.statusCode, json: JSON.parse(text) };
}

describe.each([
	{ successAsString: false, chartWriteIds: true },
	{ successAsString: true, chartWriteIds: false },
])('successAsString %s', ({ successAsString, chartWriteIds }) => {
	beforeAll(() => settings(sb, { successAsString, chartWriteIds }));
	const yes = successAsString ? 'true' : true;
	const no = successAsString ? 'false' : false;

	test('problem: created with or without its id; a bad code is a 200 failure; the read shows it', async () => {
		const made = await call(`/chart/${pid}/problems`, 'POST', {
			departmentid: '1',
			snomedcode: '44054006',
			status: 'chronic',
		});
		expect(made.status).toBe(200);
		expect(made.json.success).toBe(yes);
		expect('problemid' in made.json).toBe(chartWriteIds);
		const bad = await call(`/chart/${pid}/problems`, 'POST', {
			departmentid: '1',
			snomedcode: '0',
		});
		expect(bad).toEqual({
			status: 200,
			json: { success: no, errormessage: "Submitted snomedcode of '0' is not valid." },
		});
		const read = await call(`/chart/${pid}/problems?departmentid=1`);
		expect(read.json.problems.map((p: any) => p.code)).toContain('44054006');
	});

	test('medication: unknown id is a 200 failure in athena words; entries nest as arrays', async () => {
		const bad = await call(`/chart/${pid}/medications`, 'POST', {
			departmentid: '1',
			medicationid: '1',
		});
		expect(bad.json).toEqual({
			success: no,
			errormessage: 'MedicationID 1 does not match any known medications.',
		});
		const made = await call(`/chart/${pid}/medications`, 'POST', {
			departmentid: '1',
			medicationid: '206411',
		});
		expect('medicationentryid' in made.json).toBe(chartWriteIds);
		const read = await call(`/chart/${pid}/medications?departmentid=1`);
		expect(read.json.medications.every(Array.isArray)).toBe(true);
	});

	test('lab result: labresultid as a number when given; the list hides the accession, the document has it', async () => {
		const made = await call(`/patients/${pid}/documents/labresult`, 'POST', {
			departmentid: '1',
			accessionid: `C-${String(successAsString)}`,
			analytes: JSON.stringify([{ analytename: 'Glucose', value: '90' }]),
		});
		expect(made.json.success).toBe(yes);
		if (chartWriteIds) expect(typeof made.json.labresultid).toBe('number');
		else expect(made.json.labresultid).toBeUndefined();
		const list = await call(`/chart/${pid}/labresults?departmentid=1`);
		const last = list.json.results[list.json.results.length - 1];
		expect(last.externalaccessionid).toBeUndefined();
		const doc = await call(`/patients/${pid}/documents/labresult/${last.labresultid}`);
		expect(doc.json[0]).toMatchObject({
			externalaccessionid: `C-${String(successAsString)}`,
			status: 'REVIEW',
		});
	});
});

test('a JSON body is not read: the problem write answers as for an empty form', async () => {
	const r = await call(
		`/chart/${pid}/problems`,
		'POST',
		{ departmentid: '1', snomedcode: '44054006' },
		true,
	);
	expect(r.json.errormessage).toBe("Submitted snomedcode of '' is not valid.");
});

test('allergies merge: omitted allergens stay; reference lists are bare arrays', async () => {
	await call(`/chart/${pid}/allergies`, 'PUT', {
		departmentid: '1',
		allergies: JSON.stringify([{ allergenid: '10090' }]),
	});
	const read = await call(`/chart/${pid}/allergies?departmentid=1`);
	expect(read.json.allergies.map((a: any) => a.allergenid)).toEqual(['92193', '18939', '10090']);
	expect(read.json.totalcount).toBeUndefined();
	expect(Array.isArray((await call('/reference/allergies/reactions')).json)).toBe(true);
	expect(
		(await call('/reference/allergies?searchvalue=pe')).json.map((a: any) => a.allergenname),
	).toEqual(['penicillin', 'peanut']);
});

test('vitals: another source is refused under vitalsSourceCheck, stored otherwise; groups share a reading id', async () => {
	const vitals = JSON.stringify([
		[
			{
				clinicalelementid: 'VITALS.BLOODPRESSURE.SYSTOLIC',
				readingtaken: '02/01/2026',
				value: '118',
			},
			{
				clinicalelementid: 'VITALS.BLOODPRESSURE.DIASTOLIC',
				readingtaken: '02/01/2026',
				value: '76',
			},
		],
	]);
	await settings(sb, { vitalsSourceCheck: true, successAsString: false, chartWriteIds: true });
	const refused = await call(`/chart/${pid}/vitals`, 'POST', {
		departmentid: '1',
		source: 'ENCOUNTER',
		vitals,
	});
	expect(refused.json.success).toBe(false);
	await settings(sb, { vitalsSourceCheck: false });
	const ok = await call(`/chart/${pid}/vitals`, 'POST', {
		departmentid: '1',
		source: 'ENCOUNTER',
		returnvitalids: 'true',
		vitals,
	});
	expect(ok.json.vitalids).toHaveLength(2);
	const read = await call(`/chart/${pid}/vitals?departmentid=1`);
	const bp = read.json.vitals.find((v: any) => v.key === 'BLOODPRESSURE');
	const group = bp.readings[bp.readings.length - 1];
	expect(group.map((r: any) => r.value)).toEqual(['118', '76']);
	expect(group[0].readingid).toBe(group[1].readingid);
	await settings(sb, { vitalsSourceCheck: true });
});
