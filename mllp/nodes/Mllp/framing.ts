// MLLP framing: a message travels as VT <bytes> FS CR. TCP hands over arbitrary chunks, so the
// decoder keeps state across chunks and scans with indexOf (a 10 MB message is a few memchr calls).

export const VT = 0x0b;
export const FS = 0x1c;
export const CR = 0x0d;

export type Frame =
	| { kind: 'message'; data: Buffer }
	/** A frame that cannot be delivered: too big, or a new VT arrived before its FS. */
	| { kind: 'bad'; reason: string; bytes: number }
	/** Bytes outside any frame (not counting the CR/LF after an FS). */
	| { kind: 'garbage'; bytes: number };

export function frame(text: string | Buffer, encoding: BufferEncoding = 'utf8'): Buffer {
	const body = typeof text === 'string' ? Buffer.from(text, encoding) : text;
	const out = Buffer.allocUnsafe(body.length + 3);
	out[0] = VT;
	body.copy(out, 1);
	out[body.length + 1] = FS;
	out[body.length + 2] = CR;
	return out;
}

export class MllpDecoder {
	private inside = false;
	private parts: Buffer[] = [];
	private size = 0;
	/** set once a frame passes the limit: its bytes are dropped until its FS */
	private oversize = false;

	constructor(private readonly maxBytes: number) {}

	/** Bytes held for the frame not yet ended (0 outside a frame or once it passed the limit). */
	get pending(): number {
		return this.inside && !this.oversize ? this.size : 0;
	}

	push(chunk: Buffer): Frame[] {
		const out: Frame[] = [];
		let i = 0;
		while (i < chunk.length) {
			if (!this.inside) {
				const start = chunk.indexOf(VT, i);
				const stop = start === -1 ? chunk.length : start;
				let garbage = 0;
				for (let k = i; k < stop; k++) if (chunk[k] !== CR && chunk[k] !== 0x0a) garbage++;
				if (garbage) out.push({ kind: 'garbage', bytes: garbage });
				if (start === -1) break;
				this.inside = true;
				i = start + 1;
				continue;
			}
			const end = chunk.indexOf(FS, i);
			const nextStart = chunk.indexOf(VT, i);
			if (nextStart !== -1 && (end === -1 || nextStart < end)) {
				// a new frame starts before this one ended: this one is lost
				this.add(chunk.subarray(i, nextStart));
				out.push({
					kind: 'bad',
					reason: 'frame ended without FS (a new VT arrived)',
					bytes: this.size,
				});
				this.reset();
				this.inside = true;
				i = nextStart + 1;
				continue;
			}
			this.add(chunk.subarray(i, end === -1 ? chunk.length : end));
			if (end === -1) break;
			out.push(
				this.oversize
					? {
							kind: 'bad',
							reason: `message larger than the ${this.maxBytes}-byte limit`,
							bytes: this.size,
						}
					: {
							kind: 'message',
							data: this.parts.length === 1 ? this.parts[0] : Buffer.concat(this.parts, this.size),
						},
			);
			this.reset();
			i = end + 1;
		}
		return out;
	}

	/** The connection ended: a frame still open is reported (it can no longer be answered). */
	end(): Frame[] {
		const open = this.inside
			? [{ kind: 'bad' as const, reason: 'connection closed inside a frame', bytes: this.size }]
			: [];
		this.reset();
		return open;
	}

	private add(part: Buffer) {
		this.size += part.length;
		if (this.oversize) return;
		if (this.size > this.maxBytes) {
			this.oversize = true;
			this.parts = [];
			return;
		}
		// chunks are copied: the socket may reuse its buffer
		if (part.length) this.parts.push(Buffer.from(part));
	}

	private reset() {
		this.inside = false;
		this.parts = [];
		this.size = 0;
		this.oversize = false;
	}
}
