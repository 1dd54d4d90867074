// Regressions for the fuzz findings of issue 16, and a bounded, seeded fuzz run: random bytes and
// mutated real messages through every reading and writing entry point; the only error allowed is
// the codec's own rejection (Hl7Error).
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';

import fc from 'fast-check';

import { createAck } from '../../nodes/hl7/ack';
import { athenaFacts } from '../../nodes/hl7/athena';
import { Hl7Error, Hl7Message, splitBatch } from '../../nodes/hl7/codec';
import { validate } from '../../nodes/hl7/validate';

const MSH = 'MSH|^~\\&|SND|FAC|RCV|FAC|20240101120000||ADT^A04|MSG1|P|2.5.1';
const SAMPLES = path.resolve(__dirname, '../fixtures/hl7');
const samples = readdirSync(SAMPLES)
	.filter((f) => f.endsWith('.hl7'))
	.sort()
	.map((f) => readFileSync(path.join(SAMPLES, f), 'latin1'));

describe('fuzz findings (issue 16)', () => {
	test('a hex escape of 200 k bytes decodes in get, the path map and the JSON view', () => {
		const hex = 'FF'.repeat(200_000); // not UTF-8: one character per byte
		const m = Hl7Message.parse(`${MSH}\rOBX|1|ED|||\\X${hex}\\`);
		expect(m.get('OBX.5')).toHaveLength(200_000);
		expect(m.pathMap()['OBX.5']).toHaveLength(200_000);
		expect((m.segmentJson(1).fields[4] as string).charCodeAt(0)).toBe(0xff);
	});
	test('an MLLP end or start byte followed by whitespace is framing, not data', () => {
		for (const tail of ['\x1c \r\n', '\x1c\r ', '\x0b\t', '\x1c\x0b \r']) {
			const m = Hl7Message.parse(`\x0b${MSH}\rPID|1||1||DOE^RICHARD${tail}`);
			expect(m.get('PID.5.2')).toBe('RICHARD');
			expect(Hl7Message.parse(m.toString()).toString()).toBe(m.toString());
		}
		// trailing spaces with no framing byte stay data
		expect(Hl7Message.parse(`${MSH}\rNTE|1||text  `).get('NTE.3')).toBe('text  ');
	});
	test('set() refuses a value a message without an escape character cannot carry', () => {
		const m = Hl7Message.parse('MSH|^~|S|F|R|F|20240101||ADT^A04|1|P|2.3\rPID|1');
		for (const v of ['a|b', 'a^b', 'a~b', 'a\rb', 'a\nb'])
			expect(() => m.set('PID.5', v)).toThrow(Hl7Error);
		expect(m.toString()).toBe('MSH|^~|S|F|R|F|20240101||ADT^A04|1|P|2.3\rPID|1\r');
		expect(m.set('PID.5', 'a&b\\c').get('PID.5')).toBe('a&b\\c');
	});
	test("set('MSH[2]…') creates a header with this message's MSH-2", () => {
		const m = Hl7Message.parse(MSH).set('MSH[2].3', 'APP');
		expect(m.raw('MSH[2]')).toBe('MSH|^~\\&|APP');
		const batch = splitBatch(m.toString());
		expect(Hl7Message.parse(batch.messages[1]).get('MSH.3')).toBe('APP');
	});
	test('Create ACK keeps an escaped trigger event escaped', () => {
		const m = Hl7Message.parse('MSH|^~\\&|S|F|R|F|20240101||ADT^A\\F\\01|9|P|2.5');
		const ack = Hl7Message.parse(
			createAck(m, { code: 'AA', controlId: 'A1', timestamp: 'T' }).message,
		);
		expect(ack.raw('MSH.9')).toBe('ACK^A\\F\\01^ACK');
		expect(ack.get('MSH.9.2')).toBe('A|01');
		expect(ack.get('MSH.10')).toBe('A1');
	});
	test('Create ACK escapes MSA-3 even when the received message declares no escape character', () => {
		const m = Hl7Message.parse('MSH|^~|S\\1|F|R|F|20240101||ADT^A04|9|P|2.3');
		const ack = Hl7Message.parse(
			createAck(m, { code: 'AE', text: 'bad | field ^ here', controlId: 'A1', timestamp: 'T' })
				.message,
		);
		expect(ack.get('MSH.2')).toBe('^~\\');
		expect(ack.get('MSA.3')).toBe('bad | field ^ here');
		expect(ack.get('MSH.5')).toBe('S\\1');
		expect(ack.get('MSA.2')).toBe('9');
	});
});

/** Every entry point a workflow reaches: reading, the views, writing, ACK, validation, athena facts. */
function exercise(text: string, path_: string, value: string): void {
	validate(text);
	try {
		splitBatch(text);
	} catch (error) {
		if (!(error instanceof Hl7Error)) throw error;
	}
	const m = Hl7Message.parse(text);
	m.pathMap();
	m.lines.forEach((_, i) => m.segmentJson(i, { formatting: 'convert' }));
	m.get(path_);
	m.repetitions(path_);
	athenaFacts(m);
	Hl7Message.parse(
		createAck(m, { code: 'AE', text: value, errors: [{ location: 'PID^1^3', message: value }] })
			.message,
	);
	m.set(path_, value);
	Hl7Message.parse(m.toString());
}

describe('bounded, seeded fuzz', () => {
	const bytes = fc.string({ unit: 'binary', maxLength: 200 });
	const special = fc.constantFrom(
		'|',
		'^',
		'~',
		'\\',
		'&',
		'#',
		'\r',
		'\n',
		'\x0b',
		'\x1c',
		' ',
		'X',
		'F',
		'MSH',
		'\\X41\\',
		'\\XFF\\',
	);
	const mutation = fc.tuple(
		fc.nat(),
		fc.nat({ max: 8 }),
		fc.oneof(special, fc.string({ unit: 'binary', maxLength: 6 })),
	);
	const mutated = fc
		.tuple(fc.constantFrom(...samples), fc.array(mutation, { minLength: 1, maxLength: 6 }))
		.map(([text, edits]) =>
			edits.reduce((s, [at, del, ins]) => {
				const i = at % (s.length + 1);
				return s.slice(0, i) + ins + s.slice(i + del);
			}, text),
		);
	const paths = fc
		.tuple(
			fc.constantFrom('MSH', 'PID', 'OBX', 'ZZZ', 'BHS'),
			fc.integer({ min: 1, max: 3 }),
			fc.integer({ min: 0, max: 25 }),
			fc.integer({ min: 1, max: 3 }),
			fc.integer({ min: 1, max: 4 }),
			fc.integer({ min: 1, max: 3 }),
		)
		.map(([s, o, f, r, c, sc]) => `${s}[${o}].${f}[${r}].${c}.${sc}`);
	test('no error other than Hl7Error, over random bytes and mutated real messages', () => {
		fc.assert(
			fc.property(
				fc.oneof(
					bytes,
					bytes.map((s) => `MSH|^~\\&|${s}`),
					mutated,
				),
				paths,
				fc.oneof(bytes, special),
				(text, p, value) => {
					try {
						exercise(text, p, value);
					} catch (error) {
						if (!(error instanceof Hl7Error)) throw error;
					}
				},
			),
			{ seed: 16, numRuns: 3000 },
		);
	});
});
