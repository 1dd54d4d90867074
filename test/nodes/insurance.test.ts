// Patient Insurance and Insurance Package operations through n8n's engine against the sandbox,
// under each inferred reading (ids as numbers, success as "true", legacy create answer, where the
// 409/404 text sits, what benefitdetails says before any check; docs/athena-behaviour.md#insurance).
import { runNodes, sandboxCredentials, type MemoryCredentials } from '../harness/n8n';
import { control, counters, fault, sandbox, settings, type Sandbox } from '../harness/sandbox';

let sb: Sandbox;
let creds: MemoryCredentials;
beforeAll(async () => {
	sb = await sandbox({ patients: 60, eligibilityDelayMs: 0 });
	creds = sandboxCredentials({ url: sb.url });
});
afterAll(() => sb.close());
beforeEach(() => control(sb, 'POST', '/_control/reset-counters'));

const ins = (operation: string, p: object = {}) => ({
	resource: 'patientInsurance',
	operation,
	...p,
});
const byId = (value: string) => ({ __rl: true, mode: 'id', value });
const holder = {
	insurancepolicyholderfirstname: 'Ana',
	insurancepolicyholderlastname: 'Núñez',
	insurancepolicyholdersex: 'F',
};

const READINGS: Array<[string, object]> = [
	[
		'athena defaults',
		{
			idsAsNumbers: false,
			successAsString: false,
			insuranceCreateLegacy: false,
			insuranceErrorKey: 'error',
			benefitBeforeCheck: '404',
		},
	],
	[
		'ids as numbers, success as "true", legacy create, messages in detailedmessage, empty benefit body',
		{
			idsAsNumbers: true,
			successAsString: true,
			insuranceCreateLegacy: true,
			insuranceErrorKey: 'detailedmessage',
			benefitBeforeCheck: 'empty',
		},
	],
];

describe.each(READINGS)('under %s', (_name, reading) => {
	beforeAll(() => settings(sb, reading));

	test('Get Many lists the active policies with string ids and ISO companions', async () => {
		const { output, error } = await runNodes(creds, [
			{ parameters: ins('getAll', { patientId: byId('1'), returnAll: true }) },
		]);
		expect(error).toBeUndefined();
		const items = output('athenahealth').map((i) => i.json);
		expect(items.map((p) => [p.insuranceid, p.sequencenumber])).toEqual([
			['101', '1'],
			['102', '2'],
		]);
		expect(items[0]).toMatchObject({
			patientid: '1',
			insurancepackageid: '31724',
			insuranceplanname: 'HUMANA (PPO)',
		});
		const stored = sb.state.patients.get('1');
		expect(items[0].insurancepolicyholderdobIso).toBe(
			`${stored.dob.slice(6)}-${stored.dob.slice(0, 2)}-${stored.dob.slice(3, 5)}`,
		);
	});

	test('Create adds a policy and returns it; a second one at the same sequence is a clear 409 error', async () => {
		const pid = (reading as { idsAsNumbers: boolean }).idsAsNumbers ? '60182' : '34772';
		await runNodes(creds, [
			{
				parameters: ins('delete', {
					patientId: byId(pid),
					policyBy: 'sequence',
					sequenceNumber: '1',
				}),
			},
		]);
		const params = ins('create', {
			patientId: byId(pid),
			insurancePackageId: '31724',
			sequenceNumber: '1',
			insuranceidnumber: 'HUM123',
			...holder,
			additionalFields: { insurancepolicyholderdob: '1980-04-07' },
		});
		const first = await runNodes(creds, [{ parameters: params }]);
		expect(first.error).toBeUndefined();
		const created = first.output('athenahealth')[0].json;
		expect(created).toMatchObject({
			patientid: pid,
			created: true,
			insurancepackageid: '31724',
			sequencenumber: '1',
			insuranceidnumber: 'HUM123',
			insurancepolicyholderdob: '04/07/1980',
		});
		expect(created.insuranceid).toMatch(/^\d+$/);
		const again = await runNodes(creds, [{ parameters: params }]);
		expect(again.error?.message).toBe(`Patient ${pid} already has an active primary policy`);
		expect(again.error?.description).toContain('An existing insurance package exists');
		expect(again.error?.description).toContain('Update');
	});

	test('Update by insurance ID and by sequence number change only the given fields', async () => {
		const byInsurance = await runNodes(creds, [
			{
				parameters: ins('update', {
					patientId: byId('1'),
					policyBy: 'insuranceId',
					insuranceId: '101',
					updateFields: { insuranceidnumber: 'NEW-1' },
				}),
			},
		]);
		expect(byInsurance.error).toBeUndefined();
		expect(byInsurance.output('athenahealth')[0].json).toEqual({
			patientid: '1',
			insuranceid: '101',
			updated: true,
			updatedFields: ['insuranceidnumber'],
		});
		const bySequence = await runNodes(creds, [
			{
				parameters: ins('update', {
					patientId: byId('1'),
					policyBy: 'sequence',
					sequenceNumber: '2',
					updateFields: { policynumber: 'G-77' },
				}),
			},
		]);
		expect(bySequence.error).toBeUndefined();
		const policies = sb.state.records.get('1').insurances;
		expect(policies.find((p: any) => p.insuranceid === '101').insuranceidnumber).toBe('NEW-1');
		expect(policies.find((p: any) => p.insuranceid === '102').policynumber).toBe('G-77');
	});

	test('Update refused inside an HTTP 200 body (success false, reason in message) is a clear node error', async () => {
		const { error } = await runNodes(creds, [
			{
				parameters: ins('update', {
					patientId: byId('7923'),
					policyBy: 'sequence',
					sequenceNumber: '1',
					updateFields: { newsequencenumber: '3' },
				}),
			},
		]);
		expect(error?.message).toBe('athena did not update the policy');
		expect(error?.description).toBe(
			'athena said: Sequence number 3 cannot be assigned before sequence number 2 is filled.',
		);
		expect(sb.state.records.get('7923').insurances[0].sequencenumber).toBe('1');
	});

	test('Update or Delete at an empty sequence is a clear 404 error', async () => {
		const upd = await runNodes(creds, [
			{
				parameters: ins('update', {
					patientId: byId('1'),
					policyBy: 'sequence',
					sequenceNumber: '3',
					updateFields: { policynumber: 'X' },
				}),
			},
		]);
		expect(upd.error?.message).toBe('Patient 1 has no active tertiary policy');
		expect(upd.error?.description).toContain(
			'No insurance package is active at the sequence number given.',
		);
		const del = await runNodes(creds, [
			{
				parameters: ins('delete', {
					patientId: byId('1'),
					policyBy: 'sequence',
					sequenceNumber: '3',
				}),
			},
		]);
		expect(del.error?.message).toBe('Patient 1 has no active tertiary policy');
		expect(del.error?.description).toContain('Show Cancelled');
	});

	test('Check Eligibility runs the check once and returns the status and the stored 271; Get Last Eligibility Result reads it back', async () => {
		const pid = (reading as { idsAsNumbers: boolean }).idsAsNumbers ? '42000' : '7923';
		const before = await runNodes(creds, [
			{
				parameters: ins('getEligibility', {
					patientId: byId(pid),
					policyBy: 'sequence',
					sequenceNumber: '1',
				}),
			},
		]);
		expect(before.error).toBeUndefined();
		expect(before.output('athenahealth')[0].json).toMatchObject({
			patientid: pid,
			sequencenumber: '1',
			eligibilitystatus: 'Unverified',
			hasResult: false,
		});
		await control(sb, 'POST', '/_control/reset-counters');
		const { output, error } = await runNodes(creds, [
			{
				parameters: ins('checkEligibility', {
					patientId: byId(pid),
					policyBy: 'sequence',
					sequenceNumber: '1',
					options: { dateofservice: '2026-12-03', servicetypecode: '30' },
				}),
			},
		]);
		expect(error).toBeUndefined();
		const result = output('athenahealth')[0].json;
		expect(result).toMatchObject({
			patientid: pid,
			insuranceid: `${pid}01`,
			eligibilitystatus: 'Eligible',
			eligibilitymessage: 'Member is eligible.',
			hasResult: true,
			dateofservice: '12/03/2026',
			dateofserviceIso: '2026-12-03',
		});
		expect(result.ansi271).toMatch(/^ISA\*.*ST\*271/);
		expect(
			(await counters(sb)).byPath['POST /v1/{id}/patients/{id}/insurances/{id}/benefitdetails'],
		).toBe(1);
		const after = await runNodes(creds, [
			{
				parameters: ins('getEligibility', {
					patientId: byId(pid),
					policyBy: 'insuranceId',
					insuranceId: `${pid}01`,
				}),
			},
		]);
		expect(after.output('athenahealth')[0].json).toMatchObject({
			hasResult: true,
			eligibilitystatus: 'Eligible',
			ansi271: result.ansi271,
		});
	});

	test('Delete cancels a policy; it then shows only with Show Cancelled', async () => {
		const pid = (reading as { idsAsNumbers: boolean }).idsAsNumbers ? '60178' : '60179';
		const del = await runNodes(creds, [
			{
				parameters: ins('delete', {
					patientId: byId(pid),
					policyBy: 'insuranceId',
					insuranceId: `${pid}01`,
					cancellationnote: 'moved plans',
				}),
			},
		]);
		expect(del.error).toBeUndefined();
		expect(del.output('athenahealth')[0].json).toEqual({
			patientid: pid,
			insuranceid: `${pid}01`,
			cancelled: true,
		});
		const active = await runNodes(creds, [
			{ parameters: ins('getAll', { patientId: byId(pid), returnAll: true }) },
		]);
		expect(active.output('athenahealth')).toHaveLength(0);
		const all = await runNodes(creds, [
			{
				parameters: ins('getAll', {
					patientId: byId(pid),
					returnAll: true,
					options: { showcancelled: true },
				}),
			},
		]);
		expect(all.output('athenahealth')[0].json.cancelled).toMatch(/^\d\d\/\d\d\/\d{4}$/);
	});

	test("Insurance Package Search needs plan name and member ID, and returns at most athena's 15", async () => {
		const { output, error } = await runNodes(creds, [
			{
				parameters: {
					resource: 'insurancePackage',
					operation: 'search',
					insuranceplanname: 'united',
					memberid: 'asd',
				},
			},
		]);
		expect(error).toBeUndefined();
		expect(output('athenahealth')).toHaveLength(15);
		expect(output('athenahealth')[0].json).toMatchObject({
			insurancepackageid: '10451',
			insuranceplanname: 'United Healthcare (PPO) 1',
		});
		const narrow = await runNodes(creds, [
			{
				parameters: {
					resource: 'insurancePackage',
					operation: 'search',
					insuranceplanname: 'humana',
					memberid: '1',
				},
			},
		]);
		expect(narrow.output('athenahealth').map((i) => i.json.insurancepackageid)).toEqual(['31724']);
	});
});

test('bad input is refused before any request, naming the field', async () => {
	await settings(sb, READINGS[0][1]);
	const cases: Array<[object, string]> = [
		[ins('getAll', { patientId: byId('={{ "1/../2" }}') }), 'Patient must be a numeric athena ID'],
		[
			ins('create', {
				patientId: byId('1'),
				insurancePackageId: 'humana',
				sequenceNumber: '1',
				...holder,
			}),
			"Insurance Package ID must be athena's package ID (digits)",
		],
		[
			ins('create', { patientId: byId('1'), insurancePackageId: '31724', sequenceNumber: '3' }),
			'Policy Holder First Name, Last Name and Sex are required',
		],
		[
			ins('create', {
				patientId: byId('1'),
				insurancePackageId: '31724',
				sequenceNumber: '3',
				...holder,
				additionalFields: { expirationdate: '31/12/2027' },
			}),
			'Expiration Date is not a date athena can use',
		],
		[
			ins('update', {
				patientId: byId('1'),
				policyBy: 'insuranceId',
				insuranceId: '101',
				updateFields: {},
			}),
			'Add at least one field to update',
		],
		[
			ins('delete', { patientId: byId('1'), policyBy: 'insuranceId', insuranceId: 'abc' }),
			'Insurance ID must be a numeric athena ID',
		],
		[
			ins('delete', {
				patientId: byId('1'),
				policyBy: 'insuranceId',
				insuranceId: '101',
				cancellationnote: 'x'.repeat(401),
			}),
			'Cancellation Note is 401 characters long; athena accepts at most 400',
		],
		[
			ins('checkEligibility', {
				patientId: byId('1'),
				policyBy: 'insuranceId',
				insuranceId: '101',
				options: { servicetypecode: '30; drop' },
			}),
			'Service Type Code must be an X12 service type code',
		],
		[
			{
				resource: 'insurancePackage',
				operation: 'search',
				insuranceplanname: 'united',
				memberid: ' ',
			},
			'Plan Name and Member ID are both required',
		],
	];
	for (const [parameters, message] of cases) {
		const { error } = await runNodes(creds, [{ parameters }]);
		expect(error?.message).toContain(message);
		expect(error?.stack ?? '').not.toContain(error?.description ?? 'never');
	}
	expect((await counters(sb)).requests).toBe(0);
});

test('Self-pay needs no policy holder', async () => {
	await settings(sb, READINGS[0][1]);
	const { output, error } = await runNodes(creds, [
		{
			parameters: ins('create', {
				patientId: byId('7'),
				insurancePackageId: '0',
				sequenceNumber: '1',
			}),
		},
	]);
	expect(error).toBeUndefined();
	expect(output('athenahealth')[0].json).toMatchObject({
		patientid: '7',
		insurancepackageid: '0',
		insuranceplanname: '*SELF PAY*',
	});
});

test('an eligibility check that outlives its timeout is not repeated, and the error says how to find out whether it ran', async () => {
	await settings(sb, { ...READINGS[0][1], eligibilityDelayMs: 12000 });
	const { error } = await runNodes(creds, [
		{
			parameters: ins('checkEligibility', {
				patientId: byId('60180'),
				policyBy: 'insuranceId',
				insuranceId: '6018001',
				options: { timeoutSeconds: 10 },
			}),
		},
	]);
	await settings(sb, { eligibilityDelayMs: 0 });
	expect(error?.message).toBe(
		'athena did not confirm the eligibility check of insurance 6018001 (waited 10 s): it may have taken effect',
	);
	expect(error?.description).toContain('Get Last Eligibility Result');
	expect(
		(await counters(sb)).byPath['POST /v1/{id}/patients/{id}/insurances/{id}/benefitdetails'],
	).toBe(1);
}, 30000);

test('a lost answer to Create is checked before reporting: the policy athena made is returned', async () => {
	await settings(sb, READINGS[0][1]);
	await fault(sb, {
		method: 'POST',
		path: '/patients/60181/insurances$',
		phase: 'after',
		status: 502,
	});
	await runNodes(creds, [
		{
			parameters: ins('delete', {
				patientId: byId('60181'),
				policyBy: 'sequence',
				sequenceNumber: '1',
			}),
		},
	]);
	const { output, error } = await runNodes(creds, [
		{
			parameters: ins('create', {
				patientId: byId('60181'),
				insurancePackageId: '8477',
				sequenceNumber: '1',
				...holder,
			}),
		},
	]);
	expect(error).toBeUndefined();
	expect(output('athenahealth')[0].json).toMatchObject({
		created: true,
		recoveredAfterUnconfirmedCreate: true,
		insurancepackageid: '8477',
		sequencenumber: '1',
	});
	expect(sb.state.records.get('60181').insurances.filter((p: any) => !p.cancelled)).toHaveLength(1);
});
