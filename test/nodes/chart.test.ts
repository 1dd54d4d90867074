// Chart reads through n8n's engine against the sandbox: one item per record, flattened where
// athena nests, ISO companions for athena dates, and department errors made clear.
import { runNodes, sandboxCredentials, type MemoryCredentials } from '../harness/n8n';
import { control, counters, sandbox, settings, type Sandbox } from '../harness/sandbox';

let sb: Sandbox;
let creds: MemoryCredentials;
beforeAll(async () => {
	sb = await sandbox({ patients: 30 });
	creds = sandboxCredentials({ url: sb.url });
});
afterAll(() => sb.close());
beforeEach(() => control(sb, 'POST', '/_control/reset-counters'));

const byId = (value: string) => ({ __rl: true, mode: 'id', value });
const chart = (operation: string, p: object = {}) => ({
	resource: 'chart',
	operation,
	patientId: byId('1'),
	departmentId: byId('1'),
	...p,
});
const run = async (parameters: object) => {
	const { output, error } = await runNodes(creds, [{ parameters }]);
	expect(error).toBeUndefined();
	return output('athenahealth').map((i) => i.json);
};

describe.each([false, true])('ids as numbers: %s', (idsAsNumbers) => {
	beforeAll(() => settings(sb, { idsAsNumbers }));

	test('Get Problems: one item per problem, ids as strings, ISO dates inside events', async () => {
		const items = await run(chart('getProblems'));
		expect(items.map((p) => p.problemid)).toEqual(['1942', '1943']);
		expect(items[0]).toMatchObject({
			patientid: '1',
			departmentid: '1',
			name: 'Essential hypertension',
			code: '59621000',
		});
		expect((items[0].events as any[])[0]).toMatchObject({
			startdate: '07/27/2020',
			startdateIso: '2020-07-27',
		});
	});

	test('Get Social History: one item per question, with the section note', async () => {
		const items = await run(chart('getSocialHistory'));
		expect(items.map((q) => q.key)).toEqual([
			'SOCIALHISTORY.TOBACCOSMOKINGSTATUS',
			'SOCIALHISTORY.ALCOHOLUSE',
		]);
		expect(items[1]).toMatchObject({
			patientid: '1',
			departmentid: '1',
			questionid: '2',
			answer: 'Occasionally',
			note: 'weekends',
			sectionnote: 'reviewed at intake',
		});
	});

	test("Get Allergies: one item per allergy, with the section's NKDA flag", async () => {
		const items = await run(chart('getAllergies'));
		expect(items.map((a) => a.allergenname)).toEqual(['weed pollen', 'latex']);
		expect(items[0]).toMatchObject({
			allergenid: '92193',
			onsetdate: '01/01/2010',
			onsetdateIso: '2010-01-01',
			nkda: false,
		});
	});

	test("Get Medications flattens athena's array of arrays: one item per entry, grouped by medication", async () => {
		const items = await run(chart('getMedications', { options: { medicationtype: 'ACTIVE' } }));
		expect(items.map((m) => [m.medicationgroup, m.medicationentryid])).toEqual([
			[1, 'H228145'],
			[1, 'C228146'],
			[2, 'H228150'],
		]);
		expect(items[2]).toMatchObject({
			medicationid: '244370',
			medication: 'lisinopril 10 mg tablet',
			lastmodifieddateIso: '2025-01-05',
		});
	});

	test('Get Vitals flattens vitals grouped by vital and reading: one item per value', async () => {
		const items = await run(chart('getVitals', { options: { startdate: '2026-01-01' } }));
		expect(items.map((v) => [v.key, v.clinicalelementid, v.value])).toEqual([
			['BLOODPRESSURE', 'VITALS.BLOODPRESSURE.DIASTOLIC', '80'],
			['BLOODPRESSURE', 'VITALS.BLOODPRESSURE.SYSTOLIC', '123'],
			['WEIGHT', 'VITALS.WEIGHT', '70300'],
			['WEIGHT', 'VITALS.WEIGHT', '71100'],
		]);
		expect(items[0]).toMatchObject({
			vitalid: '25967',
			readingid: '1',
			readingtaken: '10/08/2026',
			readingtakenIso: '2026-10-08',
			createddateIso: '2026-10-08T11:28:18',
		});
	});

	test("Get Many Encounters applies athena's default status and type filters unless asked", async () => {
		const items = await run(chart('getEncounters', { returnAll: true }));
		expect(items.map((e) => e.encounterid)).toEqual(['105', '106']);
		expect(items[0].encounterdateIso).toBe('2026-10-08');
		const all = await run(
			chart('getEncounters', {
				returnAll: true,
				options: { showallstatuses: true, showalltypes: true },
			}),
		);
		expect(all.map((e) => e.status)).toEqual(['CLOSED', 'OPEN', 'DELETED']);
	});

	test('Get Encounter (singular path, array of one) and Get Encounter Summary (plural path, HTML)', async () => {
		const [encounter] = await run({
			resource: 'chart',
			operation: 'getEncounter',
			encounterId: '106',
		});
		expect(encounter).toMatchObject({ encounterid: '106', status: 'OPEN', stage: 'INTAKE' });
		const [summary] = await run({
			resource: 'chart',
			operation: 'getEncounterSummary',
			encounterId: '106',
		});
		expect(summary.encounterid).toBe('106');
		expect(summary.summaryhtml).toContain('<div class="clinicalsummary">');
		expect(summary.summaryhtml).toContain('Date: 11/12/2026');
	});

	test('Get Lab Results: wrapper "results", analytes kept, ISO companions', async () => {
		const items = await run(chart('getLabResults', { returnAll: false, limit: 1 }));
		expect(items).toHaveLength(1);
		expect(items[0]).toMatchObject({
			labresultid: '1083579',
			labresultdatetimeIso: '2026-08-10T14:59:00',
		});
		expect((items[0].analytes as any[])[0]).toMatchObject({
			analyteid: '907435',
			value: 'Nonreactive',
		});
	});
});

test("a missing or invalid department is refused before any call; an unknown one is athena's clear 404", async () => {
	await settings(sb, { idsAsNumbers: false });
	const missing = await runNodes(creds, [
		{ parameters: chart('getProblems', { departmentId: byId('={{ "" }}') }) },
	]);
	expect(missing.error?.message).toContain('Department must be a numeric athena ID');
	const injected = await runNodes(creds, [
		{ parameters: chart('getVitals', { options: { startdate: 'yesterday' } }) },
	]);
	expect(injected.error?.message).toBe('Start Date is not a date athena can use');
	expect((await counters(sb)).requests).toBe(0);
	const unknown = await runNodes(creds, [
		{ parameters: chart('getAllergies', { departmentId: byId('999') }) },
	]);
	expect(unknown.error?.message).toBe('The Patient ID or Department ID is invalid.');
	expect(unknown.error?.httpCode).toBe('404');
	const noEncounter = await runNodes(creds, [
		{ parameters: { resource: 'chart', operation: 'getEncounter', encounterId: '99999999' } },
	]);
	expect(noEncounter.error?.message).toBe('The encounter ID is invalid.');
});
