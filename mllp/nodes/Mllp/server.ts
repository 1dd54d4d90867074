// The MLLP listener behind the trigger: frames in, one ACK out per frame, in order per connection.
// A frame is handed to `onMessage` only after the previous one on its connection was answered, so
// what a sender sees acknowledged is always a prefix of what it sent.
import net from 'node:net';
import tls from 'node:tls';

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
}

export interface MllpServer {
	port: number;
	/** Stops accepting; answers what was already handed over (up to graceMs), then closes connections. */
	close(graceMs: number): Promise<void>;
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
	let closing = false;

	const onConnection = (socket: net.Socket) => {
		sockets.add(socket);
		socket.setNoDelay(true);
		const peer = { address: socket.remoteAddress, port: socket.remotePort };
		const decoder = new MllpDecoder(o.maxBytes);
		let chain: Promise<unknown> = Promise.resolve();
		const answer = (ack: string | undefined) => {
			if (ack !== undefined && !socket.destroyed) socket.write(frame(ack, o.encoding));
		};
		const handle = async (data: Buffer): Promise<string | undefined> => {
			const text = data.toString(o.encoding);
			let message: Hl7Message;
			try {
				message = Hl7Message.parse(text);
			} catch (error) {
				// the codec quotes the offending text; the log keeps only the reason (no message contents)
				o.warn(
					`MLLP: rejected an unparsable message (${data.length} bytes) from ${peer.address}: ${error instanceof Hl7Error ? error.message.replace(/"[^"]*"/g, '"…"').slice(0, 200) : 'not HL7'}`,
				);
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
			for (const f of decoder.push(chunk)) {
				if (f.kind === 'garbage') {
					o.warn(`MLLP: ignored ${f.bytes} bytes outside a frame from ${peer.address}`);
					continue;
				}
				if (f.kind === 'bad')
					o.warn(`MLLP: rejected a frame (${f.bytes} bytes) from ${peer.address}: ${f.reason}`);
				const job = chain.then(() => {
					// once closing, frames not yet handed over stay unanswered: the sender re-sends them
					if (closing) return;
					return (f.kind === 'bad' ? Promise.resolve(rejection(f.reason)) : handle(f.data)).then(
						answer,
					);
				});
				chain = job.catch((error) => {
					o.warn(`MLLP: closing a connection from ${peer.address}: ${(error as Error).message}`);
					socket.destroy();
				});
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
