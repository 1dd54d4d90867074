import { hl7Date } from '../../hl7/athena';

// A parsed ORU^R01 (the path map of HL7 Message → Parse or of the MLLP trigger's items, e.g.
// {"OBX[2].5": "7.2"}) → athena lab result documents, one per order (OBR) with its observations
// (OBX) as analytes (docs/athena-behaviour.md#oru-to-lab-result). Path maps keep the message's
// segment order, which is how observations are tied to their order. No n8n imports.

export interface OruAnalyte {
	analytename: string;
	value?: string;
	units?: string;
	referencerange?: string;
	abnormalflag?: string;
	resultstatus?: string;
	loinc?: string;
	note?: string;
}

export interface OruLabResult {
	accessionid?: string;
	observationdate?: string;
	observationtime?: string;
	resultstatus?: string;
	/** The order's test, for the user (OBR-4 text). */
	orderedtest?: string;
	/** The order's test as code^text (OBR-4), part of how a result already filed is recognised. */
	testkey?: string;
	internalnote?: string;
	analytes: OruAnalyte[];
	attachment?: { attachmenttype: string; base64: string };
}

export interface OruMessage {
	messageType: string;
	controlId?: string;
	patientid?: string;
	/** Where patientid came from, e.g. PID-2 or PID-3. */
	patientidfrom?: string;
	/** PID-5.1, the family name, and PID-7 as YYYYMMDD: checked against athena's patient. */
	familyname?: string;
	birthdate?: string;
	results: OruLabResult[];
}

// An identifier's assigning authority (CX-4) or type (CX-5) naming athena's own patient ID
const ATHENA_ID = /athena|enterprise/i;

// HL7 table 0085 / 0123 result statuses in athena's words (athena's own list: Final, Pending, …)
const STATUS: Record<string, string> = {
	F: 'Final',
	C: 'Corrected',
	P: 'Preliminary',
	A: 'Preliminary',
	I: 'Pending',
	R: 'Pending',
	S: 'Pending',
	X: 'Cancelled',
	D: 'Cancelled',
	W: 'Cancelled',
};
// HL7 table 0078 abnormal flags in athena's words (athena's list: ABNORMAL, CRITICAL HIGH, …)
const FLAG: Record<string, string> = {
	H: 'HIGH',
	L: 'LOW',
	HH: 'CRITICAL HIGH',
	LL: 'CRITICAL LOW',
	'>': 'CRITICAL HIGH',
	'<': 'CRITICAL LOW',
	A: 'ABNORMAL',
	AA: 'CRITICAL',
	N: 'NORMAL',
};
const ATTACHMENT: Record<string, string> = {
	PDF: 'PDF',
	JPG: 'JPG',
	JPEG: 'JPG',
	PNG: 'PNG',
	TIF: 'TIF',
	TIFF: 'TIF',
	GIF: 'GIF',
};

interface Segment {
	name: string;
	key: string;
}

/** The segments of a path map in message order. */
function segmentsOf(paths: Record<string, string>): Segment[] {
	const out: Segment[] = [];
	const seen = new Set<string>();
	for (const path of Object.keys(paths)) {
		const m = /^([A-Z][A-Z0-9]{2})(\[\d+\])?\./.exec(path);
		if (!m) continue;
		const key = `${m[1]}${m[2] ?? ''}`;
		if (seen.has(key)) continue;
		seen.add(key);
		out.push({ name: m[1], key });
	}
	return out;
}

export function oruFromPaths(paths: Record<string, string>): OruMessage {
	/** A field's component (1-based), first repetition, whether the map holds it as field or component. */
	const get = (seg: string, field: number, comp = 1): string | undefined => {
		const tries = [`${seg}.${field}.${comp}`, `${seg}.${field}[1].${comp}`];
		if (comp === 1) tries.push(`${seg}.${field}`, `${seg}.${field}[1]`);
		for (const t of tries) if (paths[t] !== undefined && paths[t] !== '') return paths[t];
		return undefined;
	};
	/** Every repetition of a text field, joined by line breaks. */
	const text = (seg: string, field: number): string | undefined => {
		if (paths[`${seg}.${field}`] !== undefined) return paths[`${seg}.${field}`];
		const reps: string[] = [];
		for (let r = 1; paths[`${seg}.${field}[${r}]`] !== undefined || r === 1; r++) {
			const v = paths[`${seg}.${field}[${r}]`] ?? paths[`${seg}.${field}[${r}].1`];
			if (v === undefined) break;
			reps.push(v);
		}
		return reps.length ? reps.join('\n') : get(seg, field);
	};
	const messageType = [paths['MSH.9.1'] ?? paths['MSH.9'], paths['MSH.9.2']]
		.filter(Boolean)
		.join('^');
	const out: OruMessage = { messageType, controlId: paths['MSH.10'], results: [] };
	let current: OruLabResult | undefined;
	let lastAnalyte: OruAnalyte | undefined;
	const order = () => {
		if (!current) {
			current = { analytes: [] };
			out.results.push(current);
		}
		return current;
	};
	for (const s of segmentsOf(paths)) {
		const k = s.key;
		if (s.name === 'PID') {
			Object.assign(out, pickPatient(paths, k));
			out.familyname = get(k, 5) ?? get(k, 5, 1);
			out.birthdate = /^\d{8}/.exec(get(k, 7) ?? '')?.[0];
		} else if (s.name === 'OBR') {
			const when = hl7Date(get(k, 7));
			current = strip({
				accessionid: get(k, 3) ?? get(k, 2),
				observationdate: when.date,
				observationtime: when.time,
				resultstatus: STATUS[get(k, 25) ?? ''] ?? get(k, 25),
				orderedtest: get(k, 4, 2) ?? get(k, 4),
				testkey: [get(k, 4), get(k, 4, 2)].filter(Boolean).join('^'),
				analytes: [],
			} as OruLabResult);
			out.results.push(current);
			lastAnalyte = undefined;
		} else if (s.name === 'OBX') {
			const o = order();
			if (get(k, 2) === 'ED') {
				// an embedded document: OBX-5 = source ^ type ^ subtype ^ encoding ^ data
				const type = ATTACHMENT[(get(k, 5, 3) ?? get(k, 5, 2) ?? '').toUpperCase()];
				const data = get(k, 5, 5);
				if (type && data && /base64/i.test(get(k, 5, 4) ?? '') && !o.attachment)
					o.attachment = { attachmenttype: type, base64: data.replace(/\s+/g, '') };
				continue;
			}
			const codeSystem = (get(k, 3, 3) ?? '').toUpperCase();
			const altSystem = (get(k, 3, 6) ?? '').toUpperCase();
			const status = get(k, 11);
			const flag = get(k, 8);
			lastAnalyte = strip({
				analytename: get(k, 3, 2) ?? get(k, 3) ?? 'Result',
				value: text(k, 5),
				units: get(k, 6) ?? get(k, 6, 2),
				referencerange: get(k, 7),
				abnormalflag: flag ? (FLAG[flag.toUpperCase()] ?? flag) : undefined,
				resultstatus: status ? (STATUS[status.toUpperCase()] ?? status) : undefined,
				loinc: codeSystem === 'LN' ? get(k, 3) : altSystem === 'LN' ? get(k, 3, 4) : undefined,
			}) as unknown as OruAnalyte;
			o.analytes.push(lastAnalyte);
		} else if (s.name === 'NTE') {
			const note = text(k, 3);
			if (!note) continue;
			if (lastAnalyte) lastAnalyte.note = lastAnalyte.note ? `${lastAnalyte.note}\n${note}` : note;
			else if (current)
				current.internalnote = current.internalnote ? `${current.internalnote}\n${note}` : note;
		}
	}
	out.results = out.results.filter((r) => r.analytes.length || r.attachment);
	return out;
}

/**
 * The athena patient ID of a PID segment: PID-2, else a PID-3 repetition whose assigning authority
 * or identifier type names athena (or Enterprise ID), else the first all-digit PID-3 or PID-4 (a
 * lab's MRN may look like one: docs/athena-behaviour.md#oru-to-lab-result).
 */
function pickPatient(
	paths: Record<string, string>,
	k: string,
): { patientid?: string; patientidfrom?: string } {
	const reps = (field: number) => {
		const out: { id?: string; label: string }[] = [];
		for (let r = 0; r < 50; r++) {
			const base = r === 0 ? `${k}.${field}` : `${k}.${field}[${r + 1}]`;
			const alt = r === 0 ? `${k}.${field}[1]` : base;
			const at = (suffix: string) => paths[base + suffix] ?? paths[alt + suffix];
			const id = at('') ?? at('.1');
			const label = [at('.4'), at('.4.1'), at('.4.2'), at('.5')].filter(Boolean).join(' ');
			if (id === undefined && !label) {
				if (r > 0) break;
				continue;
			}
			out.push({ id, label });
		}
		return out;
	};
	const digits = (v?: string) => (v && /^\d{1,18}$/.test(v.trim()) ? v.trim() : undefined);
	const pid2 = reps(2)[0]?.id;
	if (digits(pid2)) return { patientid: digits(pid2), patientidfrom: 'PID-2' };
	const pid3 = reps(3);
	const labelled = pid3.find((r) => digits(r.id) && ATHENA_ID.test(r.label));
	if (labelled) return { patientid: digits(labelled.id), patientidfrom: 'PID-3' };
	for (const [field, list] of [
		[3, pid3],
		[4, reps(4)],
	] as const) {
		const any = list.find((r) => digits(r.id));
		if (any) return { patientid: digits(any.id), patientidfrom: `PID-${field}` };
	}
	// nothing usable: the first value, for the error message
	return { patientid: pid2 ?? pid3[0]?.id };
}

function strip<T extends object>(o: T): T {
	return Object.fromEntries(
		Object.entries(o).filter(([, v]) => v !== undefined && v !== ''),
	) as unknown as T;
}
