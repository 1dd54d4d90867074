import { DEFAULT_DELIMITERS, encodingCharacters, escapeValue, Hl7Message } from './codec';

// ACK / NAK for a received message (original and enhanced mode), honouring MSH-15/MSH-16.

export type AckCode = 'AA' | 'AE' | 'AR' | 'CA' | 'CE' | 'CR';

export interface AckOptions {
	code: AckCode;
	text?: string;
	/** ERR segments: one per problem. */
	errors?: Array<{ location?: string; code?: string; severity?: 'E' | 'W' | 'I'; message: string }>;
	controlId?: string;
	timestamp?: string;
}

export interface Ack {
	message: string;
	/** Whether the sender asked for this acknowledgment (MSH-15 for commit codes, MSH-16 for application codes). */
	required: boolean;
	reason: string;
}

/** the timestamp of the current second, kept: a listener stamps thousands of ACKs a second */
let lastStamp = { second: -1, text: '' };

export function hl7Timestamp(at?: Date): string {
	const second = at ? -1 : Math.floor(Date.now() / 1000);
	if (second !== -1 && second === lastStamp.second) return lastStamp.text;
	const t = at ?? new Date(second * 1000);
	const p = (n: number, w = 2) => String(n).padStart(w, '0');
	const text = `${t.getUTCFullYear()}${p(t.getUTCMonth() + 1)}${p(t.getUTCDate())}${p(t.getUTCHours())}${p(t.getUTCMinutes())}${p(t.getUTCSeconds())}+0000`;
	if (second !== -1) lastStamp = { second, text };
	return text;
}

function requested(
	rule: string | undefined,
	success: boolean,
): { required: boolean; reason: string } {
	switch ((rule ?? '').toUpperCase()) {
		case 'NE':
			return { required: false, reason: 'the sender asked for no acknowledgment (NE)' };
		case 'ER':
			return {
				required: !success,
				reason: success
					? 'the sender asked only for error acknowledgments (ER)'
					: 'an error acknowledgment was requested (ER)',
			};
		case 'SU':
			return {
				required: success,
				reason: success
					? 'a success acknowledgment was requested (SU)'
					: 'the sender asked only for success acknowledgments (SU)',
			};
		case 'AL':
			return { required: true, reason: 'the sender asked for every acknowledgment (AL)' };
		default:
			return { required: true, reason: 'original acknowledgment mode: always acknowledge' };
	}
}

/** text without the separators at its end */
function trimEnd(text: string, separator: string): string {
	if (!separator) return text;
	let end = text.length;
	while (end > 0 && text.endsWith(separator, end)) end -= separator.length;
	return text.slice(0, end);
}

export function createAck(received: Hl7Message, opts: AckOptions): Ack {
	const rd = received.delimiters ?? DEFAULT_DELIMITERS;
	// The ACK is our message: when the received one declares no escape character, the ACK declares
	// one (a character the received delimiters do not use), so its text can be escaped.
	const d = rd.escape
		? rd
		: {
				...rd,
				escape: ['\\', '#', '!', '@', '$', '%'].find((c) => !Object.values(rd).includes(c)) ?? '',
			};
	const e = d.escape;
	// fields copied from the received message stay in their escaped form (components intact); a
	// character that is the ACK's new escape character is data there and gets escaped
	const raw = (path: string) => {
		const v = received.raw(path) ?? '';
		return rd.escape || !e ? v : v.split(e).join(`${e}E${e}`);
	};
	const esc = (v: string) => escapeValue(v, d);
	const trigger = raw('MSH.9.2');
	const commit = opts.code.startsWith('C');
	const success = opts.code === 'AA' || opts.code === 'CA';
	const rule = commit ? received.get('MSH.15') : received.get('MSH.16');
	// Enhanced mode applies when MSH-15/16 are valued; in original mode every message is acknowledged.
	const enhanced = Boolean(received.get('MSH.15') || received.get('MSH.16'));
	const { required, reason } = enhanced ? requested(rule, success) : requested(undefined, success);
	const msh = [
		'MSH',
		encodingCharacters(d),
		raw('MSH.5'),
		raw('MSH.6'),
		raw('MSH.3'),
		raw('MSH.4'),
		opts.timestamp ?? hl7Timestamp(),
		'',
		`ACK${d.component}${trigger}${d.component}ACK`,
		opts.controlId ?? `ACK${Date.now()}`,
		raw('MSH.11'),
		raw('MSH.12'),
	].join(d.field);
	const lines = [
		msh,
		trimEnd(['MSA', opts.code, raw('MSH.10'), esc(opts.text ?? '')].join(d.field), d.field),
	];
	for (const e of opts.errors ?? []) {
		// ERR (v2.5+): ERR-2 location, ERR-3 code, ERR-4 severity, ERR-8 user message
		// the location is a composite (segment^sequence^field…): escape each part, keep the separators
		const location = (e.location ?? '').split(/[\^]/).map(esc).join(d.component);
		lines.push(
			[
				'ERR',
				'',
				location,
				esc(e.code ?? '207'),
				e.severity ?? 'E',
				'',
				'',
				'',
				esc(e.message),
			].join(d.field),
		);
	}
	return { message: `${lines.join('\r')}\r`, required, reason };
}
