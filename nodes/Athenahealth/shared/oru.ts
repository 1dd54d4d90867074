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
	/** The order's test, for the user (OBR-4). */
	orderedtest?: string;
	internalnote?: string;
	analytes: OruAnalyte[];
	attachment?: { attachmenttype: string; base64: string };
}

export interface OruMessage {
	messageType: string;
	controlId?: string;
	patientid?: string;
	results: OruLabResult[];
}

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
			out.patientid = get(k, 2) ?? get(k, 3) ?? get(k, 4);
		} else if (s.name === 'OBR') {
			const when = hl7Date(get(k, 7));
			current = strip({
				accessionid: get(k, 3) ?? get(k, 2),
				observationdate: when.date,
				observationtime: when.time,
				resultstatus: STATUS[get(k, 25) ?? ''] ?? get(k, 25),
				orderedtest: get(k, 4, 2) ?? get(k, 4),
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

function strip<T extends object>(o: T): T {
	return Object.fromEntries(
		Object.entries(o).filter(([, v]) => v !== undefined && v !== ''),
	) as unknown as T;
}
