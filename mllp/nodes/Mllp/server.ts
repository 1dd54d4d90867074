// The MLLP listener behind the trigger: frames in, one ACK out per frame, in order per connection.
// A frame is handed to `onMessage` only after the previous one on its connection was answered, so
// what a sender sees acknowledged is always a prefix of what it sent.
import net from 'node:net';
import tls from 'node:tls';
import { TextDecoder } from 'node:util';

import { createAck, hl7Timestamp, type AckCode } from '../hl7/ack';
import { Hl7Error, Hl7Message } from '../hl7/codec';
import { frame, MllpDecoder } from './framing';
import type { TlsMaterial } from './tlsOptions';

export interface MllpServerOptions {
	host: string;
	port: number;
	tls?: TlsMaterial & { requestCert?: boolean };
	maxBytes: number;
	encoding: BufferEncoding;
	/** Hands a parsed message over; resolves with the application's verdict, or undefined when it was not taken (no ACK: the sender re-sends). */
	onMessage(
		message: Hl7Message,
		text: string,
		peer: { address?: string; port?: number },
	): Promise<{ code: AckCode; text?: string } | undefined>;
	/** Problems worth a log line; never message contents. */
	warn(message: string): void;
	/** Close a connection with no traffic for this long, unless a message of it is still being handled (0 = never). */
	idleTimeoutMs?: number;
	/** Connections beyond this many are closed at once with a log line (0 = no cap). */
	maxConnections?: number;
	/** Bytes held by unfinished frames across all connections; the connection that passes it is closed. */
	maxPendingBytes?: number;
	/** Reports what the application should see without the message: refused frames, undecodable bytes. */
	diagnostic?(reason: string, peer: { address?: string; port?: number }, controlId?: string): void;
}

export interface MllpServer {
	port: number;
	/** Stops accepting; answers what was already handed over (up to graceMs), then closes connections. */
	close(graceMs: number): Promise<void>;
	/** Stops reading from every connection (TCP back-pressure: senders wait, nothing is refused). */
	pause(): void;
	resume(): void;
	readonly paused: boolean;
	readonly connections: number;
}

/** The character set a message declares in MSH-18 (first repetition), read from its raw bytes. */
export function declaredCharset(data: Buffer): string | undefined {
	// MSH|^~\&|... : the field separator is the byte after "MSH"; MSH-18 is the 17th separator on
	if (data.length < 8 || data.toString('latin1', 0, 3) !== 'MSH') return undefined;
	const sep = data[3];
	let end = data.indexOf(0x0d);
	if (end === -1) end = data.length;
	let at = 3;
	for (let n = 1; n < 17; n++) {
		at = data.indexOf(sep, at + 1);
		if (at === -1 || at >= end) return undefined;
	}
	let stop = data.indexOf(sep, at + 1);
	if (stop === -1 || stop > end) stop = end;
	const value = data.toString('latin1', at + 1, stop);
	const rep = value.split(data.toString('latin1', 5, 6) || '~')[0].trim();
	return rep || undefined;
}

const LABELS: Record<string, string> = {
	'UNICODE UTF-8': 'utf-8',
	UTF8: 'utf-8',
	'UTF-8': 'utf-8',
	'8859/1': 'latin1',
	'8859/2': 'iso-8859-2',
	'8859/3': 'iso-8859-3',
	'8859/4': 'iso-8859-4',
	'8859/5': 'iso-8859-5',
	'8859/6': 'iso-8859-6',
	'8859/7': 'iso-8859-7',
	'8859/8': 'iso-8859-8',
	'8859/9': 'iso-8859-9',
	'8859/15': 'iso-8859-15',
	ASCII: 'ascii',
};

const decoders = new Map<string, TextDecoder>();
/**
 * The message text in its declared character set (MSH-18), or the configured one when none is
 * declared; an error when the bytes do not decode in it (answered AR rather than mangled).
 */
export function decodeMessage(
	data: Buffer,
	configured: BufferEncoding,
): { text: string } | { error: string } {
	const declared = declaredCharset(data);
	const label = declared
		? LABELS[declared.toUpperCase()]
		: configured === 'latin1'
			? 'latin1'
			: 'utf-8';
	if (!label)
		return { error: `Character set ${(declared ?? '').slice(0, 40)} (MSH-18) is not supported` };
	const named = declared ? `${declared.slice(0, 40)} (MSH-18)` : label.toUpperCase();
	if (label === 'latin1') return { text: data.toString('latin1') };
	if (label === 'ascii') {
		for (let i = 0; i < data.length; i++)
			if (data[i] > 0x7f) return { error: `Byte ${i} does not decode as ${named}` };
		return { text: data.toString('latin1') };
	}
	let decoder = decoders.get(label);
	try {
		if (!decoder) decoders.set(label, (decoder = new TextDecoder(label, { fatal: true })));
		return { text: decoder.decode(data) };
	} catch (error) {
		return {
			error:
				error instanceof RangeError
					? `Character set ${named} is not supported here`
					: `The bytes do not decode as ${named}`,
		};
	}
}

const COMMIT: Partial<Record<AckCode, AckCode>> = { AA: 'CA', AE: 'CE', AR: 'CR' };

let ackCounter = 0;
const controlId = () => `ACK${Date.now()}${String(++ackCounter % 1000).padStart(3, '0')}`;

/** An AR for a frame that has no usable MSH to answer from. */
function rejection(reason: string): string {
	const text = reason.replace(/[|^~\\&\r\n]/g, ' ');
	return `MSH|^~\\&|||||${hl7Timestamp()}||ACK|${controlId()}|P|2.5\rMSA|AR||${text}\r`;
}

export async function startMllpServer(o: MllpServerOptions): Promise<MllpServer> {
	const sockets = new Set<net.Socket>();
	/** The last job of each connection: it settles after every earlier one on that connection. */
	const tails = new Map<net.Socket, Promise<unknown>>();
	/** bytes of unfinished frames per connection */
	const pendingBytes = new Map<net.Socket, number>();
	let pendingTotal = 0;
	let closing = false;
	let paused = false;

	const onConnection = (socket: net.Socket) => {
		const peer = { address: socket.remoteAddress, port: socket.remotePort };
		if (o.maxConnections && sockets.size >= o.maxConnections) {
			o.warn(
				`MLLP: refused a connection from ${peer.address}: ${o.maxConnections} connections are open (the cap)`,
			);
			o.diagnostic?.('connection cap reached', peer);
			socket.destroy();
			return;
		}
		sockets.add(socket);
		socket.setNoDelay(true);
		if (paused) socket.pause();
		const decoder = new MllpDecoder(o.maxBytes);
		let chain: Promise<unknown> = Promise.resolve();
		let busy = 0;
		if (o.idleTimeoutMs) {
			socket.setTimeout(o.idleTimeoutMs);
			// 'on', not setTimeout's callback (that one is called once only)
			socket.on('timeout', () => {
				// a connection waiting on its execution, or held by back-pressure, is not idle: look again later
				if (busy || paused) return void socket.setTimeout(o.idleTimeoutMs!);
				o.warn(
					`MLLP: closed a connection from ${peer.address} idle for ${o.idleTimeoutMs! / 1000} s`,
				);
				socket.destroy();
			});
		}
		const settled = () => {
			busy--;
		};
		const failed = (error: Error) => {
			busy--;
			o.warn(`MLLP: closing a connection from ${peer.address}: ${error.message}`);
			socket.destroy();
		};
		const answer = (ack: string | undefined) => {
			if (ack !== undefined && !socket.destroyed) socket.write(frame(ack, o.encoding));
		};
		const handle = async (data: Buffer): Promise<string | undefined> => {
			const decoded = decodeMessage(data, o.encoding);
			if ('error' in decoded) {
				o.warn(
					`MLLP: rejected a message (${data.length} bytes) from ${peer.address}: ${decoded.error}`,
				);
				o.diagnostic?.(decoded.error, peer);
				return rejection(decoded.error);
			}
			const text = decoded.text;
			let message: Hl7Message;
			try {
				message = Hl7Message.parse(text);
			} catch (error) {
				// the codec quotes the offending text; the log keeps only the reason (no message contents)
				const reason =
					error instanceof Hl7Error
						? error.message.replace(/"[^"]*"/g, '"…"').slice(0, 200)
						: 'not HL7';
				o.warn(
					`MLLP: rejected an unparsable message (${data.length} bytes) from ${peer.address}: ${reason}`,
				);
				o.diagnostic?.(`unparsable: ${reason}`, peer);
				return rejection(error instanceof Hl7Error ? error.message : 'The message is not HL7');
			}
			const verdict = await o.onMessage(message, text, peer);
			if (!verdict) return undefined;
			const ack = createAck(message, {
				code: verdict.code,
				text: verdict.text,
				controlId: controlId(),
			});
			if (ack.required) return ack.message;
			// enhanced mode, no application ACK wanted (MSH-16): the accept ACK MSH-15 asks for, if any,
			// so a sender waiting for its commit acknowledgment is answered
			const commit = createAck(message, {
				code: COMMIT[verdict.code] ?? 'CR',
				text: verdict.text,
				controlId: controlId(),
			});
			return commit.required ? commit.message : undefined;
		};
		socket.on('data', (chunk: Buffer) => {
			const frames = decoder.push(chunk);
			if (o.maxPendingBytes) {
				const now = decoder.pending;
				pendingTotal += now - (pendingBytes.get(socket) ?? 0);
				pendingBytes.set(socket, now);
				if (pendingTotal > o.maxPendingBytes && now > 0) {
					o.warn(
						`MLLP: closed a connection from ${peer.address}: unfinished frames across connections hold more than ${o.maxPendingBytes} bytes`,
					);
					o.diagnostic?.('unfinished frames past the memory cap', peer);
					socket.destroy();
					return;
				}
			}
			for (const f of frames) {
				if (f.kind === 'garbage') {
					o.warn(`MLLP: ignored ${f.bytes} bytes outside a frame from ${peer.address}`);
					continue;
				}
				if (f.kind === 'bad') {
					o.warn(`MLLP: rejected a frame (${f.bytes} bytes) from ${peer.address}: ${f.reason}`);
					o.diagnostic?.(`refused frame: ${f.reason}`, peer);
				}
				// once closing, frames not yet handed over stay unanswered: the sender re-sends them
				const job = () =>
					closing
						? undefined
						: (f.kind === 'bad' ? Promise.resolve(rejection(f.reason)) : handle(f.data)).then(
								answer,
							);
				// nothing of this connection in hand: at once; else after the one before (in order)
				chain = (busy++ ? chain.then(job) : Promise.resolve(job())).then(settled, failed);
				tails.set(socket, chain);
			}
		});
		socket.on('end', () => {
			for (const f of decoder.end())
				o.warn(
					`MLLP: dropped a frame (${f.kind === 'bad' ? f.bytes : 0} bytes) from ${peer.address}: ${f.kind === 'bad' ? f.reason : ''}`,
				);
			void chain.then(() => socket.end());
		});
		socket.on('error', () => socket.destroy());
		socket.on('close', () => {
			sockets.delete(socket);
			tails.delete(socket);
			pendingTotal -= pendingBytes.get(socket) ?? 0;
			pendingBytes.delete(socket);
		});
	};

	// half-open: a sender that ends its side right after its last frame still gets the ACKs
	const server = o.tls
		? tls.createServer(
				{
					allowHalfOpen: true,
					cert: o.tls.cert,
					key: o.tls.key,
					passphrase: o.tls.passphrase,
					ca: o.tls.ca || undefined,
					requestCert: Boolean(o.tls.requestCert),
					rejectUnauthorized: Boolean(o.tls.requestCert),
				},
				onConnection,
			)
		: net.createServer({ allowHalfOpen: true }, onConnection);
	server.on('tlsClientError', (error: Error) =>
		o.warn(`MLLP: TLS handshake failed: ${error.message}`),
	);
	// every TCP connection, handshakes still under way included, so close() can end them all
	const raw = new Set<net.Socket>();
	server.on('connection', (s: net.Socket) => {
		raw.add(s);
		s.on('close', () => raw.delete(s));
	});
	await new Promise<void>((resolve, reject) => {
		server.once('error', reject);
		server.listen(o.port, o.host, () => {
			server.off('error', reject);
			resolve();
		});
	});
	server.on('error', (error) => o.warn(`MLLP: listener error: ${error.message}`));

	return {
		port: (server.address() as net.AddressInfo).port,
		pause() {
			paused = true;
			for (const s of sockets) s.pause();
		},
		resume() {
			paused = false;
			if (!closing) for (const s of sockets) s.resume();
		},
		get paused() {
			return paused;
		},
		get connections() {
			return sockets.size;
		},
		async close(graceMs: number) {
			closing = true;
			const closed = new Promise<void>((resolve) => server.close(() => resolve()));
			for (const s of sockets) s.pause();
			const within = async (ms: number, work: Promise<unknown>) => {
				let timer: NodeJS.Timeout | undefined;
				await Promise.race([work, new Promise((resolve) => (timer = setTimeout(resolve, ms)))]);
				clearTimeout(timer);
			};
			await within(graceMs, Promise.allSettled([...tails.values()]));
			// end (not destroy) first, so the last ACKs written are flushed; frames read from now on are dropped
			await within(
				1000,
				Promise.all(
					[...sockets].map((s) => {
						const gone = new Promise((resolve) => s.once('close', resolve));
						s.resume();
						s.end();
						return gone;
					}),
				),
			);
			for (const s of [...sockets, ...raw]) s.destroy();
			await closed;
		},
	};
}
