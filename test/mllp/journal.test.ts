// The trigger's durable journal (After Storing): group commit, torn writes cut off on open, records
// not delivered handed over again after a restart, pruning of delivered segments only, the duplicate
// window surviving a restart, and readJournal for Reprocess.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

import {
	DuplicateWindow,
	openJournal,
	readJournal,
	type Journal,
	type JournalEntry,
} from '../../mllp/nodes/Mllp/journal';

const dirs: string[] = [];
const open: Journal[] = [];
const folder = () => {
	const d = fs.mkdtempSync(path.join(os.tmpdir(), 'mllp-journal-'));
	dirs.push(d);
	return d;
};
afterEach(async () => {
	await Promise.all(open.splice(0).map((j) => j.close()));
	for (const d of dirs.splice(0)) fs.rmSync(d, { recursive: true, force: true });
});
const journal = async (dir: string, o: Parameters<typeof openJournal>[1] = {}) => {
	const j = await openJournal(dir, { pruneEveryMs: 0, ...o });
	open.push(j);
	return j;
};
const closeAll = async () => await Promise.all(open.splice(0).map((j) => j.close()));

const entry = (id: string, at = new Date()): JournalEntry => ({
	receivedAt: at.toISOString(),
	controlId: id,
	sendingApplication: 'SND',
	sendingFacility: 'FAC',
	peer: '127.0.0.1',
	key: `SND|FAC|${id}`,
	message: `MSH|^~\\&|SND|FAC|||20240101||ADT^A04|${id}|P|2.5.1\rPID|1||${id}\r`,
});
const segmentFiles = (dir: string) =>
	fs
		.readdirSync(dir)
		.filter((n) => n.startsWith('segment-'))
		.sort()
		.map((n) => path.join(dir, n));

test('appends made in one tick (one group flush) get seqs in order; every record is readable', async () => {
	const dir = folder();
	const j = await journal(dir);
	const seqs = await Promise.all(Array.from({ length: 500 }, (_, i) => j.append(entry(`M${i}`))));
	expect(seqs).toEqual(Array.from({ length: 500 }, (_, i) => i + 1));
	expect(j.backlog()).toBe(500);
	expect(j.flushes()).toBeLessThan(10);
	const read = await readJournal(dir);
	expect(read.map((r) => r.controlId)).toEqual(seqs.map((s) => `M${s - 1}`));
	expect(read[0]).toMatchObject({ seq: 1, sendingApplication: 'SND', delivered: false });
	expect(read[0].message).toMatch(/^MSH\|/);
});

test('restart: records not marked delivered are handed over again, delivered ones are not', async () => {
	const dir = folder();
	const j = await journal(dir);
	for (let i = 0; i < 10; i++) await j.append(entry(`R${i}`));
	for (const s of [1, 2, 3, 5, 8]) j.markDelivered(s);
	await closeAll();
	const again = await journal(dir);
	expect(again.recovered().map((r) => r.controlId)).toEqual(['R3', 'R5', 'R6', 'R8', 'R9']);
	expect(again.backlog()).toBe(5);
	// new records continue the numbering
	expect(await again.append(entry('R10'))).toBe(11);
	for (const r of again.recovered()) again.markDelivered(r.seq);
	await closeAll();
	const third = await journal(dir);
	expect(third.recovered().map((r) => r.controlId)).toEqual(['R10']);
	expect((await readJournal(dir)).filter((r) => !r.delivered).map((r) => r.seq)).toEqual([11]);
});

test('torn writes: a record cut anywhere is dropped on open; every earlier (acknowledged) one stays', async () => {
	const dir = folder();
	const j = await journal(dir);
	for (let i = 0; i < 5; i++) await j.append(entry(`T${i}`));
	await closeAll();
	const [seg] = segmentFiles(dir);
	const whole = fs.readFileSync(seg);
	// the size of the first four records: the offset where the fifth begins
	const sizes: number[] = [];
	for (let at = 0; at < whole.length; ) {
		sizes.push(at);
		at += 8 + whole.readUInt32BE(at);
	}
	const start = sizes[4];
	for (const cut of [start + 1, start + 5, start + 8, start + 20, whole.length - 1]) {
		fs.writeFileSync(seg, whole.subarray(0, cut));
		const warnings: string[] = [];
		const again = await journal(dir, { warn: (m) => warnings.push(m) });
		expect(again.recovered().map((r) => r.controlId)).toEqual(['T0', 'T1', 'T2', 'T3']);
		expect(warnings.join()).toMatch(/cut \d+ bytes of an incomplete record/);
		expect(fs.statSync(seg).size).toBe(start);
		// appending after the cut continues cleanly
		await again.append(entry('T4b'));
		await closeAll();
		expect((await readJournal(dir)).map((r) => r.controlId)).toEqual([
			'T0',
			'T1',
			'T2',
			'T3',
			'T4b',
		]);
	}
	// a corrupted byte inside the last record fails its CRC
	fs.writeFileSync(seg, whole);
	const bad = Buffer.from(whole);
	bad[whole.length - 3] ^= 0xff;
	fs.writeFileSync(seg, bad);
	const again = await journal(dir);
	expect(again.recovered()).toHaveLength(4);
});

test('a torn delivered mark only hands its message over again', async () => {
	const dir = folder();
	const j = await journal(dir);
	for (let i = 0; i < 3; i++) await j.append(entry(`D${i}`));
	j.markDelivered(2);
	j.markDelivered(3);
	await closeAll();
	const marks = path.join(dir, 'delivered.log');
	fs.truncateSync(marks, fs.statSync(marks).size - 3);
	const again = await journal(dir);
	expect(again.recovered().map((r) => r.controlId)).toEqual(['D0', 'D2']);
});

test('prune: only fully delivered old segments go, past the size or age; undelivered ones stay', async () => {
	const dir = folder();
	const old = new Date(Date.now() - 10 * 3600 * 1000);
	const j = await journal(dir, { segmentBytes: 2000, retentionHours: 1, retentionMb: 512 });
	for (let i = 0; i < 60; i++) await j.append(entry(`P${i}`, old));
	const before = segmentFiles(dir).length;
	expect(before).toBeGreaterThan(5);
	// nothing delivered: nothing pruned
	expect(await j.prune()).toBe(0);
	for (let s = 1; s <= 30; s++) j.markDelivered(s);
	const removed = await j.prune();
	expect(removed).toBeGreaterThan(0);
	const left = await readJournal(dir);
	// every undelivered record is still there
	expect(left.filter((r) => !r.delivered).map((r) => r.seq)).toEqual(
		Array.from({ length: 30 }, (_, i) => i + 31),
	);
	expect(left[0].seq).toBeGreaterThan(1);
	await closeAll();
	// after a restart the numbering and the delivered state are unchanged
	const again = await journal(dir, { segmentBytes: 2000 });
	expect(again.recovered().map((r) => r.seq)).toEqual(Array.from({ length: 30 }, (_, i) => i + 31));
	expect(await again.append(entry('P60'))).toBe(61);
});

test('prune by size keeps recent segments until the journal passes the size', async () => {
	const dir = folder();
	const j = await journal(dir, { segmentBytes: 2000, retentionHours: 72, retentionMb: 0.005 });
	for (let i = 0; i < 60; i++) await j.append(entry(`S${i}`));
	for (let s = 1; s <= 60; s++) j.markDelivered(s);
	await j.prune();
	const bytes = segmentFiles(dir).reduce((n, f) => n + fs.statSync(f).size, 0);
	expect(bytes).toBeLessThanOrEqual(0.005 * 1024 * 1024 + 2500);
	const all = await journal(folder(), { segmentBytes: 2000, retentionHours: 72, retentionMb: 512 });
	for (let i = 0; i < 20; i++) await all.append(entry(`K${i}`));
	for (let s = 1; s <= 20; s++) all.markDelivered(s);
	expect(await all.prune()).toBe(0); // recent and small: kept for reprocessing
});

test('duplicate window: a key stored within it is found, also after a restart; outside it is not', async () => {
	const dir = folder();
	const j = await journal(dir, { duplicateWindowMs: 60000 });
	const seq = await j.append(entry('X1'));
	expect(j.duplicateOf('SND|FAC|X1')).toBe(seq);
	expect(j.duplicateOf('SND|FAC|X2')).toBeUndefined();
	await j.append(entry('OLD', new Date(Date.now() - 120000)));
	await closeAll();
	const again = await journal(dir, { duplicateWindowMs: 60000 });
	expect(again.duplicateOf('SND|FAC|X1')).toBe(seq);
	expect(again.duplicateOf('SND|FAC|OLD')).toBeUndefined();
	const off = await journal(folder(), { duplicateWindowMs: 0 });
	await off.append(entry('Y'));
	expect(off.duplicateOf('SND|FAC|Y')).toBeUndefined();
});

test('the duplicate window is bounded: the oldest keys go first', () => {
	const w = new DuplicateWindow<number>(60000, 3);
	for (let i = 0; i < 5; i++) w.set(`k${i}`, i);
	expect(w.size).toBe(3);
	expect(w.get('k0')).toBeUndefined();
	expect(w.get('k4')).toBe(4);
	const t = Date.now();
	w.set('late', 9, t - 61000);
	expect(w.get('late', t)).toBeUndefined();
});

test('readJournal filters by time range and control ids', async () => {
	const dir = folder();
	const j = await journal(dir);
	const t0 = Date.now() - 3600000;
	for (let i = 0; i < 6; i++) await j.append(entry(`F${i}`, new Date(t0 + i * 60000)));
	j.markDelivered(1);
	expect(
		(
			await readJournal(dir, {
				from: new Date(t0 + 120000),
				to: new Date(t0 + 240000).toISOString(),
			})
		).map((r) => r.controlId),
	).toEqual(['F2', 'F3', 'F4']);
	expect(
		(await readJournal(dir, { controlIds: ['F0', 'F5'] })).map((r) => [r.controlId, r.delivered]),
	).toEqual([
		['F0', true],
		['F5', false],
	]);
});

test('on open, delivered segments older than the duplicate window are not read; numbering and keys stay right', async () => {
	const dir = folder();
	const j = await journal(dir, { segmentBytes: 2000, duplicateWindowMs: 60000 });
	for (let i = 0; i < 40; i++) await j.append(entry(`O${i}`));
	for (let s = 1; s <= 35; s++) j.markDelivered(s);
	await closeAll();
	// within the window: every segment is read, so the keys are known
	const within = await journal(dir, { segmentBytes: 2000, duplicateWindowMs: 60000 });
	expect(within.duplicateOf('SND|FAC|O1')).toBe(2);
	expect(within.recovered().map((r) => r.seq)).toEqual([36, 37, 38, 39, 40]);
	await closeAll();
	// window off: the delivered segments are only looked at, not read
	const [first] = segmentFiles(dir);
	const size = fs.statSync(first).size;
	const bytes = fs.readFileSync(first);
	bytes[size - 5] ^= 0xff; // would fail its CRC (and be cut) if the segment were read
	fs.writeFileSync(first, bytes);
	const past = new Date(Date.now() - 120000);
	fs.utimesSync(first, past, past);
	const warnings: string[] = [];
	const off = await journal(dir, { segmentBytes: 2000, warn: (m) => warnings.push(m) });
	expect(warnings).toEqual([]);
	expect(fs.statSync(first).size).toBe(size);
	expect(off.recovered().map((r) => r.seq)).toEqual([36, 37, 38, 39, 40]);
	expect(await off.append(entry('O40'))).toBe(41);
	await closeAll();
	// readJournal leaves out what it cannot read (the corrupted last record of the first segment)
	const seqs = (await readJournal(dir)).map((r) => r.seq);
	expect(seqs).toHaveLength(40);
	expect(seqs.slice(-6)).toEqual([36, 37, 38, 39, 40, 41]);
});
