'use strict';
// HL7: parse + read 12 MSH/PID fields + every OBX-5, and set-then-build, on a deterministic
// 20,000-message corpus (ADT, ORU with 20–50 OBX, SIU), beside hl7-standard, @medplum/core,
// node-hl7-client and simple-hl7 in the same run; plus each library's score on correctness cases.
const { Hl7Message } = require('../nodes/hl7/codec.ts');
const { rng } = require('../sandbox/seed');

const FIELDS = [
	'MSH.3',
	'MSH.4',
	'MSH.7',
	'MSH.9.1',
	'MSH.9.2',
	'MSH.10',
	'MSH.12',
	'PID.3.1',
	'PID.5.1',
	'PID.5.2',
	'PID.7',
	'PID.8',
];

function corpus(count = 20000) {
	const random = rng(2026);
	const pick = (a) => a[Math.floor(random() * a.length)];
	const last = ['MÜLLER', 'GARCÍA', "O'BRIEN", 'NGUYEN', 'SMITH', 'KOWALSKI', 'DUBOIS'];
	const first = ['JOSÉ', 'ZOË', 'ANA', 'LIAM', 'OLIVIA', 'CHEN', 'PRIYA'];
	const out = [];
	for (let n = 0; n < count; n++) {
		const id = 100000 + n;
		const ts = `2026${String(1 + (n % 12)).padStart(2, '0')}${String(1 + (n % 28)).padStart(2, '0')}0930`;
		const pid = `PID|1|${id}^^^Enterprise ID|${id}^^^MRN&1.2.840.114350&ISO~${900000 + n}^^^SSN||${pick(last)}^${pick(first)}^Q||19${50 + (n % 50)}0${1 + (n % 9)}15|${n % 2 ? 'F' : 'M'}|||${n % 900} ELM ST^^BOSTON^MA^02110||(617)555-${String(1000 + (n % 9000))}^PRN^PH~^NET^Internet^p${n}@example.org`;
		const kind = n % 5;
		if (kind < 2) {
			out.push(
				`MSH|^~\\&|ATHENANET|195900^MDP Sandbox|N8N||${ts}||ADT^A04|${n}M195900|P|2.5.1\rEVN|A04|${ts}|||user${n % 7}\r${pid}\rPV1||O|${1 + (n % 20)}^MAIN ST^^MAIN ST||||${70 + (n % 30)}^AHMAD^TERRY||||||||||${70 + (n % 30)}^AHMAD^TERRY||${700000 + n}\r`,
			);
		} else if (kind < 4) {
			const obx = [];
			const k = 20 + Math.floor(random() * 31);
			for (let j = 1; j <= k; j++)
				obx.push(
					`OBX|${j}|NM|${1000 + j}-${j % 10}^Analyte ${j}^LN||${(random() * 100).toFixed(2)}|mg/dL^milligram per deciliter^UCUM|0-100|N|||F|||${ts}`,
				);
			out.push(
				`MSH|^~\\&|LAB|ACME^1.2.3^ISO|ATHENANET|195900|${ts}||ORU^R01^ORU_R01|L${n}|P|2.5.1\r${pid}\rOBR|1|${n}^LAB|${n}^ACME|24331-1^Lipid panel^LN|||${ts}\r${obx.join('\r')}\rNTE|1||Fasting specimen\\.br\\Reviewed by lab \\T\\ QA\r`,
			);
		} else {
			out.push(
				`MSH|^~\\&|ATHENANET|195900^MDP Sandbox|N8N||${ts}||SIU^S12|${n}M195900|P|2.3.1\rSCH|${500000 + n}|${500000 + n}||||22^FOLLOW UP|Note|OV^office visit|15|minutes|^^^${ts}|||||user|||||||||BOOKED\r${pid}\rPV1|||1^MAIN ST^^MAIN ST||||86^AHMAD^TERRY||||||||||86^AHMAD^TERRY||${500000 + n}\rAIG|||tahmad|||||${ts}|||15|minutes\rAIL|||1^MAIN ST|||${ts}|||15|minutes\r`,
			);
		}
	}
	return out;
}

// One adapter per library: parse, read a field by path, every OBX-5, set two fields and serialize.
function adapters() {
	const HL7 = require('hl7-standard');
	const { Hl7Message: Medplum } = require('@medplum/core');
	const { Message: NodeHl7 } = require('node-hl7-client');
	const simple = require('simple-hl7');
	const simpleParser = new simple.Parser();
	const split = (p) => p.split('.').map(Number);
	return {
		'this package': {
			parse: (t) => Hl7Message.parse(t),
			get: (m, p) => m.get(p),
			obx5: (m) => {
				const out = [];
				for (let i = 1, n = m.count('OBX'); i <= n; i++) out.push(m.get(`OBX[${i}].5`));
				return out;
			},
			build: (m) => m.set('PID.5.1', 'DOE').set('MSH.10', 'X1').toString(),
		},
		'hl7-standard': {
			parse: (t) => {
				const h = new HL7(t, { lineEndings: t.includes('\r') ? '\r' : '\n' });
				h.transform();
				return h;
			},
			get: (m, p) => m.get(p),
			obx5: (m) => m.getSegments('OBX').map((s) => s.get('OBX.5')),
			build: (m) => {
				m.set('PID.5.1', 'DOE');
				m.set('MSH.10', 'X1');
				return m.build();
			},
		},
		'@medplum/core': {
			parse: (t) => Medplum.parse(t),
			get: (m, p) => {
				const [, f, c] = [p.slice(0, 3), ...split(p.slice(4))];
				const seg = m.getSegment(p.slice(0, 3));
				if (!seg) return undefined;
				return c ? seg.getComponent(f, c) : seg.getField(f)?.toString();
			},
			obx5: (m) => m.getAllSegments('OBX').map((s) => s.getField(5).toString()),
			build: (m) => {
				m.getSegment('PID').setComponent?.(5, 1, 'DOE');
				return m.toString();
			},
		},
		'node-hl7-client': {
			parse: (t) => new NodeHl7({ text: t }),
			get: (m, p) => m.get(p).toString(),
			obx5: (m) => {
				const list = m.get('OBX');
				return (list.children ?? [list]).map((s) => s.get('5').toString());
			},
			build: (m) => {
				m.set('PID.5.1', 'DOE');
				m.set('MSH.10', 'X1');
				return m.toString();
			},
		},
		'simple-hl7': {
			parse: (t) => simpleParser.parse(t),
			get: (m, p) => {
				const [seg, f, c] = [p.slice(0, 3), ...split(p.slice(4))];
				const target = seg === 'MSH' ? m.header : m.getSegment(seg);
				const field = seg === 'MSH' ? f - 2 : f;
				return c ? target.getComponent(field, c) : target.getField(field);
			},
			obx5: (m) => m.getSegments('OBX').map((s) => s.getField(5)),
			build: (m) => {
				m.getSegment('PID').setComponent?.(5, 1, 'DOE');
				return m.toString();
			},
		},
	};
}

// Cases every library should get right when reading, one point each
// (docs/development.md#hl7-libraries).
const CASES = [
	[
		'unescape \\T\\ \\S\\ \\F\\',
		'MSH|^~\\&|A|B|C|D|20240101||ADT^A01|1|P|2.5\rPID|1||X||Smith\\T\\Jones^A\\S\\B\\F\\C\r',
		'PID.5.1',
		'Smith&Jones',
	],
	[
		'LF segment terminators',
		'MSH|^~\\&|A|B|C|D|20240101||ADT^A01|1|P|2.5\nPID|1||X||Doe^John\n',
		'PID.5.2',
		'John',
	],
	[
		'custom delimiters from MSH-2',
		'MSH|#!\\*|A|B|C|D|20240101||ADT#A01|1|P|2.5\rPID|1||X||Doe#John\r',
		'PID.5.2',
		'John',
	],
	['one segment, no terminator', 'MSH|^~\\&|A|B|C|D|20240101||ADT^A01|7|P|2.5', 'MSH.10', '7'],
	[
		'MLLP frame',
		'\x0bMSH|^~\\&|A|B|C|D|20240101||ADT^A01|8|P|2.5\rPID|1||X||Doe^Ann\r\x1c\r',
		'PID.5.2',
		'Ann',
	],
	[
		'hex escape \\XC3A9\\',
		'MSH|^~\\&|A|B|C|D|20240101||ADT^A01|1|P|2.5\rPID|1||X||Ren\\XC3A9\\e^Z\r',
		'PID.5.1',
		'Renée',
	],
];

function score(lib) {
	let ok = 0;
	for (const [, text, path, expected] of CASES) {
		try {
			if (String(lib.get(lib.parse(text), path)) === expected) ok++;
		} catch {
			/* a crash scores nothing */
		}
	}
	return ok;
}

function time(fn, messages) {
	fn(messages.slice(0, 2000)); // warm up the JIT
	const started = process.hrtime.bigint();
	fn(messages);
	return Number(process.hrtime.bigint() - started) / 1e9;
}

async function benchHl7() {
	const messages = corpus();
	const bytes = messages.reduce((n, m) => n + Buffer.byteLength(m), 0);
	const libs = adapters();
	const results = [];
	for (const [name, lib] of Object.entries(libs)) {
		const read = time((list) => {
			let sink = 0;
			for (const text of list) {
				const m = lib.parse(text);
				for (const f of FIELDS) sink += String(lib.get(m, f) ?? '').length;
				for (const v of lib.obx5(m)) sink += String(v ?? '').length;
			}
			return sink;
		}, messages);
		let build;
		try {
			build = time((list) => {
				for (const text of list) lib.build(lib.parse(text));
			}, messages);
		} catch (error) {
			build = undefined;
		}
		results.push({ name, read, build, score: score(lib) });
	}
	const fastestPeer = Math.min(
		...results.filter((r) => r.name !== 'this package').map((r) => r.read),
	);
	let heap = 'run with --expose-gc';
	if (global.gc) {
		global.gc();
		const before = process.memoryUsage().heapUsed;
		const kept = messages.map((t) => Hl7Message.parse(t));
		for (const m of kept) m.get('PID.5.1');
		global.gc();
		heap = `${((process.memoryUsage().heapUsed - before) / bytes).toFixed(2)}× input`;
		kept.length = 0;
	}
	const mb = bytes / 1024 / 1024;
	return {
		title: `HL7: ${messages.length} messages (${mb.toFixed(1)} MB): parse + 12 MSH/PID fields + every OBX-5; set 2 fields + build (goal: ≥ 3× the fastest peer, correct on every case; retained heap ≤ 3× input: ours ${heap})`,
		columns: [
			'library',
			'read msg/s',
			'read MB/s',
			'vs fastest peer',
			'build msg/s',
			'build MB/s',
			`correct cases (of ${CASES.length})`,
		],
		rows: results.map((r) => [
			r.name,
			Math.round(messages.length / r.read),
			(mb / r.read).toFixed(1),
			(fastestPeer / r.read).toFixed(2),
			r.build ? Math.round(messages.length / r.build) : 'n/a',
			r.build ? (mb / r.build).toFixed(1) : 'n/a',
			r.score,
		]),
	};
}

module.exports = { benchHl7, corpus };
