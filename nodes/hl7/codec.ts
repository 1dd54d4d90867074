// HL7 v2 codec: pure TypeScript, no n8n imports, no dependencies.
//
// A message keeps every segment as its raw text and splits a segment into fields only when a
// field is read, so parsing is one pass over the line breaks and reading a dozen fields touches
// only their segments. Writing re-encodes (escapes) the value and rebuilds just that field, so an
// unmodified message builds back to exactly its normalized input.

export interface Delimiters {
	field: string;
	component: string;
	repetition: string;
	escape: string;
	subcomponent: string;
	/** v2.7+ truncation character (the fifth encoding character), when present. */
	truncation?: string;
}

export class Hl7Error extends Error {
	constructor(
		message: string,
		readonly segment?: string,
		readonly position?: number,
	) {
		super(
			position !== undefined ? `${message} (segment ${segment ?? '?'}, line ${position})` : message,
		);
		this.name = 'Hl7Error';
	}
}

const upper = (c: number) => c >= 65 && c <= 90;
const digit = (c: number) => c >= 48 && c <= 57;
const isSegmentName = (line: string) =>
	line.length >= 3 &&
	upper(line.charCodeAt(0)) &&
	(upper(line.charCodeAt(1)) || digit(line.charCodeAt(1))) &&
	(upper(line.charCodeAt(2)) || digit(line.charCodeAt(2)));
const MLLP_START = 0x0b;
const MLLP_END = 0x1c;

/**
 * The form a message is compared in after a round trip: MLLP frame, BOM, leading whitespace and
 * trailing line breaks removed, every line ending (CR, LF, CRLF, mixed) turned into CR, blank lines dropped,
 * and one CR after the last segment.
 */
export function normalize(input: string): string {
	const lines = segmentLines(input);
	return lines.length ? `${lines.join('\r')}\r` : '';
}

/** The segments of a message: the lines of its normalized form, without terminators. */
export function segmentLines(input: string): string[] {
	let start = 0;
	if (input.charCodeAt(0) === 0xfeff) start = 1;
	while (
		start < input.length &&
		(input.charCodeAt(start) === MLLP_START || isSpace(input.charCodeAt(start)))
	)
		start++;
	let end = input.length;
	// an MLLP end (or start) byte followed only by whitespace is framing: cut at the first such byte
	// of the trailing run, so neither the byte nor the whitespace after it lands in the last field
	for (let k = end; k > start; k--) {
		const c = input.charCodeAt(k - 1);
		if (c === MLLP_END || c === MLLP_START) end = k - 1;
		else if (!isSpace(c)) break;
	}
	while (end > start && [MLLP_END, MLLP_START, 13, 10].includes(input.charCodeAt(end - 1))) end--;
	const text = start === 0 && end === input.length ? input : input.slice(start, end);
	if (!text) return [];
	const lines = text.indexOf('\n') === -1 ? text.split('\r') : text.split(/\r\n|\r|\n/);
	// blank and whitespace-only lines carry nothing; anything else is kept exactly
	return lines.filter((l) => l.length > 0 && (!isSpace(l.charCodeAt(0)) || l.trim() !== ''));
}

const isSpace = (c: number) => c === 32 || c === 9 || c === 10 || c === 13 || c === 12 || c === 11;

export function delimitersOf(header: string): Delimiters {
	if (!/^(MSH|FHS|BHS)/.test(header))
		throw new Hl7Error(
			'The message does not start with an MSH (or FHS/BHS) segment',
			header.slice(0, 3),
			1,
		);
	const field = header.charAt(3);
	if (!field || /[A-Za-z0-9\s]/.test(field))
		throw new Hl7Error(
			'MSH-1 (the field separator) is missing or not a delimiter character',
			'MSH',
			1,
		);
	const end = header.indexOf(field, 4);
	const encoding = end === -1 ? header.slice(4) : header.slice(4, end);
	if (
		encoding.length < 2 ||
		encoding.length > 5 ||
		/[A-Za-z0-9\s]/.test(encoding) ||
		new Set(encoding + field).size !== encoding.length + 1
	) {
		throw new Hl7Error(
			`MSH-2 (the encoding characters) must be 2 to 5 distinct delimiter characters, got "${encoding}"`,
			'MSH',
			1,
		);
	}
	return {
		field,
		component: encoding.charAt(0),
		repetition: encoding.charAt(1),
		escape: encoding.charAt(2) || '',
		subcomponent: encoding.charAt(3) || '',
		truncation: encoding.charAt(4) || undefined,
	};
}

export const DEFAULT_DELIMITERS: Delimiters = {
	field: '|',
	component: '^',
	repetition: '~',
	escape: '\\',
	subcomponent: '&',
};

export function encodingCharacters(d: Delimiters): string {
	return d.component + d.repetition + d.escape + d.subcomponent + (d.truncation ?? '');
}

// ---------------------------------------------------------------- escapes

export interface DecodeOptions {
	/** What to do with formatting escapes (\.br\, \H\, \N\, \.sp\ …): keep them as written, or turn \.br\ into a line break and drop the rest. */
	formatting?: 'keep' | 'convert';
}

export function unescapeValue(text: string, d: Delimiters, opts: DecodeOptions = {}): string {
	const e = d.escape;
	if (!e || !text.includes(e)) return text;
	let out = '';
	let i = 0;
	while (i < text.length) {
		const ch = text.charAt(i);
		if (ch !== e) {
			out += ch;
			i++;
			continue;
		}
		const end = text.indexOf(e, i + 1);
		if (end === -1) {
			out += text.slice(i); // a lone escape character is data
			break;
		}
		const code = text.slice(i + 1, end);
		switch (code) {
			case 'F':
				out += d.field;
				break;
			case 'S':
				out += d.component;
				break;
			case 'R':
				out += d.repetition;
				break;
			case 'E':
				out += d.escape;
				break;
			case 'T':
				out += d.subcomponent;
				break;
			case 'P':
				out += d.truncation ?? `${e}P${e}`;
				break;
			default:
				if (/^X([0-9A-Fa-f]{2})+$/.test(code)) {
					out += decodeHex(code.slice(1));
				} else if (
					opts.formatting === 'convert' &&
					/^(\.br|\.sp\d*|H|N|\.in[+-]?\d+|\.ti[+-]?\d+|\.fi|\.nf|\.ce|\.sk\d+)$/.test(code)
				) {
					if (code === '.br' || code.startsWith('.sp')) out += '\n';
				} else {
					out += `${e}${code}${e}`; // unknown or kept formatting: leave as written
				}
		}
		i = end + 1;
	}
	return out;
}

function decodeHex(hex: string): string {
	const bytes = new Uint8Array(hex.length / 2);
	for (let i = 0; i < bytes.length; i++) bytes[i] = parseInt(hex.slice(i * 2, i * 2 + 2), 16);
	try {
		return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
	} catch {
		// not UTF-8: one character per byte (ISO 8859-1); a loop, since spreading a long escape into a
		// call overflows the stack
		let out = '';
		for (let i = 0; i < bytes.length; i++) out += String.fromCharCode(bytes[i]);
		return out;
	}
}

/** Characters a value cannot hold raw: the delimiters, CR and LF. */
function unwritable(text: string, d: Delimiters): string | undefined {
	for (const ch of text)
		if (
			ch === d.field ||
			ch === d.component ||
			ch === d.repetition ||
			ch === d.subcomponent ||
			ch === d.truncation ||
			ch === '\r' ||
			ch === '\n'
		)
			return ch;
	return undefined;
}

/**
 * Escapes a value for writing. A message whose MSH-2 declares no escape character cannot carry a
 * delimiter, CR or LF inside a value: that is an Hl7Error rather than a value that silently splits.
 */
export function escapeValue(text: string, d: Delimiters): string {
	if (!d.escape) {
		const bad = unwritable(text, d);
		if (bad !== undefined)
			throw new Hl7Error(
				`The value contains ${JSON.stringify(bad)}, which this message cannot carry: its MSH-2 declares no escape character`,
			);
		return text;
	}
	let out = '';
	for (let i = 0; i < text.length; i++) {
		const ch = text.charAt(i);
		if (ch === d.escape) out += `${d.escape}E${d.escape}`;
		else if (ch === d.field) out += `${d.escape}F${d.escape}`;
		else if (ch === d.component) out += `${d.escape}S${d.escape}`;
		else if (ch === d.repetition) out += `${d.escape}R${d.escape}`;
		else if (ch === d.subcomponent && d.subcomponent) out += `${d.escape}T${d.escape}`;
		else if (ch === d.truncation) out += `${d.escape}P${d.escape}`;
		else if (ch === '\r') out += `${d.escape}X0D${d.escape}`;
		else if (ch === '\n') out += `${d.escape}X0A${d.escape}`;
		else out += ch;
	}
	return out;
}

// ---------------------------------------------------------------- paths

export interface Hl7Path {
	segment: string;
	/** 1-based occurrence of the segment in the message. */
	occurrence: number;
	field?: number;
	/** 1-based repetition; undefined = the first. */
	repetition?: number;
	component?: number;
	subcomponent?: number;
}

const PATH =
	/^([A-Z][A-Z0-9]{2})(?:\[(\d+)\])?(?:[.-](\d+)(?:\[(\d+)\])?(?:\.(\d+)(?:\.(\d+))?)?)?$/;

const pathCache = new Map<string, Hl7Path>();

/** `PID.3[2].4.1`, `OBX[3].5`, `MSH-9.1`: segment[occurrence].field[repetition].component.subcomponent, all 1-based. */
export function parsePath(path: string): Hl7Path {
	const cached = pathCache.get(path);
	if (cached) return cached;
	const parsed = parsePathText(path);
	if (pathCache.size < 10000) pathCache.set(path, parsed);
	return parsed;
}

function parsePathText(path: string): Hl7Path {
	const m = PATH.exec(path.trim());
	if (!m)
		throw new Hl7Error(
			`"${path}" is not an HL7 path; use SEG[occurrence].field[repetition].component.subcomponent, e.g. PID.5.1 or OBX[2].5`,
		);
	const num = (v: string | undefined) => (v === undefined ? undefined : Number(v));
	const p: Hl7Path = {
		segment: m[1],
		occurrence: num(m[2]) ?? 1,
		field: num(m[3]),
		repetition: num(m[4]),
		component: num(m[5]),
		subcomponent: num(m[6]),
	};
	for (const [k, v] of Object.entries(p))
		if (typeof v === 'number' && v < (k === 'field' ? 0 : 1))
			throw new Hl7Error(`"${path}": ${k} numbers start at 1`);
	return p;
}

// ---------------------------------------------------------------- message

export class Hl7Message {
	readonly delimiters: Delimiters;
	/** Raw segment lines, without terminators. */
	readonly lines: string[];
	private fieldCache: Array<string[] | undefined>;
	private index?: Map<string, number[]>;

	constructor(lines: string[], delimiters: Delimiters) {
		this.lines = lines;
		this.delimiters = delimiters;
		this.fieldCache = new Array(lines.length);
	}

	static parse(input: string): Hl7Message {
		if (typeof input !== 'string') throw new Hl7Error('The HL7 message must be text');
		const lines = segmentLines(input);
		if (!lines.length) throw new Hl7Error('The HL7 message is empty');
		const d = delimitersOf(lines[0]);
		if (!lines[0].startsWith('MSH'))
			throw new Hl7Error(
				'This is a batch (FHS/BHS); use Split Batch first',
				lines[0].slice(0, 3),
				1,
			);
		const sep = d.field.charCodeAt(0);
		for (let i = 1; i < lines.length; i++) {
			const line = lines[i];
			if (!isSegmentName(line) || (line.length > 3 && line.charCodeAt(3) !== sep)) {
				throw new Hl7Error(
					`"${line.slice(0, 12)}" is not a segment: a segment starts with a 3-character name (A–Z, 0–9) and the field separator "${d.field}"`,
					line.slice(0, 3),
					i + 1,
				);
			}
		}
		return new Hl7Message(lines, d);
	}

	/** Exactly the normalized input for an unmodified message. */
	toString(): string {
		return this.lines.length ? `${this.lines.join('\r')}\r` : '';
	}

	segmentNames(): string[] {
		return this.lines.map((l) => l.slice(0, 3));
	}

	private positions(name: string): number[] {
		if (!this.index) {
			this.index = new Map();
			for (let i = 0; i < this.lines.length; i++) {
				const n = this.lines[i].slice(0, 3);
				const list = this.index.get(n);
				if (list) list.push(i);
				else this.index.set(n, [i]);
			}
		}
		return this.index.get(name) ?? [];
	}

	/** Raw (still escaped) fields of line i; [0] is the segment name. For MSH, [1] is MSH-1. */
	private fields(i: number): string[] {
		let f = this.fieldCache[i];
		if (!f) {
			const line = this.lines[i];
			f = line.split(this.delimiters.field);
			if (f[0] === 'MSH' || f[0] === 'FHS' || f[0] === 'BHS') f.splice(1, 0, this.delimiters.field);
			this.fieldCache[i] = f;
		}
		return f;
	}

	count(segment: string): number {
		return this.positions(segment).length;
	}

	/** Raw text at a path (escaped), or undefined when the path is absent. */
	raw(path: string | Hl7Path): string | undefined {
		const p = typeof path === 'string' ? parsePath(path) : path;
		const at = this.positions(p.segment)[p.occurrence - 1];
		if (at === undefined) return undefined;
		if (p.field === undefined) return this.lines[at];
		const fields = this.fields(at);
		if (p.field >= fields.length) return undefined;
		let value = fields[p.field];
		const isHeader =
			p.field <= 2 && (p.segment === 'MSH' || p.segment === 'FHS' || p.segment === 'BHS');
		if (isHeader) return p.component === undefined || p.component === 1 ? value : undefined;
		const d = this.delimiters;
		if (p.repetition !== undefined || p.component !== undefined) {
			const reps = value.split(d.repetition);
			const rep = (p.repetition ?? 1) - 1;
			if (rep >= reps.length) return undefined;
			value = reps[rep];
		}
		if (p.component === undefined) return value;
		const comps = value.split(d.component);
		if (p.component > comps.length) return undefined;
		value = comps[p.component - 1];
		if (p.subcomponent === undefined || !d.subcomponent)
			return p.subcomponent && p.subcomponent > 1 ? undefined : value;
		const subs = value.split(d.subcomponent);
		return p.subcomponent > subs.length ? undefined : subs[p.subcomponent - 1];
	}

	/** Decoded value at a path: undefined when absent, "" when present but empty. */
	get(path: string | Hl7Path, opts?: DecodeOptions): string | undefined {
		const raw = this.raw(path);
		return raw === undefined ? undefined : unescapeValue(raw, this.delimiters, opts);
	}

	/** Every repetition of a field, decoded. */
	repetitions(path: string): string[] {
		const raw = this.raw({
			...parsePath(path),
			repetition: undefined,
			component: undefined,
			subcomponent: undefined,
		});
		return raw === undefined || raw === ''
			? []
			: raw.split(this.delimiters.repetition).map((r) => unescapeValue(r, this.delimiters));
	}

	/** Sets a value (escaped for you), creating the segment, repetition, component or sub-component as needed. */
	set(path: string, value: string): this {
		const p = parsePath(path);
		if (p.field === undefined)
			throw new Hl7Error(`"${path}": name a field to set, e.g. ${p.segment}.3`);
		if ((p.segment === 'MSH' || p.segment === 'BHS' || p.segment === 'FHS') && p.field <= 2)
			throw new Hl7Error(`${p.segment}-1 and ${p.segment}-2 (delimiters) cannot be set`);
		const d = this.delimiters;
		let missing = p.occurrence - this.positions(p.segment).length;
		if (missing > 0) {
			// a new header segment gets this message's delimiters (MSH-1 and MSH-2), or it would not parse
			const header = p.segment === 'MSH' || p.segment === 'FHS' || p.segment === 'BHS';
			const fresh = header ? `${p.segment}${d.field}${encodingCharacters(d)}` : p.segment;
			while (missing-- > 0) {
				this.lines.push(fresh);
				this.fieldCache.push(undefined);
			}
			this.index = undefined;
		}
		const at = this.positions(p.segment)[p.occurrence - 1];
		const fields = [...this.fields(at)];
		while (fields.length <= p.field) fields.push('');
		const encoded = escapeValue(value, d);
		if (p.repetition === undefined && p.component === undefined) {
			fields[p.field] = encoded;
		} else {
			const reps = fields[p.field].split(d.repetition);
			const r = (p.repetition ?? 1) - 1;
			while (reps.length <= r) reps.push('');
			if (p.component === undefined) {
				reps[r] = encoded;
			} else {
				const comps = reps[r].split(d.component);
				while (comps.length < p.component) comps.push('');
				if (p.subcomponent === undefined) {
					comps[p.component - 1] = encoded;
				} else {
					if (!d.subcomponent)
						throw new Hl7Error('This message declares no sub-component separator in MSH-2');
					const subs = comps[p.component - 1].split(d.subcomponent);
					while (subs.length < p.subcomponent) subs.push('');
					subs[p.subcomponent - 1] = encoded;
					comps[p.component - 1] = subs.join(d.subcomponent);
				}
				reps[r] = comps.join(d.component);
			}
			fields[p.field] = reps.join(d.repetition);
		}
		const isHeader = p.segment === 'MSH' || p.segment === 'FHS' || p.segment === 'BHS';
		// fields[1] of a header is MSH-1 itself, not text between separators
		this.lines[at] = isHeader
			? `${fields[0]}${d.field}${fields.slice(2).join(d.field)}`
			: fields.join(d.field);
		this.fieldCache[at] = undefined;
		return this;
	}

	/** The decoded structure of one segment: fields → repetitions → components → sub-components, collapsed where single. */
	segmentJson(i: number, opts?: DecodeOptions): { name: string; fields: unknown[] } {
		const d = this.delimiters;
		const fields = this.fields(i);
		const name = fields[0];
		const header = name === 'MSH' || name === 'FHS' || name === 'BHS';
		const out: unknown[] = [];
		for (let f = 1; f < fields.length; f++) {
			if (header && f <= 2) {
				out.push(fields[f]);
				continue;
			}
			const reps = fields[f].split(d.repetition).map((rep) => {
				const comps = rep.split(d.component).map((c) => {
					const subs = d.subcomponent ? c.split(d.subcomponent) : [c];
					return subs.length === 1
						? unescapeValue(subs[0], d, opts)
						: subs.map((s) => unescapeValue(s, d, opts));
				});
				return comps.length === 1 ? comps[0] : comps;
			});
			out.push(reps.length === 1 ? reps[0] : reps);
		}
		return { name, fields: out };
	}

	/** Every non-empty leaf value by path, e.g. {"PID.5.1": "DOE", "OBX[2].5": "7.2"}. */
	pathMap(opts?: DecodeOptions): Record<string, string> {
		// this runs for every received message: plain loops, one escape check per field, and path
		// keys reused across messages (PathKey), so a message of a familiar shape builds no key strings
		const d = this.delimiters;
		const e = d.escape;
		const rs = d.repetition;
		const cs = d.component;
		const ss = d.subcomponent;
		const map: Record<string, string> = {};
		const seen = new Map<string, number>();
		for (let i = 0; i < this.lines.length; i++) {
			const fields = this.fields(i);
			const name = fields[0];
			const n = (seen.get(name) ?? 0) + 1;
			seen.set(name, n);
			const seg = segmentKey(name, n);
			const header = name === 'MSH' || name === 'FHS' || name === 'BHS';
			for (let f = 1; f < fields.length; f++) {
				const field = fields[f];
				if (!field) continue;
				const fieldKey = seg.dot(f);
				if (header && f <= 2) {
					map[fieldKey.key] = field;
					continue;
				}
				const escaped = e !== '' && field.includes(e);
				const hasSub = ss !== '' && field.includes(ss);
				if (!hasSub && !field.includes(cs) && !field.includes(rs)) {
					map[fieldKey.key] = escaped ? unescapeValue(field, d, opts) : field;
					continue;
				}
				const reps = field.split(rs);
				for (let r = 0; r < reps.length; r++) {
					const rep = reps[r];
					if (!rep) continue;
					const base = reps.length > 1 ? fieldKey.at(r + 1) : fieldKey;
					const comps = rep.split(cs);
					if (comps.length === 1 && !(hasSub && rep.includes(ss))) {
						map[base.key] = escaped ? unescapeValue(rep, d, opts) : rep;
						continue;
					}
					for (let ci = 0; ci < comps.length; ci++) {
						const c = comps[ci];
						if (!c) continue;
						if (!hasSub || !c.includes(ss)) {
							map[base.dot(ci + 1).key] = escaped ? unescapeValue(c, d, opts) : c;
							continue;
						}
						const subs = c.split(ss);
						const compKey = base.dot(ci + 1);
						for (let si = 0; si < subs.length; si++)
							if (subs[si])
								map[compKey.dot(si + 1).key] = escaped
									? unescapeValue(subs[si], d, opts)
									: subs[si];
					}
				}
			}
		}
		return map;
	}
}

/**
 * A path map key ("PID.5.1", "OBX[2].5") and the keys below it, made once and reused by every later
 * message: key strings are most of a path map's cost. Bounded: past KEY_LIMIT keys and array places
 * the cache starts over.
 */
class PathKey {
	private dots?: Array<PathKey | undefined>;
	private reps?: Array<PathKey | undefined>;
	constructor(readonly key: string) {}
	/** this key + ".n" */
	dot(n: number): PathKey {
		if (n > KEY_INDEX_LIMIT) return new PathKey(this.key + '.' + n);
		const list = (this.dots ??= []);
		return list[n] ?? (list[n] = newKey(this.key + '.' + n, n + 1 - list.length));
	}
	/** this key + "[n]" */
	at(n: number): PathKey {
		if (n > KEY_INDEX_LIMIT) return new PathKey(this.key + '[' + n + ']');
		const list = (this.reps ??= []);
		return list[n] ?? (list[n] = newKey(this.key + '[' + n + ']', n + 1 - list.length));
	}
}
const KEY_LIMIT = 100000;
const KEY_INDEX_LIMIT = 100;
let segmentKeys = new Map<string, PathKey>();
let keyCount = 0;
/** `slots`: the array places the new key adds (counted with the keys, so the cache stays bounded in memory) */
function newKey(key: string, slots = 1): PathKey {
	keyCount += Math.max(1, slots);
	if (keyCount > KEY_LIMIT) {
		segmentKeys = new Map();
		keyCount = 1;
	}
	return new PathKey(key);
}
function segmentKey(name: string, occurrence: number): PathKey {
	const id = occurrence === 1 ? name : name + '[' + occurrence + ']';
	if (occurrence > KEY_INDEX_LIMIT) return new PathKey(id);
	let key = segmentKeys.get(id);
	if (!key) segmentKeys.set(id, (key = newKey(id)));
	return key;
}

// ---------------------------------------------------------------- batches

export interface Batch {
	header: string[];
	messages: string[];
	trailer: string[];
}

/** Splits an FHS/BHS batch (or a file of bare messages) into messages; headers and trailers kept apart. */
export function splitBatch(input: string): Batch {
	const text = normalize(input);
	const lines = text ? text.slice(0, -1).split('\r') : [];
	const batch: Batch = { header: [], messages: [], trailer: [] };
	let current: string[] | undefined;
	lines.forEach((line, i) => {
		const name = line.slice(0, 3);
		if (name === 'FHS' || name === 'BHS') {
			if (current) batch.messages.push(`${current.join('\r')}\r`);
			current = undefined;
			batch.header.push(line);
		} else if (name === 'BTS' || name === 'FTS') {
			if (current) batch.messages.push(`${current.join('\r')}\r`);
			current = undefined;
			batch.trailer.push(line);
		} else if (name === 'MSH') {
			if (current) batch.messages.push(`${current.join('\r')}\r`);
			current = [line];
		} else if (current) {
			current.push(line);
		} else {
			throw new Hl7Error('A segment appears before any MSH in the batch', name, i + 1);
		}
	});
	if (current) batch.messages.push(`${current.join('\r')}\r`);
	return batch;
}

export function buildBatch(
	messages: string[],
	opts: { fileHeader?: string; batchHeader?: string; delimiters?: Delimiters } = {},
): string {
	const d = opts.delimiters ?? DEFAULT_DELIMITERS;
	const enc = encodingCharacters(d);
	const bhs = opts.batchHeader ?? `BHS${d.field}${enc}`;
	const lines: string[] = [];
	if (opts.fileHeader !== undefined) lines.push(opts.fileHeader || `FHS${d.field}${enc}`);
	lines.push(bhs);
	for (const m of messages) lines.push(...normalize(m).slice(0, -1).split('\r'));
	lines.push(`BTS${d.field}${messages.length}`);
	if (opts.fileHeader !== undefined) lines.push(`FTS${d.field}1`);
	return `${lines.join('\r')}\r`;
}
