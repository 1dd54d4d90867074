// The pure mappings behind Add Vitals and File Lab Result's HL7 input
// (docs/athena-behaviour.md#vitals, docs/athena-behaviour.md#oru-to-lab-result).
import { Hl7Message } from '../../nodes/hl7/codec';
import { oruFromPaths } from '../../nodes/Athenahealth/shared/oru';
import { convertReading } from '../../nodes/Athenahealth/shared/vitals';

describe('device readings → athena vitals', () => {
	test.each([
		['29463-7', '70', 'kg', 'VITALS.WEIGHT', '70000'],
		['29463-7', '8', '[oz_av]', 'VITALS.WEIGHT', '227'],
		['29463-7', '70000', '', 'VITALS.WEIGHT', '70000'],
		['8302-2', '1.8', 'm', 'VITALS.HEIGHT', '180'],
		['8302-2', '6', 'ft', 'VITALS.HEIGHT', '182.9'],
		['8310-5', '38.5', 'Cel', 'VITALS.TEMPERATURE', '101.3'],
		['8310-5', '99.1', '[degF]', 'VITALS.TEMPERATURE', '99.1'],
		['8480-6', '120.4', 'mm[Hg]', 'VITALS.BLOODPRESSURE.SYSTOLIC', '120'],
		['59408-5', '97', '%', 'VITALS.O2SATURATION', '97'],
		['8867-4', 62, '/min', 'VITALS.HEARTRATE', '62'],
	])('%s %s %s → %s %s', (loinc, value, unit, element, sent) => {
		expect(convertReading(loinc, value, unit)).toEqual(
			expect.objectContaining({ ok: true, clinicalelementid: element, value: sent }),
		);
	});

	test('unknown codes, units and values are refused with the reason', () => {
		expect(convertReading('1234-5', '1', '')).toMatchObject({ ok: false });
		expect(convertReading('8310-5', '37', 'K')).toMatchObject({
			ok: false,
			reason: expect.stringMatching(/unit "K" cannot be converted to °F/),
		});
		expect(convertReading('8867-4', '', '')).toMatchObject({ ok: false });
		expect(convertReading('8867-4', 'NaN', '')).toMatchObject({ ok: false });
	});
});

describe('ORU^R01 → lab results', () => {
	const text = [
		'MSH|^~\\&|LAB|L|ATH|195900|20260205101500||ORU^R01|C1|P|2.5.1',
		'PID|1||4411^^^MR',
		`OBR|1|P1|F1|24323-8^CMP^LN|||20260205${'|'.repeat(18)}F`,
		'NTE|1||Order note',
		'OBX|1|NM|2345-7^Glucose^LN||105|mg/dL|70-99|HH|||C',
		'OBX|2|TX|X1^Comment^L||line one~line two||||||F',
		'NTE|1||first',
		'NTE|2||second',
		'OBR|2|P2||4548-4^A1c^LN|||202602051230',
		'OBX|1|ST|4548-4^A1c^LN||6.1|%||A|||X',
	].join('\r');

	test('orders, analytes, notes, statuses and flags in athena words; patient from PID-3 when PID-2 is empty', () => {
		const oru = oruFromPaths(Hl7Message.parse(text).pathMap());
		expect(oru).toMatchObject({
			messageType: 'ORU^R01',
			controlId: 'C1',
			patientid: '4411',
			patientidfrom: 'PID-3',
		});
		expect(oru.results).toEqual([
			{
				accessionid: 'F1',
				observationdate: '02/05/2026',
				resultstatus: 'Final',
				orderedtest: 'CMP',
				testkey: '24323-8^CMP',
				internalnote: 'Order note',
				analytes: [
					{
						analytename: 'Glucose',
						value: '105',
						units: 'mg/dL',
						referencerange: '70-99',
						abnormalflag: 'CRITICAL HIGH',
						resultstatus: 'Corrected',
						loinc: '2345-7',
					},
					{
						analytename: 'Comment',
						value: 'line one\nline two',
						resultstatus: 'Final',
						note: 'first\nsecond',
					},
				],
			},
			{
				accessionid: 'P2',
				observationdate: '02/05/2026',
				observationtime: '12:30',
				orderedtest: 'A1c',
				testkey: '4548-4^A1c',
				analytes: [
					{
						analytename: 'A1c',
						value: '6.1',
						units: '%',
						abnormalflag: 'ABNORMAL',
						resultstatus: 'Cancelled',
						loinc: '4548-4',
					},
				],
			},
		]);
	});

	test('the path map survives a JSON round trip (n8n items) in message order', () => {
		const paths = JSON.parse(JSON.stringify(Hl7Message.parse(text).pathMap()));
		expect(oruFromPaths(paths).results.map((r) => r.analytes.length)).toEqual([2, 1]);
	});

	test("the patient: PID-2 first, then a PID-3 labelled athena's over a lab's MRN; PID-5 family name and PID-7 date", () => {
		const pid = (segment: string) =>
			oruFromPaths(
				Hl7Message.parse(
					`MSH|^~\\&|LAB|L|ATH|195900|20260205||ORU^R01|C1|P|2.5.1\r${segment}`,
				).pathMap(),
			);
		expect(pid('PID|1|77^^^athena|123^^^REFLAB^MR||Müller^Ann||19800407123000|F')).toMatchObject({
			patientid: '77',
			patientidfrom: 'PID-2',
			familyname: 'Müller',
			birthdate: '19800407',
		});
		expect(pid('PID|1||123^^^REFLAB^MR~88^^^ATHENA^PI||DOE')).toMatchObject({
			patientid: '88',
			patientidfrom: 'PID-3',
			familyname: 'DOE',
		});
		expect(pid('PID|1||123^^^REFLAB^MR~99^^^HOSP&2.16.840.1&ISO^Enterprise ID')).toMatchObject({
			patientid: '99',
		});
		expect(pid('PID|1||123^^^REFLAB^MR')).toMatchObject({
			patientid: '123',
			patientidfrom: 'PID-3',
		});
		expect(pid('PID|1||LAB9^^^REFLAB^MR').patientid).toBe('LAB9');
		expect(pid('PID|1||LAB9^^^REFLAB^MR').birthdate).toBeUndefined();
	});
});
