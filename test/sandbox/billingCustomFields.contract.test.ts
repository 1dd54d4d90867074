// The sandbox's contract over HTTP for patient custom fields, claims, claim notes, recorded
// payments and CCDA (docs/athena-behaviour.md#patient-custom-fields, #claims, #claim-notes,
// #recorded-payments, #ccda), under each reading of their switches.
import { request } from 'undici';

import { sandbox, settings, type Sandbox } from '../harness/sandbox';

let sb: Sandbox;
let bearer = '';
beforeAll(async () => {
	sb = await sandbox({ patients: 20, booked: 20 });
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
	let json: any;
	try {
		json = JSON.parse(text);
	} catch {
		json = undefined;
	}
	return { status: res.statusCode, text, json, type: res.headers['content-type'] };
}
const form = (o: Record<string, unknown>) =>
	new URLSearchParams(
		Object.entries(o).map(([k, v]) => [k, typeof v === 'string' ? v : JSON.stringify(v)]),
	).toString();

test('GET /customfields is a bare array with a searchable text field and a select field with options', async () => {
	const { json } = await call('/customfields');
	expect(Array.isArray(json)).toBe(true);
	expect(json[0]).toMatchObject({
		customfieldid: '1',
		name: 'Legacy Patient ID',
		searchable: true,
	});
	expect(json[1]).toMatchObject({
		customfieldid: '162',
		select: true,
		selectlist: [
			{ optionvalue: 'Yes', optionid: '61' },
			{ optionvalue: 'No', optionid: '62' },
		],
	});
});

describe.each([false, true])('successAsString %s', (successAsString) => {
	beforeAll(() => settings(sb, { successAsString }));

	test('PUT custom fields: a JSON body is not read; the form answers counts; GET reads back what was written', async () => {
		const json = await call(
			'/patients/60178/customfields',
			'PUT',
			JSON.stringify({ departmentid: '1' }),
			'application/json',
		);
		expect(json.status).toBe(400);
		expect(json.json.missingfields).toEqual(['customfields']);
		const put = await call(
			'/patients/60178/customfields',
			'PUT',
			form({
				departmentid: '1',
				customfields: [
					{ customfieldid: '1', customfieldvalue: 'C-1' },
					{ customfieldid: '162', optionid: '62' },
				],
			}),
		);
		expect(put.json).toEqual({
			success: successAsString ? 'true' : true,
			updatedcount: 2,
			disallowedcount: 0,
		});
		const got = await call('/patients/60178/customfields?departmentid=1');
		expect(got.json).toEqual([
			{ customfieldid: '1', customfieldvalue: 'C-1' },
			{ customfieldid: '162', optionid: '62' },
		]);
		const bad = await call(
			'/patients/60178/customfields',
			'PUT',
			form({ departmentid: '1', customfields: [{ customfieldid: '162', optionid: '99' }] }),
		);
		expect(bad.status).toBe(400);
		const nodept = await call('/patients/60178/customfields');
		expect(nodept.json.missingfields).toEqual(['departmentid']);
	});

	test("POST /claims answers claimids; the claim reads back; charge rules are athena's 400s", async () => {
		const charges = [{ procedurecode: '99213', units: '1', icd10code1: 'E119' }];
		const made = await call(
			'/claims',
			'POST',
			form({
				patientid: '7',
				departmentid: '1',
				supervisingproviderid: '86',
				claimcharges: charges,
			}),
		);
		expect(made.json).toEqual({
			claimids: [expect.stringMatching(/^\d+$/)],
			errormessage: '',
			success: successAsString ? 'true' : true,
		});
		const read = await call(`/claims/${String(made.json.claimids[0])}`);
		expect(read.json).toMatchObject({ patientid: 7, procedures: [{ procedurecode: '99213' }] });
		const five = await call(
			'/claims',
			'POST',
			form({
				patientid: '7',
				departmentid: '1',
				supervisingproviderid: '86',
				claimcharges: [{ ...charges[0], icd10code5: 'I10' }],
			}),
		);
		expect(five.json.error).toBe('At most four diagnosis codes are allowed per procedure code.');
		const missing = await call('/claims', 'POST', form({ patientid: '7' }));
		expect(missing.json.missingfields).toEqual([
			'claimcharges',
			'departmentid',
			'supervisingproviderid',
		]);
	});
});

test.each(['claimid', 'claimids', 'success-only'])(
	'POST /appointments/{id}/claim answers under --appointment-claim-answer %s; GET /claims?appointmentid= finds it',
	async (appointmentClaimAnswer) => {
		await settings(sb, { appointmentClaimAnswer, successAsString: false });
		const a = [...sb.state.appointments.values()].find(
			(x: any) =>
				x.appointmentstatus === 'f' &&
				!sb.state.records
					.get(x.patientid)
					?.claims.some((c: any) => c.appointmentid === x.appointmentid),
		);
		const res = await call(
			`/appointments/${a.appointmentid}/claim`,
			'POST',
			form({ claimcharges: [{ procedurecode: '99213', icd10code1: 'Z0000' }] }),
		);
		const listed = await call(`/claims?appointmentid=${a.appointmentid}`);
		const id = listed.json.claims[0].claimid;
		expect(res.json).toEqual(
			appointmentClaimAnswer === 'claimid'
				? { success: true, claimid: id }
				: appointmentClaimAnswer === 'claimids'
					? { success: true, claimids: [id] }
					: { success: true },
		);
		const again = await call(
			`/appointments/${a.appointmentid}/claim`,
			'POST',
			form({ claimcharges: [{ procedurecode: '99213', icd10code1: 'Z0000' }] }),
		);
		expect(again.status).toBe(200);
		expect(again.json).toEqual({
			success: false,
			errormessage: `Claim ${id} already exists for this appointment.`,
		});
	},
);

test('claim notes: POST notetext, GET lists them as appointment notes are shaped', async () => {
	const post = await call('/claims/7301/claimnotes', 'POST', form({ notetext: 'Called payer' }));
	expect(post.status).toBe(200);
	const got = await call('/claims/7301/claimnotes');
	expect(got.json.notes.at(-1)).toMatchObject({ notetext: 'Called payer', createdby: 'API-2530' });
	const none = await call('/claims/7301/claimnotes', 'POST', '');
	expect(none.json.missingfields).toEqual(['notetext']);
});

test("recordpayment answers an array of one with success as a string; athena's refusals", async () => {
	const ok = await call(
		'/patients/2/recordpayment',
		'POST',
		form({ departmentid: '1', paymentmethod: 'CASH', otheramount: '5.00' }),
	);
	expect(ok.json).toEqual([{ success: 'true', paymentbatchid: expect.stringMatching(/^\d+$/) }]);
	const method = await call(
		'/patients/2/recordpayment',
		'POST',
		form({ departmentid: '1', paymentmethod: 'VISA', otheramount: '5.00' }),
	);
	expect(method.json.error).toBe('Invalid payment method: VISA.');
	const missing = await call('/patients/2/recordpayment', 'POST', form({ otheramount: '1' }));
	expect(missing.json.missingfields).toEqual(['departmentid', 'paymentmethod']);
});

test.each(['object', 'array'])(
	'GET /patients/{id}/ccda under --ccda-answer %s; xmloutput=true is XML',
	async (ccdaAnswer) => {
		await settings(sb, { ccdaAnswer });
		const res = await call('/patients/7/ccda?departmentid=1&purpose=internal');
		const xml = ccdaAnswer === 'array' ? res.json[0].ccda : res.json.ccda;
		expect(xml).toMatch(/^<\?xml[^]*<ClinicalDocument/);
		const raw = await call('/patients/7/ccda?departmentid=1&purpose=internal&xmloutput=true');
		expect(raw.type).toMatch(/application\/xml/);
		expect(raw.text).toBe(xml);
		const missing = await call('/patients/7/ccda?departmentid=1');
		expect(missing.json.missingfields).toEqual(['purpose']);
	},
);

test('PUT /patients/{id}/ccda files a clinical document; not a CCDA is a 200 with success false', async () => {
	await settings(sb, { successAsString: false });
	const put = await call(
		'/patients/7/ccda',
		'PUT',
		form({ departmentid: '1', ccda: '<ClinicalDocument/>' }),
	);
	expect(put.json).toEqual({ success: true });
	const docs = await call('/patients/7/documents?departmentid=1&documentclass=CLINICALDOCUMENT');
	expect(docs.json.documents.some((d: any) => d.documentdescription === 'CCDA import')).toBe(true);
	const bad = await call('/patients/7/ccda', 'PUT', form({ departmentid: '1', ccda: '<html/>' }));
	expect(bad.json).toEqual({ success: false, errormessage: 'The CCDA could not be parsed.' });
});
