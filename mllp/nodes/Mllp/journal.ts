// The trigger's durable journal for "After Storing": messages are appended to segment files in one
// folder and flushed to disk before they are acknowledged. Many appends share one flush (group
// commit). Each record is framed as <length uint32 BE><crc32 uint32 BE><payload JSON>, so a record
// torn by a crash (kill -9, power loss) is recognised on open and cut off; a record that was
// acknowledged was flushed before its ACK, so it is never the torn one.
//
// Delivered marks go to a second, small append-only file (8 bytes per seq) and a checkpoint
// (every seq below it is delivered). Losing a mark only means the message is handed over again
// (at least once). Segments whose records are all delivered are pruned once they pass the
// retention size or age; undelivered records are never pruned.
import fs from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';

export interface JournalEntry {
	receivedAt: string;
	controlId: string;
	sendingApplication: string;
	sendingFacility: string;
	peer?: string;
	/** the duplicate key (sending application, sending facility, control id) */
	key?: string;
	message: string;
}

export interface JournalRecord extends JournalEntry {
	seq: number;
}

export interface JournalOptions {
	retentionMb?: number;
	retentionHours?: number;
	/** a new segment is started past this size (default 16 MB) */
	segmentBytes?: number;
	/** duplicate window: keys of records received within it are kept (0 = none) */
	duplicateWindowMs?: number;
	/** the most keys kept in the duplicate window (oldest dropped first) */
	duplicateMax?: number;
	/** background prune interval (default 60 s; 0 = only when prune() is called) */
	pruneEveryMs?: number;
	/** write and flush on the calling thread (it blocks there): for a thread that only receives */
	syncFlush?: boolean;
	warn?(message: string): void;
}

export interface Journal {
	/** Appends and flushes to disk; resolves with the record's seq once it is durable. */
	append(entry: JournalEntry): Promise<number>;
	/** Marks a record delivered (its execution has finished). */
	markDelivered(seq: number): void;
	/** Records stored before this open and not delivered, in seq order (handed over again). */
	recovered(): JournalRecord[];
	/** Number of stored records not yet marked delivered. */
	backlog(): number;
	/** The earlier record's seq when this key was stored within the duplicate window. */
	duplicateOf(key: string): number | undefined;
	/** Resolves once the record with this seq is on disk. */
	durable(seq: number): Promise<void>;
	/** Flushes (fsyncs) made since open: fewer than appends when appends share a flush. */
	flushes(): number;
	/** Drops fully delivered segments past the retention size or age. */
	prune(): Promise<number>;
	close(): Promise<void>;
}

const HEADER = 8;
const DELIVERED = 'delivered.log';
const CHECKPOINT = 'checkpoint.json';
const SEGMENT = /^segment-(\d{16})\.log$/;

let crcTable: Int32Array | undefined;
/** CRC-32 (IEEE): zlib's when the Node version has it (20.15+), a table otherwise. */
export function crc32(data: Buffer): number {
	const native = (zlib as unknown as { crc32?: (d: Buffer) => number }).crc32;
	if (native) return native(data) >>> 0;
	if (!crcTable) {
		crcTable = new Int32Array(256);
		for (let n = 0; n < 256; n++) {
			let c = n;
			for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
			crcTable[n] = c;
		}
	}
	let crc = -1;
	for (let i = 0; i < data.length; i++) crc = crcTable[(crc ^ data[i]) & 0xff] ^ (crc >>> 8);
	return (crc ^ -1) >>> 0;
}

function encode(record: JournalRecord): Buffer {
	const payload = Buffer.from(
		JSON.stringify({
			s: record.seq,
			t: record.receivedAt,
			c: record.controlId,
			a: record.sendingApplication,
			f: record.sendingFacility,
			p: record.peer,
			k: record.key,
			m: record.message,
		}),
		'utf8',
	);
	const out = Buffer.allocUnsafe(HEADER + payload.length);
	out.writeUInt32BE(payload.length, 0);
	out.writeUInt32BE(crc32(payload), 4);
	payload.copy(out, HEADER);
	return out;
}

/** The records of one segment file, and where the last whole record ends (a torn tail after it). */
function decodeSegment(data: Buffer): { records: JournalRecord[]; good: number } {
	const records: JournalRecord[] = [];
	let at = 0;
	while (at + HEADER <= data.length) {
		const length = data.readUInt32BE(at);
		const end = at + HEADER + length;
		if (end > data.length) break;
		const payload = data.subarray(at + HEADER, end);
		if (crc32(payload) !== data.readUInt32BE(at + 4)) break;
		let r: Record<string, string | number | undefined>;
		try {
			r = JSON.parse(payload.toString('utf8'));
		} catch {
			break;
		}
		records.push({
			seq: r.s as number,
			receivedAt: r.t as string,
			controlId: (r.c as string) ?? '',
			sendingApplication: (r.a as string) ?? '',
			sendingFacility: (r.f as string) ?? '',
			peer: r.p as string | undefined,
			key: r.k as string | undefined,
			message: (r.m as string) ?? '',
		});
		at = end;
	}
	return { records, good: at };
}

function readDelivered(folder: string): { below: number; seqs: Set<number> } {
	let below = 0;
	try {
		below = Number(JSON.parse(fs.readFileSync(path.join(folder, CHECKPOINT), 'utf8')).below) || 0;
	} catch {
		// no checkpoint yet
	}
	const seqs = new Set<number>();
	let data: Buffer;
	try {
		data = fs.readFileSync(path.join(folder, DELIVERED));
	} catch {
		return { below, seqs };
	}
	// a torn last mark (fewer than 8 bytes) is ignored: its message is handed over again
	for (let at = 0; at + 8 <= data.length; at += 8) {
		const seq = data.readUInt32BE(at) * 2 ** 32 + data.readUInt32BE(at + 4);
		if (seq >= below) seqs.add(seq);
	}
	return { below, seqs };
}

function segments(folder: string): Array<{ file: string; first: number }> {
	let names: string[];
	try {
		names = fs.readdirSync(folder);
	} catch {
		return [];
	}
	return names
		.map((n) => ({ n, m: SEGMENT.exec(n) }))
		.filter((x) => x.m)
		.map((x) => ({ file: path.join(folder, x.n), first: Number(x.m![1]) }))
		.sort((a, b) => a.first - b.first);
}

const segmentName = (folder: string, first: number) =>
	path.join(folder, `segment-${String(first).padStart(16, '0')}.log`);

/**
 * Appends all of buf: a write to a file may take only part of it (a disk filling up). Resolves the
 * callback with an error when the rest cannot be written; the caller then treats nothing as written.
 */
function appendAll(fd: number, buf: Buffer, done: (error: Error | null) => void, at = 0) {
	fs.write(fd, buf, at, buf.length - at, null, (error, written) => {
		if (error) return done(error);
		if (written <= 0) return done(new Error('The disk took no bytes'));
		if (at + written < buf.length) return appendAll(fd, buf, done, at + written);
		done(null);
	});
}

/** appendAll on this thread; returns the error instead of throwing */
function appendAllSync(fd: number, buf: Buffer): Error | undefined {
	try {
		for (let at = 0; at < buf.length; ) {
			const written = fs.writeSync(fd, buf, at, buf.length - at);
			if (written <= 0) return new Error('The disk took no bytes');
			at += written;
		}
	} catch (error) {
		return error as Error;
	}
	return undefined;
}

function markBytes(seqs: number[]): Buffer {
	const buf = Buffer.allocUnsafe(seqs.length * 8);
	seqs.forEach((s, i) => {
		buf.writeUInt32BE(Math.floor(s / 2 ** 32), i * 8);
		buf.writeUInt32BE(s % 2 ** 32, i * 8 + 4);
	});
	return buf;
}

/** Makes a new or renamed file's directory entry durable (power loss); best effort. */
function syncFolder(folder: string) {
	try {
		const fd = fs.openSync(folder, 'r');
		try {
			fs.fsyncSync(fd);
		} finally {
			fs.closeSync(fd);
		}
	} catch {
		// not supported on this platform
	}
}

function writeAtomic(file: string, data: string | Buffer) {
	const tmp = `${file}.tmp`;
	const fd = fs.openSync(tmp, 'w');
	try {
		fs.writeSync(fd, typeof data === 'string' ? Buffer.from(data) : data);
		fs.fsyncSync(fd);
	} finally {
		fs.closeSync(fd);
	}
	fs.renameSync(tmp, file);
	syncFolder(path.dirname(file));
}

interface SegmentInfo {
	file: string;
	first: number;
	last: number;
	bytes: number;
	/** newest receivedAt in ms */
	newest: number;
}

/** A bounded window of duplicate keys: insertion order is arrival order, the oldest go first. */
export class DuplicateWindow<V> {
	private readonly seen = new Map<string, { at: number; value: V }>();
	constructor(
		private readonly windowMs: number,
		private readonly max = 100000,
	) {}

	get(key: string, now = Date.now()): V | undefined {
		if (this.windowMs <= 0) return undefined;
		const hit = this.seen.get(key);
		if (!hit) return undefined;
		if (now - hit.at > this.windowMs) {
			this.seen.delete(key);
			return undefined;
		}
		return hit.value;
	}

	set(key: string, value: V, at = Date.now()) {
		if (this.windowMs <= 0) return;
		this.seen.delete(key);
		this.seen.set(key, { at, value });
		this.trim(at);
	}

	delete(key: string) {
		this.seen.delete(key);
	}

	get size() {
		return this.seen.size;
	}

	private trim(now: number) {
		for (const [key, hit] of this.seen) {
			if (this.seen.size <= this.max && now - hit.at <= this.windowMs) break;
			this.seen.delete(key);
		}
	}
}

export async function openJournal(folder: string, opts: JournalOptions = {}): Promise<Journal> {
	fs.mkdirSync(folder, { recursive: true });
	const warn = opts.warn ?? (() => {});
	const segmentBytes = opts.segmentBytes ?? 16 * 1024 * 1024;
	const retentionBytes = (opts.retentionMb ?? 512) * 1024 * 1024;
	const retentionMs = (opts.retentionHours ?? 72) * 3600 * 1000;
	const dup = new DuplicateWindow<number>(opts.duplicateWindowMs ?? 0, opts.duplicateMax);

	// recovery: read every segment, cut a torn tail off, find what was not delivered
	const { below, seqs: deliveredSeqs } = readDelivered(folder);
	const infos: SegmentInfo[] = [];
	const undelivered = new Map<number, JournalRecord>();
	let nextSeq = Math.max(1, below);
	const files = segments(folder);
	const windowMs = opts.duplicateWindowMs ?? 0;
	for (let i = 0; i < files.length; i++) {
		nextSeq = Math.max(nextSeq, files[i].first);
		const next = files[i + 1];
		if (next && next.first - 1 < below) {
			// every record of this segment is delivered (below the checkpoint): when it is also older
			// than the duplicate window, its size and age are all that is needed (activation stays fast)
			const stat = fs.statSync(files[i].file);
			if (stat.mtimeMs < Date.now() - windowMs) {
				infos.push({
					file: files[i].file,
					first: files[i].first,
					last: next.first - 1,
					bytes: stat.size,
					newest: stat.mtimeMs,
				});
				continue;
			}
		}
		const data = fs.readFileSync(files[i].file);
		const { records, good } = decodeSegment(data);
		if (good < data.length) {
			warn(
				`MLLP journal: cut ${data.length - good} bytes of an incomplete record off ${path.basename(files[i].file)}`,
			);
			fs.truncateSync(files[i].file, good);
		}
		let newest = 0;
		for (const r of records) {
			nextSeq = Math.max(nextSeq, r.seq + 1);
			const at = Date.parse(r.receivedAt) || 0;
			newest = Math.max(newest, at);
			if (r.seq >= below && !deliveredSeqs.has(r.seq)) undelivered.set(r.seq, r);
			if (r.key) dup.set(r.key, r.seq, at);
		}
		infos.push({
			file: files[i].file,
			first: files[i].first,
			last: records.length ? records[records.length - 1].seq : files[i].first - 1,
			bytes: good,
			newest,
		});
	}
	const recovered = [...undelivered.values()].sort((a, b) => a.seq - b.seq);
	const pending = new Set(recovered.map((r) => r.seq));
	for (const r of recovered) undelivered.delete(r.seq);

	// compact the delivered marks: a new checkpoint, then only the marks above it
	const lowest = () => {
		let low = nextSeq;
		for (const s of pending) if (s < low) low = s;
		return low;
	};
	const checkpoint = lowest();
	/** delivered seqs at or above the checkpoint (delivered out of order) */
	const above = new Set([...deliveredSeqs].filter((s) => s >= checkpoint));
	const compact = (below: number) => {
		for (const s of above) if (s < below) above.delete(s);
		writeAtomic(path.join(folder, DELIVERED), markBytes([...above]));
		writeAtomic(path.join(folder, CHECKPOINT), JSON.stringify({ below }));
	};
	compact(checkpoint);
	let deliveredFd = fs.openSync(path.join(folder, DELIVERED), 'a');

	// the active segment: the last one if it has room, a new one otherwise
	let active: SegmentInfo;
	const last = infos[infos.length - 1];
	if (last && last.bytes < segmentBytes) active = last;
	else {
		active = {
			file: segmentName(folder, nextSeq),
			first: nextSeq,
			last: nextSeq - 1,
			bytes: 0,
			newest: 0,
		};
		infos.push(active);
	}
	let fd = fs.openSync(active.file, 'a');
	syncFolder(folder);

	let queue: Array<{
		buf: Buffer;
		seq: number;
		at: number;
		resolve(seq: number): void;
		reject(e: Error): void;
	}> = [];
	let flushing = false;
	let flushCount = 0;
	let closed = false;
	let failure: Error | undefined;
	let idle: (() => void) | undefined;
	/** every seq below this is on disk */
	let flushedBelow = nextSeq;
	let waiters: Array<{ seq: number; resolve(): void; reject(e: Error): void }> = [];

	const flush = () => {
		if (flushing || !queue.length) {
			if (!flushing && !queue.length) idle?.();
			return;
		}
		flushing = true;
		flushCount++;
		const group = queue;
		queue = [];
		const buf = group.length === 1 ? group[0].buf : Buffer.concat(group.map((g) => g.buf));
		const done = (error: Error | null) => {
			flushing = false;
			if (error) {
				failure = error;
				for (const g of group) g.reject(error);
				for (const w of waiters.splice(0)) w.reject(error);
			} else {
				flushedBelow = group[group.length - 1].seq + 1;
				const ready = waiters.filter((w) => w.seq < flushedBelow);
				waiters = waiters.filter((w) => w.seq >= flushedBelow);
				for (const w of ready) w.resolve();
				active.bytes += buf.length;
				active.last = group[group.length - 1].seq;
				active.newest = Math.max(active.newest, group[group.length - 1].at);
				for (const g of group) g.resolve(g.seq);
				if (active.bytes >= segmentBytes) {
					// roll over: the next group goes to a new segment
					fs.closeSync(fd);
					active = {
						file: segmentName(folder, nextSeq),
						first: nextSeq,
						last: nextSeq - 1,
						bytes: 0,
						newest: 0,
					};
					infos.push(active);
					fd = fs.openSync(active.file, 'a');
					syncFolder(folder);
				}
			}
			flush();
		};
		if (opts.syncFlush) {
			// on the receiving thread nothing else waits for this loop: write and flush here, without
			// two hops through libuv's thread pool per group
			const failed = appendAllSync(fd, buf);
			if (failed) return done(failed);
			try {
				fs.fdatasyncSync(fd);
			} catch (error) {
				return done(error as Error);
			}
			return done(null);
		}
		appendAll(fd, buf, (error) => {
			if (error) return done(error);
			fs.fdatasync(fd, (e) => done(e));
		});
	};

	// delivered marks: buffered and appended together, no flush (a lost mark means a redelivery)
	let markQueue: number[] = [];
	let marking = false;
	// after a failed mark write the file may end in part of a mark: later marks would be misread, so
	// none are written until the journal is opened again (their messages are handed over again)
	let marksFailed = false;
	const writeMarks = () => {
		if (marking || !markQueue.length || marksFailed) return;
		marking = true;
		const seqs = markQueue;
		markQueue = [];
		const buf = markBytes(seqs);
		appendAll(deliveredFd, buf, (error) => {
			marking = false;
			if (error) {
				marksFailed = true;
				warn(`MLLP journal: could not write delivered marks: ${error.message}`);
			}
			writeMarks();
		});
	};

	const prune = async (): Promise<number> => {
		const low = lowest();
		let total = infos.reduce((n, s) => n + s.bytes, 0);
		const now = Date.now();
		let removed = 0;
		for (const s of [...infos]) {
			if (s === active) break;
			// only segments whose every record is delivered, oldest first
			if (s.last >= low) break;
			if (total <= retentionBytes && now - s.newest <= retentionMs) break;
			try {
				await fs.promises.unlink(s.file);
			} catch (error) {
				warn(`MLLP journal: could not remove a segment: ${(error as Error).message}`);
				break;
			}
			total -= s.bytes;
			infos.splice(infos.indexOf(s), 1);
			removed++;
		}
		// everything below the lowest undelivered record is delivered: a new checkpoint, and the
		// marks file rewritten with only the marks above it (between two mark writes)
		while (marking) await new Promise((r) => setImmediate(r));
		if (!closed) {
			fs.closeSync(deliveredFd);
			compact(lowest());
			deliveredFd = fs.openSync(path.join(folder, DELIVERED), 'a');
		}
		return removed;
	};
	const pruneEvery = opts.pruneEveryMs ?? 60000;
	const timer =
		pruneEvery > 0 ? setInterval(() => void prune().catch(() => {}), pruneEvery) : undefined;
	timer?.unref();

	return {
		append(entry) {
			if (closed) return Promise.reject(new Error('The journal is closed'));
			if (failure) return Promise.reject(failure);
			const seq = nextSeq++;
			const record = { ...entry, seq };
			const buf = encode(record);
			pending.add(seq);
			if (entry.key) dup.set(entry.key, seq);
			return new Promise<number>((resolve, reject) => {
				queue.push({
					buf,
					seq,
					at: Date.parse(entry.receivedAt) || Date.now(),
					resolve,
					reject: (e) => {
						pending.delete(seq);
						if (entry.key) dup.delete(entry.key);
						reject(e);
					},
				});
				// appends made in the same tick join one flush
				if (!flushing && queue.length === 1) setImmediate(flush);
			});
		},
		markDelivered(seq) {
			if (closed || !pending.delete(seq)) return;
			above.add(seq);
			markQueue.push(seq);
			writeMarks();
		},
		recovered: () => recovered.slice(),
		backlog: () => pending.size,
		flushes: () => flushCount,
		duplicateOf: (key) => dup.get(key),
		durable(seq) {
			if (seq < flushedBelow) return Promise.resolve();
			if (failure) return Promise.reject(failure);
			return new Promise((resolve, reject) => waiters.push({ seq, resolve, reject }));
		},
		prune,
		async close() {
			if (closed) return;
			closed = true;
			if (timer) clearInterval(timer);
			if (flushing || queue.length)
				await new Promise<void>((resolve) => {
					idle = resolve;
					flush();
				});
			while (marking) await new Promise((r) => setImmediate(r));
			writeMarks();
			while (marking) await new Promise((r) => setImmediate(r));
			fs.closeSync(fd);
			fs.closeSync(deliveredFd);
		},
	};
}

export interface ReadFilter {
	from?: Date | string;
	to?: Date | string;
	controlIds?: string[];
}

/** Every stored record matching the filter, oldest first, read without changing the folder. */
export async function readJournal(
	folder: string,
	filter: ReadFilter = {},
): Promise<
	Array<{
		seq: number;
		receivedAt: string;
		controlId: string;
		sendingApplication: string;
		sendingFacility: string;
		peer?: string;
		delivered: boolean;
		message: string;
	}>
> {
	const from = filter.from ? new Date(filter.from).getTime() : -Infinity;
	const to = filter.to ? new Date(filter.to).getTime() : Infinity;
	const ids = filter.controlIds?.length ? new Set(filter.controlIds) : undefined;
	const { below, seqs } = readDelivered(folder);
	const out = [];
	for (const s of segments(folder)) {
		let data: Buffer;
		try {
			data = await fs.promises.readFile(s.file);
		} catch {
			continue; // pruned meanwhile
		}
		for (const r of decodeSegment(data).records) {
			const at = Date.parse(r.receivedAt);
			if (at < from || at > to) continue;
			if (ids && !ids.has(r.controlId)) continue;
			out.push({
				seq: r.seq,
				receivedAt: r.receivedAt,
				controlId: r.controlId,
				sendingApplication: r.sendingApplication,
				sendingFacility: r.sendingFacility,
				peer: r.peer,
				delivered: r.seq < below || seqs.has(r.seq),
				message: r.message,
			});
		}
	}
	return out.sort((a, b) => a.seq - b.seq);
}
