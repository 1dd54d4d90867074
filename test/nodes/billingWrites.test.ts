// Claims, claim notes, recorded payments and CCDA through n8n's engine against the sandbox, under
// each reading of their switches (docs/athena-behaviour.md#claims, #recorded-payments, #ccda).
import { runNodes, sandboxCredentials, type MemoryCredentials } from '../harness/n8n';
import { control, counters, fault, sandbox, settings, type Sandbox } from '../harness/sandbox';

let sb: Sandbox;
let creds: MemoryCredentials;
beforeAll(async () => {
	sb = await sandbox({ patients: 30, booked: 40, openSlots: 20 });
	creds = sandboxCredentials({ url: sb.url });
});
afterAll(() => sb.close());
beforeEach(async () => {
	await control(sb, 'DELETE', '/_control/faults');
	await control(sb, 'POST', '/_control/reset-counters');
});

const byId = (value: string) => ({ __rl: true, mode: 'id', value });
const billing = (operation: string, p: object = {}) => ({ resource: 'billing', operation, ...p });
const doc = (operation: string, p: object = {}) => ({ resource: 'document', operation, ...p });
const run = async (parameters: object) => {
	const { output, error } = await runNodes(creds, [{ parameters }]);
	expect(error).toBeUndefined();
	return output('athenahealth').map((i) => i.json);
};
const log = async () => (await counters(sb)).log as string[];
const writes = async () => (await log()).filter((l) => /^(POST|PUT|DELETE) /.test(l));
const charge = (procedureCode: string, icd10Codes: string, units = 1) => ({
	procedureCode,
	icd10Codes,
	units,
});
const claim = (p: object = {}) =>
	billing('createClaim', {
		patientId: byId('7'),
		departmentId: byId('1'),
		supervisingProviderId: byId('86'),
		serviceDate: '2026-11-02',
		charges: { charge: [charge('99213', 'E11.9, I10'), charge('36415', 'E11.9')] },
		...p,
	});
let used = 0;
/** A booked appointment no test has used yet. */
const booked = () =>
	[...sb.state.appointments.values()].filter((a: any) => a.appointmentstatus === 'f')[used++];

const READINGS = [
	{ successAsString: false, appointmentClaimAnswer: 'claimid', ccdaAnswer: 'object' },
	{ successAsString: true, appointmentClaimAnswer: 'claimids', ccdaAnswer: 'array' },
	{ successAsString: false, appointmentClaimAnswer: 'success-only', ccdaAnswer: 'object' },
];

describe.each(READINGS)('billing readings %o', (reading) => {
	beforeAll(() => settings(sb, reading));

	test('Create Claim from charges: the claim reads back with its procedures and ICD-10 codes', async () => {
		const [made] = await run(claim());
		expect(made).toMatchObject({ patientid: '7', servicedate: '11/02/2026' });
		expect(made.claimcharges).toEqual([
			{ procedurecode: '99213', units: '1', icd10code1: 'E119', icd10code2: 'I10' },
			{ procedurecode: '36415', units: '1', icd10code1: 'E119' },
		]);
		const [read] = await run(billing('getClaim', { claimId: made.claimid }));
		expect((read.procedures as any[]).map((p) => p.procedurecode)).toEqual(['99213', '36415']);
		expect((read.diagnoses as any[]).map((d) => d.diagnosisrawcode)).toEqual(['E119', 'I10']);
		expect(read).toMatchObject({ patientid: '7', billedservicedate: '11/02/2026' });
	});

	test('Create Claim: ICD-10 codes with or without the dot, U codes included', async () => {
		const [made] = await run(
			claim({ charges: { charge: [charge('99213', 'U07.1, E119, Z0000')] } }),
		);
		expect(made.claimcharges).toEqual([
			{
				procedurecode: '99213',
				units: '1',
				icd10code1: 'U071',
				icd10code2: 'E119',
				icd10code3: 'Z0000',
			},
		]);
	});

	test('Create Claim: fractional units up to two decimals are sent as given', async () => {
		const charges = [
			charge('99213', 'E11.9', 1.1),
			charge('36415', 'E11.9', 2.3),
			charge('J1100', 'E11.9', 0.29),
		];
		const [made] = await run(claim({ charges: { charge: charges } }));
		expect((made.claimcharges as any[]).map((c) => c.units)).toEqual(['1.1', '2.3', '0.29']);
		const { error } = await runNodes(creds, [
			{ parameters: claim({ charges: { charge: [charge('99213', 'E11.9', 1.234)] } }) },
		]);
		expect(error?.message).toBe('Charge 1: units must be a positive number');
	});

	test("Create Claim: athena's rules refused before any request; athena's error for an unknown provider", async () => {
		const cases: Array<[object, string]> = [
			[
				{ charges: { charge: [charge('99213', 'E11.9, I10, J45.909, K21.9, M54.5')] } },
				'Charge 1 has 5 ICD-10 codes; athena takes at most four per procedure',
			],
			[
				{ charges: { charge: [charge('9921', 'E11.9')] } },
				'Charge 1: "9921" is not a procedure code',
			],
			[{ charges: { charge: [charge('99213', '')] } }, 'Charge 1: add at least one ICD-10 code'],
			[
				{ charges: { charge: [charge('99213', 'E11.9, 123')] } },
				'Charge 1: "123" is not an ICD-10 code',
			],
			[
				{ charges: { charge: [charge('99213', 'E11.9', -1)] } },
				'Charge 1: units must be a positive number',
			],
			[{ charges: {} }, 'Add at least one charge'],
			[{ serviceDate: '2999-01-01' }, 'Service Date is in the future'],
		];
		for (const [p, message] of cases) {
			const { error } = await runNodes(creds, [{ parameters: claim(p) }]);
			expect(error?.message).toBe(message);
		}
		expect(await log()).toEqual([]);
		const { error } = await runNodes(creds, [
			{ parameters: claim({ supervisingProviderId: byId('999') }) },
		]);
		expect(error?.message).toBe('The supervising provider ID is invalid.');
	});

	test("Create Claim whose answer is lost: found among the patient's claims, not created twice; lost before athena: may have, how to check", async () => {
		const count = () => sb.state.records.get('2').claims.length;
		await run(billing('getClaims', { filters: { patientid: '2' }, returnAll: true }));
		const before = count();
		await fault(sb, { method: 'POST', path: '/claims$', phase: 'after', reset: true });
		const [made] = await run(claim({ patientId: byId('2'), serviceDate: '2026-10-05' }));
		expect(made).toMatchObject({ recoveredAfterUnconfirmedCreate: true });
		expect(count()).toBe(before + 1);
		expect((await writes()).filter((l) => l.endsWith('/claims'))).toHaveLength(1);
		await fault(sb, { method: 'POST', path: '/claims$', phase: 'before', reset: true });
		const { error } = await runNodes(creds, [
			{ parameters: claim({ patientId: byId('2'), serviceDate: '2026-10-06' }) },
		]);
		expect(error?.message).toBe(
			'athena did not confirm the claim for patient 2: it may have taken effect',
		);
		expect(error?.description).toMatch(/Get Many Claims \(patient 2, service date 10\/06\/2026\)/);
		expect(error?.description).toMatch(/edited or deleted/);
		expect(count()).toBe(before + 1);
	});

	test("Create Claim for Appointment: checked by the appointment; a second one is refused before any request; an open slot is athena's 200 with success false", async () => {
		const a = booked();
		const params = billing('createClaimForAppointment', {
			appointmentId: a.appointmentid,
			charges: { charge: [charge('99214', 'J06.9')] },
		});
		const [made] = await run(params);
		expect(made).toMatchObject({ appointmentid: a.appointmentid, verified: true });
		expect(made.claimid).toMatch(/^\d+$/);
		const [listed] = await run(billing('getClaim', { claimId: made.claimid }));
		expect(listed).toMatchObject({ appointmentid: a.appointmentid });
		await control(sb, 'POST', '/_control/reset-counters');
		const again = await runNodes(creds, [{ parameters: params }]);
		expect(again.error?.message).toBe(
			`Appointment ${a.appointmentid} already has claim ${String(made.claimid)}`,
		);
		expect(await writes()).toEqual([]);
		const slot = [...sb.state.appointments.values()].find((x: any) => x.appointmentstatus === 'o');
		const open = await runNodes(creds, [
			{ parameters: { ...params, appointmentId: slot.appointmentid } },
		]);
		expect(open.error?.message).toBe('A claim can only be created for a booked appointment.');
	});

	test('Create Claim for Appointment whose answer is lost: found by the appointment, sent once', async () => {
		const a = booked();
		await fault(sb, {
			method: 'POST',
			path: `/appointments/${a.appointmentid}/claim$`,
			phase: 'after',
			reset: true,
		});
		const [made] = await run(
			billing('createClaimForAppointment', {
				appointmentId: a.appointmentid,
				charges: { charge: [charge('99213', 'Z00.00')] },
			}),
		);
		expect(made).toMatchObject({ recoveredAfterUnconfirmedCreate: true, verified: true });
		expect(await writes()).toHaveLength(1);
	});

	test("Add Claim Note is checked in the claim's notes; Get Claim Notes reads it; a lost answer is recovered; an unknown claim is athena's 404", async () => {
		const text = `Resubmitted with records ${reading.appointmentClaimAnswer}`;
		const [added] = await run(billing('addClaimNote', { claimId: '7301', noteText: text }));
		expect(added).toMatchObject({ claimid: '7301', verified: true });
		const notes = await run(billing('getClaimNotes', { claimId: '7301', returnAll: true }));
		expect(notes.map((n) => n.notetext)).toContain(text);
		expect(notes[0]).toMatchObject({ claimid: '7301', createdby: 'API-2530' });
		await fault(sb, { method: 'POST', path: '/claimnotes$', phase: 'after', reset: true });
		const [lost] = await run(billing('addClaimNote', { claimId: '7301', noteText: `${text} (2)` }));
		expect(lost).toMatchObject({ recoveredAfterUnconfirmedWrite: true, verified: true });
		const unknown = await runNodes(creds, [
			{ parameters: billing('addClaimNote', { claimId: '999', noteText: 'x' }) },
		]);
		expect(unknown.error?.message).toBe('The claim ID is invalid.');
	});

	test('Record Payment: cash to unapplied and to a claim lowers the balance; athena answers a payment batch', async () => {
		const [paid] = await run(
			billing('recordPayment', {
				patientId: byId('2'),
				departmentId: byId('1'),
				paymentMethod: 'CHECK',
				checkNumber: '1042',
				otherAmount: '5',
				claimPayments: { claim: [{ claimId: '2301', amount: '10.15' }] },
			}),
		);
		expect(paid).toMatchObject({ paymentmethod: 'CHECK', amount: '15.15' });
		expect(paid.paymentbatchid).toMatch(/^\d+$/);
		const [balance] = await run(
			billing('getBalances', { patientId: byId('2'), options: { showallclaims: true } }),
		);
		const detail = (balance.claimdetails as any[]).find((c) => c.claimid === '2301');
		expect(detail.patientbalance).toBeLessThan(25.15);
	});

	test('Record Payment refuses card numbers, card methods and missing amounts before any request; athena refuses an unknown method; a lost answer is never repeated', async () => {
		const pay = (p: object) =>
			runNodes(creds, [
				{
					parameters: billing('recordPayment', {
						patientId: byId('2'),
						departmentId: byId('1'),
						otherAmount: '5',
						...p,
					}),
				},
			]);
		expect(
			(await pay({ paymentMethod: 'CHECK', checkNumber: '4111 1111 1111 1111' })).error?.message,
		).toBe('A field looks like a payment card number; nothing was sent');
		expect((await pay({ paymentMethod: 'other', otherMethod: 'Visa' })).error?.message).toBe(
			'"VISA" looks like a card method',
		);
		expect((await pay({ paymentMethod: 'CASH', otherAmount: '' })).error?.message).toBe(
			'Add an amount',
		);
		expect((await pay({ paymentMethod: 'CASH', otherAmount: '5.555' })).error?.message).toBe(
			'Unapplied Amount must be a positive amount with at most two decimals',
		);
		expect((await pay({ paymentMethod: 'CHECK', checkNumber: '={{ "" }}' })).error?.message).toBe(
			'Check Number is empty',
		);
		expect(await log()).toEqual([]);
		expect((await pay({ paymentMethod: 'other', otherMethod: 'BITCOIN' })).error?.message).toBe(
			'Invalid payment method: BITCOIN.',
		);
		await control(sb, 'POST', '/_control/reset-counters');
		await fault(sb, { method: 'POST', path: '/recordpayment$', phase: 'after', reset: true });
		const lost = await pay({ paymentMethod: 'CASH' });
		expect(lost.error?.message).toBe(
			'athena did not confirm the cash payment for patient 2: it may have taken effect',
		);
		expect(lost.error?.description).toMatch(/counted twice/);
		expect(await writes()).toEqual(['POST /v1/195900/patients/2/recordpayment']);
	});

	test('Get Clinical Summary as text and as a file; the file imported back with Import CCDA is one clinical document', async () => {
		const [summary] = await run(
			doc('getClinicalSummary', { patientId: byId('7'), departmentId: byId('1') }),
		);
		expect(summary.ccda).toMatch(/^<\?xml[^]*<ClinicalDocument[^]*<\/ClinicalDocument>$/);
		const docsBefore = sb.state.records.get('7').documents.length;
		const { output, error } = await runNodes(creds, [
			{
				parameters: doc('getClinicalSummary', {
					patientId: byId('7'),
					departmentId: byId('1'),
					output: 'binary',
					binaryPropertyName: 'ccda',
				}),
			},
			{
				parameters: doc('importCcda', {
					patientId: byId('1'),
					departmentId: byId('1'),
					binaryPropertyName: 'ccda',
				}),
			},
		]);
		expect(error).toBeUndefined();
		expect(output('athenahealth')[0].binary?.ccda).toMatchObject({
			mimeType: 'application/xml',
			fileName: 'ccda-7.xml',
		});
		expect(output('athenahealth1')[0].json).toMatchObject({ patientid: '1', imported: true });
		expect(sb.state.records.get('7').documents.length).toBe(docsBefore);
		const imported = sb.state.records
			.get('1')
			.documents.filter((d: any) => d.documentdescription === 'CCDA import');
		expect(imported.length).toBeGreaterThanOrEqual(1);
		const again = await run(
			doc('getClinicalSummary', { patientId: byId('1'), departmentId: byId('1') }),
		);
		expect(again[0].ccda).toMatch(/imported document/);
	});

	test('Get Clinical Summary: a date range is refused before any request', async () => {
		const { error } = await runNodes(creds, [
			{
				parameters: doc('getClinicalSummary', {
					patientId: byId('7'),
					departmentId: byId('1'),
					options: { startdate: '2026-01-01' },
				}),
			},
		]);
		expect(error?.message).toBe(
			'Start Date and End Date are not supported for the clinical summary',
		);
		expect(await log()).toEqual([]);
	});

	test("Import CCDA: not a CCDA refused before any request; a lost answer is found among the clinical documents; athena's 404", async () => {
		const bad = await runNodes(creds, [
			{
				parameters: doc('importCcda', {
					patientId: byId('1'),
					departmentId: byId('1'),
					source: 'text',
					ccdaText: '<html/>',
				}),
			},
		]);
		expect(bad.error?.message).toBe('This is not a CCDA');
		expect(await log()).toEqual([]);
		const xml =
			'<ClinicalDocument xmlns="urn:hl7-org:v3"><title>Outside records</title></ClinicalDocument>';
		await fault(sb, { method: 'PUT', path: '/ccda$', phase: 'after', reset: true });
		const [lost] = await run(
			doc('importCcda', {
				patientId: byId('2'),
				departmentId: byId('1'),
				source: 'text',
				ccdaText: xml,
			}),
		);
		expect(lost).toMatchObject({ imported: true, recoveredAfterUnconfirmedImport: true });
		expect((await writes()).filter((l) => l.endsWith('/ccda'))).toHaveLength(1);
		const missing = await runNodes(creds, [
			{
				parameters: doc('importCcda', {
					patientId: byId('2'),
					departmentId: byId('999'),
					source: 'text',
					ccdaText: xml,
				}),
			},
		]);
		expect(missing.error?.message).toBe('The Patient ID or Department ID is invalid.');
	});

	test('Import CCDA: the listing before failed and the answer was lost: reported as unconfirmed, not looked for', async () => {
		await fault(sb, { method: 'GET', path: '/patients/2/documents$', status: 400 });
		await fault(sb, { method: 'PUT', path: '/ccda$', phase: 'after', reset: true });
		const { error } = await runNodes(creds, [
			{
				parameters: doc('importCcda', {
					patientId: byId('2'),
					departmentId: byId('1'),
					source: 'text',
					ccdaText:
						'<ClinicalDocument xmlns="urn:hl7-org:v3"><title>Outside</title></ClinicalDocument>',
				}),
			},
		]);
		await control(sb, 'DELETE', '/_control/faults');
		expect(error?.message).toMatch(/^athena did not confirm the CCDA import for patient 2/);
		expect((await writes()).filter((l) => l.endsWith('/ccda'))).toHaveLength(1);
	});
});
