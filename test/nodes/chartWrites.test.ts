// Chart writes and lab result documents through n8n's engine against the sandbox, under each
// reading of the inferred points (docs/athena-behaviour.md#chart-writes): what each write sends,
// that the chart then shows it, athena's refusals in athena's words, input refused before any
// request, and writes whose answer was lost (looked up, never sent twice).
import http from 'node:http';

import { startMllpServer } from '../../mllp/nodes/Mllp/server';

import type { IDataObject, IExecuteFunctions, INodeType } from 'n8n-workflow';

import {
	extraNodeTypes,
	listSearch,
	loadOptions,
	runNodes,
	sandboxCredentials,
	type MemoryCredentials,
} from '../harness/n8n';
import { control, counters, fault, sandbox, settings, type Sandbox } from '../harness/sandbox';

// A stand-in for a node that hands over a file (Read File, HTTP Request).
const makePdf: INodeType = {
	description: {
		displayName: 'Make PDF',
		name: 'test.makePdf',
		group: ['input'],
		version: 1,
		description: '',
		defaults: { name: 'Make PDF' },
		inputs: ['main'],
		outputs: ['main'],
		properties: [],
	} as never,
	async execute(this: IExecuteFunctions) {
		const data = await this.helpers.prepareBinaryData(
			Buffer.from('%PDF-1.4 lab report'),
			'report.pdf',
			'application/pdf',
		);
		return [[{ json: {}, binary: { report: data } }]];
	},
};
extraNodeTypes['test.makePdf'] = makePdf;

let sb: Sandbox;
let creds: MemoryCredentials;
beforeAll(async () => {
	sb = await sandbox({ patients: 40 });
	creds = sandboxCredentials({ url: sb.url });
});
afterAll(() => sb.close());
beforeEach(async () => {
	await control(sb, 'DELETE', '/_control/faults');
	await control(sb, 'POST', '/_control/reset-counters');
});

const byId = (value: string) => ({ __rl: true, mode: 'id', value });
const chart = (operation: string, patient: string, p: object = {}) => ({
	resource: 'chart',
	operation,
	patientId: byId(patient),
	departmentId: byId('1'),
	...p,
});
const run = async (parameters: object, input: IDataObject[] = [{}]) => {
	const { output, error } = await runNodes(creds, [{ parameters }], input);
	expect(error).toBeUndefined();
	return output('athenahealth').map((i) => i.json);
};
const fails = async (parameters: object, input: IDataObject[] = [{}]) => {
	const { error } = await runNodes(creds, [{ parameters }], input);
	expect(error).toBeDefined();
	return error!;
};
const posts = async (key: string) => (await counters(sb)).byPath[key] ?? 0;
const requests = async () => (await counters(sb)).requests as number;
/** How many times a request reached the sandbox, faults included (its raw log). */
const sent = async (line: string) =>
	((await counters(sb)).log as string[]).filter((l) => l === line).length;

// one patient per reading, so what one reading wrote never meets the other's checks
const READINGS = [
	{ name: 'current answers', successAsString: false, chartWriteIds: true, patient: '60178' },
	{
		name: '2016 answers (success "true", no ids)',
		successAsString: true,
		chartWriteIds: false,
		patient: '60179',
	},
];

describe.each(READINGS)('$name', ({ successAsString, chartWriteIds, patient }) => {
	beforeAll(() =>
		settings(sb, { successAsString, chartWriteIds, vitalsSourceCheck: chartWriteIds }),
	);

	test('Add Problem: the new problem id (from the answer or read back), and the chart shows it', async () => {
		const [item] = await run(
			chart('addProblem', patient, {
				snomedCode: '44054006',
				additionalFields: {
					status: 'CHRONIC',
					laterality: 'LEFT',
					note: 'from device',
					startdate: '2026-01-31',
				},
			}),
		);
		expect(item).toMatchObject({ patientid: patient, snomedcode: '44054006', added: true });
		expect(item.problemid).toMatch(/^\d+$/);
		expect(item.confirmedBy).toBe(chartWriteIds ? 'athena' : 'athena and reading the chart');
		const problems = await run(chart('getProblems', patient));
		const p = problems.find((x) => x.problemid === item.problemid)!;
		expect(p).toMatchObject({ code: '44054006', name: 'Type 2 diabetes mellitus' });
		expect((p.events as IDataObject[])[0]).toMatchObject({
			status: 'CHRONIC',
			laterality: 'LEFT',
			note: 'from device',
			startdate: '01/31/2026',
		});
	});

	test("Add Problem: athena's refusal of a code is an error in athena's words; a malformed code never leaves", async () => {
		const error = await fails(chart('addProblem', patient, { snomedCode: '123456789' }));
		expect(error.message).toBe("Submitted snomedcode of '123456789' is not valid.");
		const before = await requests();
		const bad = await fails(chart('addProblem', patient, { snomedCode: 'E11.9' }));
		expect(bad.message).toMatch(/^SNOMED Code must be a SNOMED CT concept ID/);
		expect(await requests()).toBe(before);
	});

	test('Update, Deactivate and Delete Problem Added in Error', async () => {
		const [a] = await run(chart('addProblem', patient, { snomedCode: '195967001' }));
		const [b] = await run(chart('addProblem', patient, { snomedCode: '35489007' }));
		const [u] = await run(
			chart('updateProblem', patient, {
				problemId: a.problemid,
				updateFields: { status: 'ACUTE', note: 'seasonal' },
			}),
		);
		expect(u).toMatchObject({ updated: true });
		expect((u.updatedFields as string[]).sort()).toEqual(['note', 'status']);
		const nothing = await fails(chart('updateProblem', patient, { problemId: a.problemid }));
		expect(nothing.message).toBe('Nothing to update');
		const unknown = await fails(
			chart('updateProblem', patient, { problemId: '1', updateFields: { note: 'x' } }),
		);
		expect(unknown.message).toBe('The problem ID is invalid.');

		const [d] = await run(chart('deactivateProblem', patient, { problemId: a.problemid }));
		expect(d).toMatchObject({ problemid: a.problemid, deactivated: true });
		const [e] = await run(chart('deleteProblemAddedInError', patient, { problemId: b.problemid }));
		expect(e).toMatchObject({ problemid: b.problemid, deleted: true });

		const active = await run(chart('getProblems', patient));
		expect(active.map((p) => p.problemid)).not.toContain(a.problemid);
		const all = await run(chart('getProblems', patient, { options: { showinactive: true } }));
		const hidden = all.find((p) => p.problemid === a.problemid)!;
		expect(hidden.deactivateddate).toBeDefined();
		expect((hidden.events as IDataObject[])[0]).toMatchObject({
			status: 'ACUTE',
			note: 'seasonal',
		});
		expect(all.map((p) => p.problemid)).not.toContain(b.problemid);
	});

	test('Update Allergies: adds, keeps what was not sent, looks up reaction and severity codes', async () => {
		const [item] = await run(
			chart('updateAllergies', patient, {
				allergies: {
					allergy: [
						{
							allergenid: '10075',
							reactions: ['hives', 'anaphylaxis'],
							severity: 'severe',
							onsetdate: '2001-05-02',
						},
					],
				},
			}),
		);
		expect(item).toMatchObject({
			updated: true,
			allergenids: ['10075'],
			allergiesNotSentAreKept: true,
		});
		const allergies = await run(chart('getAllergies', patient));
		expect(allergies.map((a) => a.allergenname)).toEqual(['weed pollen', 'latex', 'penicillin']);
		expect(allergies[2]).toMatchObject({ onsetdate: '05/02/2001' });
		expect(allergies[2].reactions).toEqual([
			{
				reactionname: 'hives',
				snomedcode: '247472004',
				severity: 'severe',
				severitysnomedcode: '24484000',
			},
			{
				reactionname: 'anaphylaxis',
				snomedcode: '39579001',
				severity: 'severe',
				severitysnomedcode: '24484000',
			},
		]);
	});

	test('Update Allergies: a Section Note set, then an empty one removes it', async () => {
		const record = () => sb.state.records.get(patient);
		await run(chart('updateAllergies', patient, { options: { sectionnote: 'reviewed' } }));
		expect(record().allergySectionNote).toBe('reviewed');
		await run(chart('updateAllergies', patient, { options: { sectionnote: '' } }));
		// the sandbox sets it only when athena's field arrives, so '' here means `sectionnote=` was sent
		expect(record().allergySectionNote).toBe('');
	});

	test("Update Allergies: without Merge With Chart a chart allergen's reactions are replaced; with it they are merged", async () => {
		await run(
			chart('updateAllergies', patient, {
				allergies: { allergy: [{ allergenid: '18939', reactions: 'rash' }] },
				options: { mergeWithChart: true },
			}),
		);
		let latex = (await run(chart('getAllergies', patient))).find((a) => a.allergenid === '18939')!;
		expect((latex.reactions as IDataObject[]).map((r) => r.reactionname)).toEqual([
			'hives',
			'rash',
		]);
		await run(
			chart('updateAllergies', patient, {
				allergies: { allergy: [{ allergenid: '18939', reactions: 'chest pain' }] },
			}),
		);
		latex = (await run(chart('getAllergies', patient))).find((a) => a.allergenid === '18939')!;
		expect((latex.reactions as IDataObject[]).map((r) => r.reactionname)).toEqual(['chest pain']);
	});

	test("Update Allergies: an unknown reaction is refused before the write; athena's refusal of an allergen in its words", async () => {
		const bad = await fails(
			chart('updateAllergies', patient, {
				allergies: { allergy: [{ allergenid: '18939', reactions: 'sneezes' }] },
			}),
		);
		expect(bad.message).toBe('Allergy 1: athena has no reaction "sneezes"');
		expect(await posts('PUT /v1/{id}/chart/{id}/allergies')).toBe(0);
		const error = await fails(
			chart('updateAllergies', patient, { allergies: { allergy: [{ allergenid: '1' }] } }),
		);
		expect(error.message).toBe('Allergen ID 1 is not valid.');
	});

	test('Add, Update and Remove Historical Medication', async () => {
		const [added] = await run(
			chart('addHistoricalMedication', patient, {
				medicationId: byId('205710'),
				additionalFields: {
					startdate: '2026-02-01',
					unstructuredsig: 'Take 1 tablet twice daily.',
				},
			}),
		);
		expect(added).toMatchObject({ medicationid: '205710', added: true });
		expect(added.medicationentryid).toMatch(/^H\d+$/);
		const entry = added.medicationentryid as string;
		const [u] = await run(
			chart('updateHistoricalMedication', patient, {
				medicationEntryId: entry,
				updateFields: { stopdate: '2026-03-01', stopreason: 'course finished' },
			}),
		);
		expect(u).toMatchObject({ medicationentryid: entry, updated: true });
		let meds = await run(chart('getMedications', patient));
		const m = meds.find((x) => x.medicationentryid === entry)!;
		expect(m).toMatchObject({
			medication: 'metformin 500 mg tablet',
			stopreason: 'course finished',
		});
		expect((m.events as IDataObject[]).map((e) => [e.type, e.eventdate])).toEqual(
			expect.arrayContaining([
				['START', '02/01/2026'],
				['END', '03/01/2026'],
			]),
		);
		const [r] = await run(
			chart('removeHistoricalMedication', patient, { medicationEntryId: entry }),
		);
		expect(r).toMatchObject({ medicationentryid: entry, removed: true });
		meds = await run(chart('getMedications', patient));
		expect(meds.map((x) => x.medicationentryid)).not.toContain(entry);
	});

	test("Historical Medication: athena's refusal of an unknown medication; dates checked before any request", async () => {
		const error = await fails(
			chart('addHistoricalMedication', patient, { medicationId: byId('1') }),
		);
		expect(error.message).toBe('MedicationID 1 does not match any known medications.');
		const before = await requests();
		const range = await fails(
			chart('addHistoricalMedication', patient, {
				medicationId: byId('205710'),
				additionalFields: { startdate: '2026-03-01', stopdate: '2026-02-01' },
			}),
		);
		expect(range.message).toBe('Stop Date is before Start Date');
		const entry = await fails(
			chart('removeHistoricalMedication', patient, { medicationEntryId: '../H1' }),
		);
		expect(entry.message).toMatch(/^Medication Entry ID must be athena's entry ID/);
		expect(await requests()).toBe(before);
	});

	test('Add Vitals: one reading group per item, LOINC mapped to athena keys, units converted', async () => {
		const [bp] = await run(
			chart('addVitals', patient, {
				readingTaken: '2026-02-03',
				readings: {
					reading: [
						{ loinc: '8480-6', value: '121', unit: 'mm[Hg]' },
						{ loinc: '8462-4', value: '79' },
					],
				},
			}),
		);
		expect(bp).toMatchObject({ added: true, readingtaken: '02/03/2026' });
		expect((bp.vitalids as IDataObject[]).length).toBe(2);
		const [wt] = await run(
			chart('addVitals', patient, {
				readingTaken: '2026-02-03',
				readings: {
					reading: [
						{ loinc: '29463-7', value: '154.3', unit: '[lb_av]' },
						{ loinc: '8310-5', value: '37', unit: 'Cel' },
						{ loinc: '8302-2', value: '70', unit: '[in_i]' },
					],
				},
			}),
		);
		expect(wt.readings).toMatchObject([
			{ clinicalelementid: 'VITALS.WEIGHT', readingtaken: '02/03/2026', value: '69989', unit: 'g' },
			{
				clinicalelementid: 'VITALS.TEMPERATURE',
				readingtaken: '02/03/2026',
				value: '98.6',
				unit: '°F',
			},
			{
				clinicalelementid: 'VITALS.HEIGHT',
				readingtaken: '02/03/2026',
				value: '177.8',
				unit: 'cm',
			},
		]);
		const vitals = await run(chart('getVitals', patient));
		const values = vitals.map((v) => [v.clinicalelementid, v.value, v.readingtaken]);
		expect(values).toEqual(
			expect.arrayContaining([
				['VITALS.BLOODPRESSURE.SYSTOLIC', '121', '02/03/2026'],
				['VITALS.BLOODPRESSURE.DIASTOLIC', '79', '02/03/2026'],
				['VITALS.WEIGHT', '69989', '02/03/2026'],
				['VITALS.TEMPERATURE', '98.6', '02/03/2026'],
			]),
		);
		// the systolic and diastolic readings of one item share athena's reading id
		const sys = vitals.find((v) => v.vitalid === (bp.vitalids as IDataObject[])[0].vitalid)!;
		const dia = vitals.find((v) => v.vitalid === (bp.vitalids as IDataObject[])[1].vitalid)!;
		expect(sys.readingid).toBe(dia.readingid);
	});

	test("Add Vitals: bad units and unknown codes never leave; athena's department error", async () => {
		const before = await requests();
		const unit = await fails(
			chart('addVitals', patient, {
				readingTaken: '2026-02-03',
				readings: { reading: [{ loinc: '29463-7', value: '70', unit: 'stone' }] },
			}),
		);
		expect(unit.message).toMatch(/^Reading 1: Body Weight: unit "stone" cannot be converted to g/);
		const value = await fails(
			chart('addVitals', patient, {
				readingTaken: '2026-02-03',
				readings: { reading: [{ loinc: '8867-4', value: 'fast' }] },
			}),
		);
		expect(value.message).toMatch(/the value must be a number/);
		expect(await requests()).toBe(before);
		const dept = await fails({
			...chart('addVitals', patient, {
				readingTaken: '2026-02-03',
				readings: { reading: [{ loinc: '8867-4', value: '60' }] },
			}),
			departmentId: byId('9999'),
		});
		expect(dept.message).toBe('The Patient ID or Department ID is invalid.');
	});

	test("Add and Remove Encounter Diagnosis; a closed encounter is refused in athena's words", async () => {
		const open = `${patient}06`;
		const [d] = await run({
			resource: 'chart',
			operation: 'addEncounterDiagnosis',
			encounterId: open,
			snomedCode: '44054006',
			additionalFields: { icd10codes: 'e11.9, I10', laterality: 'RIGHT' },
		});
		expect(d).toMatchObject({ encounterid: open, added: true, icd10codes: ['E11.9', 'I10'] });
		if (chartWriteIds) expect(d.diagnosisid).toMatch(/^\d+$/);
		const stored = sb.state.records
			.get(patient)
			.encounters.find((e: any) => e.encounterid === open);
		expect(stored.diagnoses.map((x: any) => x.icdcodes.map((c: any) => c.code))).toEqual([
			['E11.9', 'I10'],
		]);
		const id = String(stored.diagnoses[0].diagnosisid);
		const [r] = await run({
			resource: 'chart',
			operation: 'removeEncounterDiagnosis',
			encounterId: open,
			diagnosisId: id,
		});
		expect(r).toMatchObject({ diagnosisid: id, removed: true });
		expect(stored.diagnoses).toEqual([]);
		const closed = await fails({
			resource: 'chart',
			operation: 'addEncounterDiagnosis',
			encounterId: `${patient}05`,
			snomedCode: '44054006',
		});
		expect(closed.message).toBe(`Encounter ${patient}05 is closed and cannot be changed.`);
		const before = await requests();
		const icd = await fails({
			resource: 'chart',
			operation: 'addEncounterDiagnosis',
			encounterId: open,
			snomedCode: '44054006',
			additionalFields: { icd10codes: '250.00' },
		});
		expect(icd.message).toBe('ICD-10 Codes: "250.00" is not an ICD-10 code');
		expect(await requests()).toBe(before);
		const [plain] = await run({
			resource: 'chart',
			operation: 'addEncounterDiagnosis',
			encounterId: open,
			snomedCode: '44054006',
			additionalFields: { icd10codes: 'E119, u07.1, Z0000' },
		});
		expect(plain).toMatchObject({ added: true, icd10codes: ['E119', 'U07.1', 'Z0000'] });
	});

	test('File Lab Result: analytes and a PDF, closed; the chart lists it; a second filing of the accession is skipped', async () => {
		const params = chart('fileLabResult', patient, {
			analytes: {
				analyte: [
					{
						analytename: 'Glucose',
						value: '105',
						units: 'mg/dL',
						referencerange: '70-99',
						abnormalflag: 'HIGH',
						loinc: '2345-7',
					},
					{ analytename: 'Potassium', value: '4.1', units: 'mmol/L' },
				],
			},
			additionalFields: {
				accessionid: `ACC-${patient}-1`,
				observationdate: '2026-02-04T08:30:00',
				resultstatus: 'Final',
			},
			options: { binaryPropertyName: 'report', autoclose: true },
		});
		const first = await runNodes(creds, [
			{ name: 'Make PDF', type: 'test.makePdf', credentials: false, parameters: {} },
			{ name: 'athenahealth', parameters: params },
		]);
		expect(first.error).toBeUndefined();
		const [item] = first.output('athenahealth').map((i) => i.json);
		expect(item).toMatchObject({
			filed: true,
			alreadyFiled: false,
			accessionid: `ACC-${patient}-1`,
			analytes: 2,
		});
		expect(item.labresultid).toMatch(/^\d+$/);
		const lab = sb.state.records
			.get(patient)
			.labresults.find((l: any) => String(l.labresultid) === item.labresultid);
		expect(lab).toMatchObject({
			status: 'CLOSED',
			labresultdate: '02/04/2026',
			labresultdatetime: '02/04/2026 08:30:00',
			attachmentexists: true,
			attachment: { contenttype: 'PDF' },
		});
		const listed = await run(chart('getLabResults', patient));
		expect(listed.map((l) => l.labresultid)).toContain(item.labresultid);

		const again = await runNodes(creds, [
			{ name: 'Make PDF', type: 'test.makePdf', credentials: false, parameters: {} },
			{ name: 'athenahealth', parameters: params },
		]);
		const [second] = again.output('athenahealth').map((i) => i.json);
		expect(second).toMatchObject({
			filed: false,
			alreadyFiled: true,
			labresultid: item.labresultid,
		});
		expect(await posts('POST /v1/{id}/patients/{id}/documents/labresult')).toBe(1);
	});

	test("File Lab Result: input checked before any request; athena's refusal of a large attachment in its words", async () => {
		const before = await requests();
		const none = await fails(chart('fileLabResult', patient, {}));
		expect(none.message).toBe('Add at least one analyte or an attachment');
		const unnamed = await fails(
			chart('fileLabResult', patient, { analytes: { analyte: [{ value: '1' }] } }),
		);
		expect(unnamed.message).toBe('Analyte 1: Name is required');
		expect(await requests()).toBe(before);
		await settings(sb, { maxUploadBytes: 4 });
		try {
			const { error } = await runNodes(creds, [
				{ name: 'Make PDF', type: 'test.makePdf', credentials: false, parameters: {} },
				{
					name: 'athenahealth',
					parameters: chart('fileLabResult', patient, {
						options: { binaryPropertyName: 'report' },
					}),
				},
			]);
			expect(error?.message).toBe('The attachment is too large.');
		} finally {
			await settings(sb, { maxUploadBytes: 4 * 1024 * 1024 });
		}
	});

	test("Update Lab Result Analytes: the document shows the new value; athena's refusal of an unknown analyte", async () => {
		const [filed] = await run(
			chart('fileLabResult', patient, {
				analytes: { analyte: [{ analytename: 'TSH', value: '2.0', units: 'mIU/L' }] },
				additionalFields: { accessionid: `ACC-${patient}-2` },
			}),
		);
		const lab = sb.state.records
			.get(patient)
			.labresults.find((l: any) => String(l.labresultid) === filed.labresultid);
		const analyteid = String(lab.analytes[0].analyteid);
		const [u] = await run(
			chart('updateLabResultAnalytes', patient, {
				labResultId: filed.labresultid,
				analytes: {
					analyte: [{ analyteid, value: '5.2', abnormalflag: 'HIGH', resultstatus: 'Corrected' }],
				},
			}),
		);
		expect(u).toMatchObject({ updated: true, analyteids: [analyteid] });
		expect(lab.analytes[0]).toMatchObject({
			analytename: 'TSH',
			value: '5.2',
			abnormalflag: 'HIGH',
		});
		const error = await fails(
			chart('updateLabResultAnalytes', patient, {
				labResultId: filed.labresultid,
				analytes: { analyte: [{ analyteid: '1', value: '1' }] },
			}),
		);
		expect(error.message).toBe(`Analyte ID 1 is not on lab result ${filed.labresultid}.`);
	});
});

// ---- an ORU^R01 from a reference lab → File Lab Result

// PID-5 and PID-7 as the sandbox's patient (athena's dob MM/DD/YYYY → YYYYMMDD); DOE^JANE otherwise
const pidName = (patient: string) => {
	const p = sb.state.patients.get(patient);
	if (!p) return { name: 'DOE^JANE', dob: '19800407' };
	const [m, d, y] = String(p.dob).split('/');
	return { name: `${p.lastname}^${p.firstname}`, dob: `${y}${m}${d}` };
};
const oru = (patient: string, accession: string, pid = pidName(patient)) =>
	[
		'MSH|^~\\&|REFLAB|LAB^Reference Lab|ATHENA|195900|20260205101500||ORU^R01|CTRL' +
			accession +
			'|P|2.5.1',
		`PID|1|${patient}^^^athena|MRN77^^^LAB||${pid.name}||${pid.dob}|F`,
		`OBR|1|ORD1|${accession}-A|24323-8^Comprehensive metabolic panel^LN|||202602050830|||||||||||||||202602051000||CH|F`,
		'OBX|1|NM|2345-7^Glucose^LN||105|mg/dL^mg/dL|70-99|H|||F',
		'NTE|1||Fasting specimen',
		'OBX|2|NM|2823-3^Potassium^LN||4.1|mmol/L|3.5-5.1|N|||F',
		`OBR|2|ORD2|${accession}-B|4548-4^Hemoglobin A1c^LN|||202602050830|||||||||||||||202602051000||CH|P`,
		'OBX|1|NM|4548-4^Hemoglobin A1c^LN||6.1|%|4.0-5.6|H|||P',
		`OBX|2|ED|PDF^Report^L||^application^pdf^Base64^${Buffer.from('%PDF-1.4 A1c').toString('base64')}||||||F`,
	].join('\r');

describe('File Lab Result from an HL7 ORU', () => {
	beforeAll(() => settings(sb, { successAsString: false, chartWriteIds: true }));

	test("an MLLP trigger's item: one lab result per order, analytes and the embedded PDF; a re-sent message files nothing again", async () => {
		const params = chart('fileLabResult', '1', { source: 'hl7' });
		const input = [{ message: oru('60182', 'L100'), messageType: 'ORU^R01' }];
		const items = await run(params, input);
		expect(items).toHaveLength(2);
		expect(items[0]).toMatchObject({
			patientid: '60182',
			accessionid: 'L100-A',
			filed: true,
			analytes: 2,
			orderedtest: 'Comprehensive metabolic panel',
			controlId: 'CTRLL100',
		});
		expect(items[1]).toMatchObject({
			accessionid: 'L100-B',
			filed: true,
			analytes: 1,
			attachment: 'PDF',
		});
		const labs = sb.state.records.get('60182').labresults;
		const a = labs.find((l: any) => String(l.labresultid) === items[0].labresultid);
		expect(a).toMatchObject({
			externalaccessionid: 'L100-A',
			labresultdatetime: '02/05/2026 08:30:00',
			resultstatus: 'Final',
			status: 'REVIEW',
		});
		expect(a.analytes[0]).toMatchObject({
			analytename: 'Glucose',
			value: '105',
			units: 'mg/dL',
			referencerange: '70-99',
			abnormalflag: 'HIGH',
			loinc: '2345-7',
			resultstatus: 'Final',
			note: 'Fasting specimen',
		});
		const b = labs.find((l: any) => String(l.labresultid) === items[1].labresultid);
		expect(b).toMatchObject({ resultstatus: 'Preliminary', attachmentexists: true });

		const again = await run(params, input);
		expect(again.map((i) => [i.accessionid, i.alreadyFiled])).toEqual([
			['L100-A', true],
			['L100-B', true],
		]);
		expect(await posts('POST /v1/{id}/patients/{id}/documents/labresult')).toBe(2);
	});

	test('HL7 Message → Parse → File Lab Result (the path map), and the patient set on the node', async () => {
		const { output, error } = await runNodes(creds, [
			{ parameters: { resource: 'hl7', operation: 'parse', message: oru('999', 'L200') } },
			{
				name: 'File',
				parameters: chart('fileLabResult', '60183', { source: 'hl7', patientFromMessage: false }),
			},
		]);
		expect(error).toBeUndefined();
		const items = output('File').map((i) => i.json);
		expect(items.map((i) => [i.patientid, i.accessionid, i.filed])).toEqual([
			['60183', 'L200-A', true],
			['60183', 'L200-B', true],
		]);
	});

	test('not an ORU, or no athena patient id: refused before any request', async () => {
		const before = await requests();
		const adt = await fails(chart('fileLabResult', '1', { source: 'hl7' }), [
			{ message: 'MSH|^~\\&|A|B|C|D|20260101||ADT^A04|1|P|2.5.1\rPID|1|5' },
		]);
		expect(adt.message).toBe('The HL7 message is ADT^A04, not an ORU^R01 result');
		const nopid = await fails(chart('fileLabResult', '1', { source: 'hl7' }), [
			{ message: oru('ABC', 'L300').replace('MRN77^^^LAB', '') },
		]);
		expect(nopid.message).toBe(
			'The ORU message does not carry an athena patient ID in PID-2, PID-3 or PID-4',
		);
		const none = await fails(chart('fileLabResult', '1', { source: 'hl7' }), [{ other: 1 }]);
		expect(none.message).toBe('No HL7 message in the input item');
		expect(await requests()).toBe(before);
	});

	test("a lab's MRN that is some athena patient's ID: names or birth date differ → refused, nothing filed", async () => {
		const patient = '100020';
		const { dob } = pidName(patient);
		// PID-2 empty, the lab's MRN in PID-3 happens to be athena patient 100020
		const message = oru(patient, 'L400', { name: 'ZZNOTTHEM^ANN', dob }).replace(
			`PID|1|${patient}^^^athena|MRN77^^^LAB|`,
			`PID|1||${patient}^^^REFLAB^MR|`,
		);
		const error = await fails(chart('fileLabResult', '1', { source: 'hl7' }), [{ message }]);
		expect(error.message).toBe(
			`PID names/birth date do not match athena patient ${patient}; nothing filed`,
		);
		const other = oru(patient, 'L401', { name: pidName(patient).name, dob: '19000101' });
		const dobError = await fails(chart('fileLabResult', '1', { source: 'hl7' }), [
			{ message: other },
		]);
		expect(dobError.message).toBe(
			`PID names/birth date do not match athena patient ${patient}; nothing filed`,
		);
		const noDob = await fails(chart('fileLabResult', '1', { source: 'hl7' }), [
			{ message: oru(patient, 'L402', { name: pidName(patient).name, dob: '' }) },
		]);
		expect(noDob.message).toBe(
			`PID names/birth date do not match athena patient ${patient}; nothing filed`,
		);
		expect(await posts('POST /v1/{id}/patients/{id}/documents/labresult')).toBe(0);
		const ours = (l: any) => /^L40/.test(String(l.externalaccessionid));
		expect((sb.state.records.get(patient)?.labresults ?? []).filter(ours)).toEqual([]);
		// the same names in other case and with accents, the athena ID labelled in PID-3: filed
		const p = sb.state.patients.get(patient);
		const accented = `${String(p.lastname).toUpperCase().replace(/E/, 'É')}^${p.firstname}`;
		const labelled = oru(patient, 'L403', { name: accented, dob }).replace(
			`PID|1|${patient}^^^athena|MRN77^^^LAB|`,
			`PID|1||LAB123^^^REFLAB^MR~${patient}^^^ATHENA^PI|`,
		);
		const items = await run(chart('fileLabResult', '1', { source: 'hl7' }), [
			{ message: labelled },
		]);
		expect(items.map((i) => [i.patientid, i.filed])).toEqual([
			[patient, true],
			[patient, true],
		]);
	});

	test('orders sharing a placer number with different tests: each filed; re-sent: filed once; corrected: filed', async () => {
		const patient = '100021';
		const { name, dob } = pidName(patient);
		const message = [
			'MSH|^~\\&|REFLAB|LAB^Reference Lab|ATHENA|195900|20260205101500||ORU^R01|CTRLP1|P|2.5.1',
			`PID|1|${patient}^^^athena|LAB123^^^REFLAB^MR||${name}||${dob}|F`,
			'OBR|1|PLC9||2345-7^Glucose^LN|||202602050830|||||||||||||||202602051000||CH|F',
			'OBX|1|NM|2345-7^Glucose^LN||98|mg/dL|70-99|N|||F',
			'OBR|2|PLC9||2093-3^Cholesterol^LN|||202602050830|||||||||||||||202602051000||CH|F',
			'OBX|1|NM|2093-3^Cholesterol^LN||182|mg/dL|<200|N|||F',
		].join('\r');
		const params = chart('fileLabResult', '1', { source: 'hl7' });
		const first = await run(params, [{ message }]);
		expect(first.map((i) => [i.accessionid, i.orderedtest, i.filed])).toEqual([
			['PLC9', 'Glucose', true],
			['PLC9', 'Cholesterol', true],
		]);
		const labs = sb.state.records.get(patient).labresults;
		expect(labs.find((l: any) => String(l.labresultid) === first[1].labresultid).internalnote).toBe(
			'Ordered test (OBR-4): 2093-3^Cholesterol',
		);
		const again = await run(params, [{ message }]);
		expect(again.map((i) => [i.labresultid, i.alreadyFiled])).toEqual([
			[first[0].labresultid, true],
			[first[1].labresultid, true],
		]);
		// the lab corrects the cholesterol (OBR-25 C, same placer number)
		const corrected = message
			.replace('CTRLP1', 'CTRLP2')
			.replace(
				'2093-3^Cholesterol^LN||182|mg/dL|<200|N|||F',
				'2093-3^Cholesterol^LN||218|mg/dL|<200|H|||C',
			)
			.replace(/(OBR\|2\|.*)\|F$/m, '$1|C');
		const c = await run(params, [{ message: corrected }]);
		expect(c.map((i) => [i.orderedtest, i.filed, i.alreadyFiled, i.corrects])).toEqual([
			['Glucose', false, true, undefined],
			['Cholesterol', true, false, first[1].labresultid],
		]);
		const c2 = await run(params, [{ message: corrected }]);
		expect(c2.map((i) => i.alreadyFiled)).toEqual([true, true]);
		expect(await posts('POST /v1/{id}/patients/{id}/documents/labresult')).toBe(3);
		expect(
			labs.filter((l: any) => l.externalaccessionid === 'PLC9').map((l: any) => l.resultstatus),
		).toEqual(['Final', 'Final', 'Corrected']);
	});
});

// ---- writes whose answer was lost

describe.each(READINGS)('lost answers, $name', ({ successAsString, chartWriteIds }) => {
	beforeAll(() => settings(sb, { successAsString, chartWriteIds }));
	const patient = chartWriteIds ? '60180' : '60181';

	test('Add Problem applied, answer lost: found in the chart, not sent again', async () => {
		await fault(sb, {
			method: 'POST',
			path: `/chart/${patient}/problems$`,
			phase: 'after',
			status: 503,
		});
		const [item] = await run(chart('addProblem', patient, { snomedCode: '271737000' }));
		expect(item).toMatchObject({ added: true, recoveredAfterUnconfirmedWrite: true });
		expect(item.problemid).toMatch(/^\d+$/);
		expect(await posts('POST /v1/{id}/chart/{id}/problems')).toBe(1);
	});

	test('Add Historical Medication not applied, answer lost: the error says it may have happened and how to check', async () => {
		await fault(sb, { method: 'POST', path: `/chart/${patient}/medications$`, status: 503 });
		const error = await fails(
			chart('addHistoricalMedication', patient, { medicationId: byId('206411') }),
		);
		expect(error.message).toBe(
			`athena did not confirm the addition of medication 206411 to patient ${patient}'s chart: it may have taken effect`,
		);
		expect(error.description).toMatch(/Chart → Get Medications/);
		expect(error.description).toMatch(/do not repeat it before checking/);
		expect(await sent(`POST /v1/195900/chart/${patient}/medications`)).toBe(1);
	});

	test('Remove Historical Medication applied, answer lost: not confirmed by absence from a read', async () => {
		const [entry] = (await run(chart('getMedications', patient))).map((m) =>
			String(m.medicationentryid),
		);
		await fault(sb, {
			method: 'DELETE',
			path: `/chart/${patient}/medications/`,
			phase: 'after',
			status: 502,
		});
		const error = await fails(
			chart('removeHistoricalMedication', patient, { medicationEntryId: entry }),
		);
		expect(error.message).toBe(
			`athena did not confirm the removal of medication entry ${entry}: it may have taken effect`,
		);
		expect(error.description).toMatch(/Chart → Get Medications/);
	});

	test('Add Vitals applied, answer lost: found by reading the vitals', async () => {
		await fault(sb, {
			method: 'POST',
			path: `/chart/${patient}/vitals$`,
			phase: 'after',
			status: 502,
		});
		const [item] = await run(
			chart('addVitals', patient, {
				readingTaken: '2026-02-06',
				readings: { reading: [{ loinc: '8867-4', value: '64' }] },
			}),
		);
		expect(item).toMatchObject({ added: true, recoveredAfterUnconfirmedWrite: true });
		expect(await posts('POST /v1/{id}/chart/{id}/vitals')).toBe(1);
	});

	test('File Lab Result applied, answer lost: found by patient, date and accession', async () => {
		await fault(sb, {
			method: 'POST',
			path: `/patients/${patient}/documents/labresult$`,
			phase: 'after',
			status: 504,
		});
		const [item] = await run(
			chart('fileLabResult', patient, {
				analytes: { analyte: [{ analytename: 'Sodium', value: '140' }] },
				additionalFields: { accessionid: `LOST-${patient}`, observationdate: '2026-02-07' },
			}),
		);
		expect(item).toMatchObject({ filed: true, recoveredAfterUnconfirmedWrite: true });
		expect(item.labresultid).toMatch(/^\d+$/);
		expect(await posts('POST /v1/{id}/patients/{id}/documents/labresult')).toBe(1);
	});

	test('Add Encounter Diagnosis, answer lost: cannot be checked, so the error says so', async () => {
		await fault(sb, { method: 'POST', path: '/diagnoses$', status: 503 });
		const error = await fails({
			resource: 'chart',
			operation: 'addEncounterDiagnosis',
			encounterId: `${patient}06`,
			snomedCode: '44054006',
		});
		expect(error.message).toMatch(
			/^athena did not confirm the addition of diagnosis 44054006 to encounter \d+: it may have taken effect$/,
		);
		expect(await sent(`POST /v1/195900/chart/encounter/${patient}06/diagnoses`)).toBe(1);
	});
});

test("the medication picker searches athena's medication reference", async () => {
	const found = await listSearch(creds, 'searchMedications', 'lisino');
	expect(found.results.map((r: any) => r.value)).toEqual(['244370', '244371']);
	expect((await listSearch(creds, 'searchMedications', 'l')).results).toEqual([]);
});

test("Search Allergens: athena's allergy reference by part of the name; fewer than 2 characters refused before any request", async () => {
	const found = await run({ resource: 'chart', operation: 'searchAllergens', allergenName: 'LAT' });
	expect(found.map((a) => [String(a.allergenid), a.allergenname])).toEqual([['18939', 'latex']]);
	const before = await requests();
	const error = await fails({ resource: 'chart', operation: 'searchAllergens', allergenName: 'l' });
	expect(error.message).toMatch(/Allergen Name needs at least 2 characters/);
	expect(await requests()).toBe(before);
});

test("the reaction and severity lists are athena's reference lists, by name", async () => {
	expect((await loadOptions(creds, 'getAllergyReactions')).map((o) => o.value)).toEqual([
		'anaphylaxis',
		'chest pain',
		'hives',
		'rash',
		'sneezing',
	]);
	expect((await loadOptions(creds, 'getAllergySeverities')).map((o) => o.value)).toEqual([
		'mild',
		'moderate',
		'severe',
	]);
});

test("the sandbox's HL7 feed sends a reference lab's ORU (and re-sends it); File Lab Result files it once", async () => {
	const received: string[] = [];
	const server = http.createServer((req, res) => {
		let body = '';
		req.on('data', (c) => (body += c));
		req.on('end', () => {
			received.push(body);
			const control = body.split('|')[9];
			res.end(`MSH|^~\\&|N8N||REFLAB||20260101||ACK|A${control}|P|2.5.1\rMSA|AA|${control}\r`);
		});
	});
	await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
	try {
		const port = (server.address() as { port: number }).port;
		await settings(sb, {
			hl7Url: `http://127.0.0.1:${port}/hl7`,
			successAsString: false,
			chartWriteIds: true,
		});
		const sent = await control(sb, 'POST', '/_control/hl7/oru', {
			patientId: '60184',
			count: 2,
			resendSame: true,
		});
		expect(sent.sent).toBe(2);
		expect(received).toHaveLength(2);
		expect(received[0]).toBe(received[1]);
		expect(received[0]).toMatch(/\|ORU\^R01\|/);
		const params = chart('fileLabResult', '1', { source: 'hl7' });
		const items = [
			...(await run(params, [{ message: received[0] }])),
			...(await run(params, [{ message: received[1] }])),
		];
		expect(
			items.map((i) => [i.patientid, i.filed, i.alreadyFiled, i.analytes, i.attachment]),
		).toEqual([
			['60184', true, false, 3, 'PDF'],
			['60184', false, true, 3, 'PDF'],
		]);
		expect(received[0]).toMatch(/\rPID\|1\|60184\^\^\^athena\|LAB60184\^\^\^REFLAB\^MR\|/);
		const deliveries = await control(sb, 'GET', '/_control/hl7/deliveries');
		expect(deliveries.filter((d: any) => d.type === 'ORU^R01').map((d: any) => d.ackCode)).toEqual([
			'AA',
			'AA',
		]);
		// two orders (OBR) under one placer and filler number, different tests: both filed
		await control(sb, 'POST', '/_control/hl7/oru', { patientId: '60184', orders: 2 });
		const two = await run(params, [{ message: received[2] }]);
		expect(two.map((i) => [i.orderedtest, i.filed])).toEqual([
			['Basic metabolic panel', true],
			['Cholesterol', true],
		]);
	} finally {
		await settings(sb, { hl7Url: '' });
		server.close();
	}
});

test('ORU over MLLP from the sandbox, acknowledged after File Lab Result ran (as the MLLP trigger does): re-sent, filed once', async () => {
	const outcomes: string[] = [];
	const listener = await startMllpServer({
		host: '127.0.0.1',
		port: 0,
		maxBytes: 1e6,
		encoding: 'utf8',
		warn: () => {},
		onMessage: async (_m, text) => {
			const { output, error } = await runNodes(
				creds,
				[{ parameters: chart('fileLabResult', '1', { source: 'hl7' }) }],
				[{ message: text }],
			);
			const [item] = output('athenahealth').map((i) => i.json);
			outcomes.push(
				error ? `error ${error.message}` : item.alreadyFiled ? 'already filed' : 'filed',
			);
			return error ? { code: 'AE', text: error.message } : { code: 'AA' };
		},
	});
	try {
		await settings(sb, {
			hl7Url: `mllp://127.0.0.1:${listener.port}`,
			successAsString: false,
			chartWriteIds: true,
		});
		const before = sb.state.records.get('100013')?.labresults.length ?? 2;
		await control(sb, 'POST', '/_control/hl7/oru', {
			patientId: '100013',
			count: 3,
			resendSame: true,
		});
		expect(outcomes).toEqual(['filed', 'already filed', 'already filed']);
		expect(sb.state.records.get('100013').labresults.length).toBe(before + 1);
	} finally {
		await settings(sb, { hl7Url: '' });
		await listener.close(0);
	}
});
