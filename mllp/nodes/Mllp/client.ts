// One MLLP connection for MLLP Send: write a frame, read the next frame back as its ACK.
import net from 'node:net';
import tls from 'node:tls';

import { frame, MllpDecoder } from './framing';
import type { TlsMaterial } from './tlsOptions';

export interface MllpClientOptions {
	host: string;
	port: number;
	tls?: Partial<TlsMaterial> & { rejectUnauthorized: boolean; servername?: string };
	encoding: BufferEncoding;
	maxBytes: number;
	connectTimeoutMs: number;
}

export class MllpClient {
	private waiting?: { resolve(text: string): void; reject(error: Error): void };
	private failure?: Error;

	private constructor(
		private readonly socket: net.Socket,
		private readonly encoding: BufferEncoding,
		maxBytes: number,
	) {
		const decoder = new MllpDecoder(maxBytes);
		socket.on('data', (chunk: Buffer) => {
			for (const f of decoder.push(chunk)) {
				if (f.kind === 'message') this.settle(undefined, f.data.toString(encoding));
				else if (f.kind === 'bad')
					this.settle(new Error(`The answer could not be read: ${f.reason}`));
			}
		});
		socket.on('error', (error) => this.settle(error));
		socket.on('close', () =>
			this.settle(new Error('The connection closed before an acknowledgment arrived')),
		);
	}

	static connect(o: MllpClientOptions): Promise<MllpClient> {
		return new Promise((resolve, reject) => {
			const socket = o.tls
				? tls.connect({
						host: o.host,
						port: o.port,
						servername: o.tls.servername || (net.isIP(o.host) ? undefined : o.host),
						ca: o.tls.ca,
						cert: o.tls.cert || undefined,
						key: o.tls.key || undefined,
						passphrase: o.tls.passphrase,
						rejectUnauthorized: o.tls.rejectUnauthorized,
					})
				: net.connect({ host: o.host, port: o.port });
			const timer = setTimeout(
				() =>
					socket.destroy(
						new Error(
							`Could not connect to ${o.host}:${o.port} within ${o.connectTimeoutMs / 1000} s`,
						),
					),
				o.connectTimeoutMs,
			);
			const fail = (error: Error) => {
				clearTimeout(timer);
				reject(error);
			};
			socket.once('error', fail);
			socket.once(o.tls ? 'secureConnect' : 'connect', () => {
				clearTimeout(timer);
				socket.off('error', fail);
				socket.setNoDelay(true);
				resolve(new MllpClient(socket, o.encoding, o.maxBytes));
			});
		});
	}

	/** Sends one message and resolves with the next frame the peer sends (its ACK). */
	send(text: string, timeoutMs: number): Promise<string> {
		if (this.failure) return Promise.reject(this.failure);
		return new Promise<string>((resolve, reject) => {
			const timer = setTimeout(() => {
				this.waiting = undefined;
				// a late ACK would be taken for the next message's: this connection is done
				this.socket.destroy();
				reject(new Error(`No acknowledgment within ${timeoutMs / 1000} s`));
			}, timeoutMs);
			this.waiting = {
				resolve: (t) => (clearTimeout(timer), resolve(t)),
				reject: (e) => (clearTimeout(timer), reject(e)),
			};
			this.socket.write(frame(text, this.encoding));
		});
	}

	close(): void {
		this.socket.end();
	}

	private settle(error: Error | undefined, text?: string) {
		const w = this.waiting;
		this.waiting = undefined;
		if (error) this.failure ??= error;
		if (!w) return;
		if (error) w.reject(error);
		else w.resolve(text!);
	}
}
