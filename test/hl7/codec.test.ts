// The HL7 codec: real messages from test/fixtures/hl7 (provenance in its MANIFEST.md), hl7-standard's
// defects (docs/development.md#hl7-libraries) as regressions, and property-based round trips.
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';

import fc from 'fast-check';

import { createAck } from '../../nodes/hl7/ack';
import { athenaFacts } from '../../nodes/hl7/athena';
import {
	buildBatch,
	escapeValue,
	Hl7Error,
	Hl7Message,
	normalize,
	splitBatch,
	unescapeValue,
	DEFAULT_DELIMITERS,
} from '../../nodes/hl7/codec';
import { validate } from '../../nodes/hl7/validate';

const SAMPLES = path.resolve(__dirname, '../fixtures/hl7');
const files = readdirSync(SAMPLES).filter((f) => f.endsWith('.hl7'));
const read = (f: string) =>
	readFileSync(path.join(SAMPLES, f), 'latin1').includes('\ufffd')
		? readFileSync(path.join(SAMPLES, f), 'latin1')
		: readFileSync(path.join(SAMPLES, f), 'utf8');
const MSH = 'MSH|^~\\&|SND|FAC|RCV|FAC|20240101120000||ADT^A04|MSG1|P|2.5.1';

describe('the sample messages behave as MANIFEST.md says', () => {
	test('all 96 samples are there', () => {
		expect(files).toHaveLength(96);
	});
	for (const file of files) {
		test(file, () => {
			const text = read(file);
			if (/missing-msh/.test(file)) {
				expect(() => Hl7Message.parse(text)).toThrow(Hl7Error);
				return;
			}
			if (/invalid-segment-header-length/.test(file)) {
				// MANIFEST: may be rejected or parsed. We reject it, naming the bad segment and its line.
				expect(() => Hl7Message.parse(text)).toThrow(
					new Hl7Error(
						'"PIDX|1||1234" is not a segment: a segment starts with a 3-character name (A–Z, 0–9) and the field separator "|" (segment PID, line 2)',
					),
				);
				return;
			}
			if (/batch/.test(file)) {
				const batch = splitBatch(text);
				expect(batch.messages.length).toBeGreaterThan(0);
				for (const m of batch.messages) expect(Hl7Message.parse(m).toString()).toBe(m);
				return;
			}
			const msg = Hl7Message.parse(text);
			expect(msg.toString()).toBe(normalize(text));
			expect(msg.get('MSH.9.1')).toMatch(/^[A-Z]{3}$/);
		});
	}
});

describe('hl7-standard defects (docs/development.md#hl7-libraries) do not happen here', () => {
	test('#1 exact round trip: no trailing delimiters added, CR terminators', () => {
		const text = `${MSH}\rPID|1||123^^^MRN~456^^^SSN||Doe^John\r`;
		expect(Hl7Message.parse(text).toString()).toBe(text);
	});
	test('#2 a single segment without a terminator is a valid message', () => {
		expect(Hl7Message.parse(MSH).get('MSH.10')).toBe('MSG1');
	});
	test('#3 sub-components stay sub-components', () => {
		const m = Hl7Message.parse(`${MSH}\rPID|1||A&B`);
		expect(m.toString()).toBe(`${MSH}\rPID|1||A&B\r`);
		expect(m.get('PID.3.1.2')).toBe('B');
	});
	test('#4 values are unescaped on read', () => {
		const m = Hl7Message.parse(`${MSH}\rPID|1||Smith\\T\\Jones\\S\\x\\F\\y\\R\\z\\E\\`);
		expect(m.get('PID.3')).toBe('Smith&Jones^x|y~z\\');
	});
	test('#5 values are escaped on write: no new field appears', () => {
		const m = Hl7Message.parse(`${MSH}\rPID|1||123`).set('PID.5.1', 'A|B^C');
		expect(m.toString()).toBe(`${MSH}\rPID|1||123||A\\F\\B\\S\\C\r`);
		expect(m.get('PID.5.1')).toBe('A|B^C');
		expect(m.get('PID.3')).toBe('123');
	});
	test('#6 custom encoding characters from MSH-2 are honoured, truncation character kept', () => {
		const m = Hl7Message.parse('MSH|#~\\&|A|B|C|D|20240101||ADT#A04|1|P|2.5\rPID|1||A#B');
		expect(m.get('PID.3.1')).toBe('A');
		expect(m.get('PID.3.2')).toBe('B');
		expect(m.get('MSH.2')).toBe('#~\\&');
		const t = Hl7Message.parse('MSH|^~\\&#|A|B|C|D|20240101||ADT^A04|1|P|2.7');
		expect(t.delimiters.truncation).toBe('#');
		expect(t.toString()).toBe('MSH|^~\\&#|A|B|C|D|20240101||ADT^A04|1|P|2.7\r');
	});
	test('#7 MLLP frames, a BOM and surrounding whitespace are tolerated', () => {
		expect(Hl7Message.parse(`\x0b${MSH}\r\x1c\r`).toString()).toBe(`${MSH}\r`);
		expect(Hl7Message.parse(`\ufeff  ${MSH}\n\n`).toString()).toBe(`${MSH}\r`);
	});
	test('#8 setting a component keeps the value already in the field', () => {
		const m = Hl7Message.parse(`${MSH}\rPID|1||12345`).set('PID.3.4', 'MRN');
		expect(m.get('PID.3.1')).toBe('12345');
		expect(m.toString()).toBe(`${MSH}\rPID|1||12345^^^MRN\r`);
	});
	test('#10 fields are placed by number, gaps filled', () => {
		const m = Hl7Message.parse(MSH).set('PV1.19', '33910');
		expect(m.raw('PV1')).toBe('PV1|||||||||||||||||||33910');
	});
	test('#11 segments come back in message order', () => {
		const m = Hl7Message.parse(`${MSH}\rOBR|1\rOBX|1\rOBX|2\rOBR|2\rOBX|3`);
		expect(m.segmentNames()).toEqual(['MSH', 'OBR', 'OBX', 'OBX', 'OBR', 'OBX']);
		expect(m.get('OBX[3].1')).toBe('3');
	});
	test('#12 a lower-case segment gets an error that names it and its line', () => {
		expect(() => Hl7Message.parse(`${MSH}\rpid|1`)).toThrow(/"pid\|1" is not a segment.*line 2/);
	});
	test('#13 reading a missing occurrence returns undefined, not a crash', () => {
		expect(Hl7Message.parse(`${MSH}\rPID|1`).get('PID[3].1')).toBeUndefined();
	});
	test('#14 no line is silently dropped: a stray line is an error', () => {
		expect(() => Hl7Message.parse(`${MSH}\rOBX|1|TX|||first part\rsecond part`)).toThrow(Hl7Error);
	});
	test('empty is not absent', () => {
		const m = Hl7Message.parse(`${MSH}\rPID|1||`);
		expect(m.get('PID.3')).toBe('');
		expect(m.get('PID.4')).toBeUndefined();
	});
});

describe('escapes', () => {
	test('hex escapes decode as UTF-8 (or one byte per character)', () => {
		expect(unescapeValue('line\\X0D0A\\next', DEFAULT_DELIMITERS)).toBe('line\r\nnext');
		expect(unescapeValue('\\XC3A9\\', DEFAULT_DELIMITERS)).toBe('é');
	});
	test('formatting escapes are kept or converted, as the user chooses', () => {
		expect(unescapeValue('a\\.br\\b\\H\\c\\N\\', DEFAULT_DELIMITERS)).toBe('a\\.br\\b\\H\\c\\N\\');
		expect(
			unescapeValue('a\\.br\\b\\H\\c\\N\\', DEFAULT_DELIMITERS, { formatting: 'convert' }),
		).toBe('a\nbc');
	});
	test('escape ∘ unescape is the identity for any text and any delimiters', () => {
		const delims = fc
			.shuffledSubarray(['|', '^', '~', '\\', '&', '#', '!', '@', '%', '*', '}'], {
				minLength: 5,
				maxLength: 5,
			})
			.map(([field, component, repetition, escape, subcomponent]) => ({
				field,
				component,
				repetition,
				escape,
				subcomponent,
			}));
		fc.assert(
			fc.property(
				delims,
				fc.string({ unit: 'binary', maxLength: 60 }),
				(d, s) => unescapeValue(escapeValue(s, d), d) === s,
			),
		);
	});
});

describe('property: parse(build(x)) = x for generated messages', () => {
	const value = fc.string({
		unit: fc.constantFrom('a', 'Z', '1', ' ', 'é', '|', '^', '~', '\\', '&', '\n', '€'),
		maxLength: 8,
	});
	const segment = fc.record({
		name: fc.constantFrom('PID', 'PV1', 'OBX', 'ZAT', 'NTE'),
		values: fc.array(
			fc.tuple(
				fc.integer({ min: 1, max: 12 }),
				fc.integer({ min: 1, max: 3 }),
				fc.integer({ min: 1, max: 4 }),
				fc.integer({ min: 1, max: 3 }),
				value,
			),
			{ maxLength: 6 },
		),
	});
	test('values set through paths read back identically, and the text re-parses to the same message', () => {
		fc.assert(
			fc.property(fc.array(segment, { maxLength: 5 }), (segments) => {
				const m = Hl7Message.parse(MSH);
				const expected = new Map<string, string>();
				const occurrence = new Map<string, number>();
				for (const s of segments) {
					const n = (occurrence.get(s.name) ?? 0) + 1;
					occurrence.set(s.name, n);
					for (const [f, r, c, sub, v] of s.values) {
						const p = `${s.name}[${n}].${f}[${r}].${c}.${sub}`;
						m.set(p, v);
						expected.set(p, v);
					}
				}
				const again = Hl7Message.parse(m.toString());
				for (const [p, v] of expected) if (again.get(p) !== v) return false;
				return again.toString() === m.toString();
			}),
			{ numRuns: 300 },
		);
	});
	test('random bytes never hang and never throw anything but Hl7Error', () => {
		fc.assert(
			fc.property(
				fc.oneof(
					fc.string({ unit: 'binary', maxLength: 300 }),
					fc.string({ maxLength: 300 }).map((s) => `MSH|^~\\&|${s}`),
				),
				(s) => {
					try {
						const m = Hl7Message.parse(s);
						m.pathMap();
						return true;
					} catch (error) {
						return error instanceof Hl7Error;
					}
				},
			),
			{ numRuns: 2000 },
		);
	});
});

describe('batches, ACK, validation, athena facts', () => {
	test('split and build a batch', () => {
		const built = buildBatch([MSH, `${MSH}\rPID|1`], { fileHeader: '' });
		const batch = splitBatch(built);
		expect(batch.messages).toEqual([`${MSH}\r`, `${MSH}\rPID|1\r`]);
		expect(batch.trailer).toEqual(['BTS|2', 'FTS|1']);
	});
	test('ACK: sender and receiver swapped, MSA-2 = MSH-10, ERR for errors', () => {
		const m = Hl7Message.parse(`${MSH}\rPID|1`);
		const ack = createAck(m, {
			code: 'AE',
			text: 'bad PID',
			errors: [{ location: 'PID^1^3', message: 'missing id' }],
			controlId: 'A1',
			timestamp: '20240101120001',
		});
		expect(ack.message).toBe(
			'MSH|^~\\&|RCV|FAC|SND|FAC|20240101120001||ACK^A04^ACK|A1|P|2.5.1\rMSA|AE|MSG1|bad PID\rERR||PID^1^3|207|E||||missing id\r',
		);
		expect(ack.required).toBe(true);
	});
	test('ACK honours MSH-15/16 in enhanced mode', () => {
		const m = Hl7Message.parse('MSH|^~\\&|S|F|R|F|20240101||ADT^A08|9|P|2.5|||AL|ER');
		expect(createAck(m, { code: 'CA' }).required).toBe(true);
		expect(createAck(m, { code: 'AA' }).required).toBe(false);
		expect(createAck(m, { code: 'AE' }).required).toBe(true);
	});
	test('validation reports, not just pass/fail', () => {
		const r = validate('MSH|^~\\&|S|F|R|F|||ADT^A01||P|2.5\rPID|1', {
			'ADT^A01': ['EVN', 'PID', 'PV1'],
		});
		expect(r.valid).toBe(false);
		expect(r.errors.map((e) => e.path)).toEqual(['MSH.7', 'MSH.10', 'EVN', 'PV1']);
	});
	test('athena SIU conventions become the REST appointment shape', () => {
		const facts = athenaFacts(Hl7Message.parse(read('athena-siu-s12-403.hl7')));
		expect(facts).toMatchObject({
			practiceId: '235',
			fromAthena: true,
			event: 'Appointment Scheduled',
			controlId: '403',
		});
		expect(facts.appointment).toMatchObject({
			appointmentid: '231015',
			date: '03/22/2004',
			starttime: '13:20',
			duration: '10',
			departmentid: '2',
			providerid: '13',
			patientid: '00432',
			appointmentstatus: 'f',
			appointmenttype: 'office visit',
		});
		expect(facts.patient).toMatchObject({
			patientid: '00432',
			lastname: 'THOMPSON',
			firstname: 'SANG',
			dob: '07/27/2000',
			sex: 'M',
			city: 'BRIDGEPORT',
			zip: '06605',
		});
	});
});
