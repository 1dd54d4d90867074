// The MLLP listener's framing and acknowledgment rules over real sockets (no n8n): what a sender
// sees for split frames, many frames per chunk, missing FS, garbage, big and oversize messages,
// slow senders, unparsable messages, TLS with client certificates, and a graceful close.
import net from 'node:net';
import tls from 'node:tls';

import type { AckCode } from '../../nodes/hl7/ack';
import type { Hl7Message } from '../../nodes/hl7/codec';
import { MllpClient } from '../../mllp/nodes/Mllp/client';
import { frame, MllpDecoder } from '../../mllp/nodes/Mllp/framing';
import { startMllpServer, type MllpServer } from '../../mllp/nodes/Mllp/server';

// eslint-disable-next-line @typescript-eslint/no-require-imports
const { testCertificate } = require('../../sandbox/testCert') as {
	testCertificate(cn?: string): { cert: string; key: string };
};
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { unframer } = require('../../sandbox/mllp') as {
	unframer(onFrame: (t: string) => void): (b: Buffer) => void;
};

const msg = (id: string, extra = '') =>
	`MSH|^~\\&|SND|FAC|RCV|FAC|20240101120000||ADT^A04|${id}|P|2.5.1\rPID|1||${id}^^^MRN||DOE^RICHARD${extra}\r`;
const field = (text: string, seg: string, n: number) =>
	text
		.split('\r')
		.find((l) => l.startsWith(seg))
		?.split('|')[n];

interface Harness {
	server: MllpServer;
	handed: string[];
	sizes: number[];
	warnings: string[];
}

const open: MllpServer[] = [];
afterEach(async () => {
	await Promise.all(open.splice(0).map((s) => s.close(0)));
});

async function listen(
	o: {
		maxBytes?: number;
		verdict?: (
			m: Hl7Message,
		) => Promise<{ code: AckCode; text?: string }> | { code: AckCode; text?: string };
		tls?: Parameters<typeof startMllpServer>[0]['tls'];
	} = {},
): Promise<Harness> {
	const handed: string[] = [];
	const sizes: number[] = [];
	const warnings: string[] = [];
	const server = await startMllpServer({
		host: '127.0.0.1',
		port: 0,
		maxBytes: o.maxBytes ?? 16 * 1024 * 1024,
		encoding: 'utf8',
		tls: o.tls,
		warn: (m) => warnings.push(m),
		onMessage: async (m, text) => {
			handed.push(m.get('MSH.10') ?? '');
			sizes.push(text.length);
			return o.verdict ? await o.verdict(m) : { code: 'AA' };
		},
	});
	open.push(server);
	return { server, handed, sizes, warnings };
}

/** A raw connection that collects every ACK frame it receives. */
async function rawClient(port: number, tlsOptions?: tls.ConnectionOptions) {
	const socket = tlsOptions
		? tls.connect({ host: '127.0.0.1', port, ...tlsOptions })
		: net.connect({ host: '127.0.0.1', port });
	await new Promise<void>((resolve, reject) => {
		socket.once(tlsOptions ? 'secureConnect' : 'connect', () => resolve());
		socket.once('error', reject);
	});
	const acks: string[] = [];
	const waiters: Array<() => void> = [];
	socket.on(
		'data',
		unframer((t) => {
			acks.push(t);
			waiters.splice(0).forEach((w) => w());
		}),
	);
	const waitFor = (n: number) =>
		new Promise<string[]>((resolve) => {
			const check = () => (acks.length >= n ? resolve(acks.slice()) : waiters.push(check));
			check();
		});
	return { socket, acks, waitFor };
}

const codes = (acks: string[]) => acks.map((a) => `${field(a, 'MSA', 1)}:${field(a, 'MSA', 2)}`);

describe('framing (decoder)', () => {
	test('every split point of a frame gives the same message', () => {
		const bytes = Buffer.concat([frame(msg('1')), frame(msg('2'))]);
		for (let cut = 0; cut <= bytes.length; cut++) {
			const d = new MllpDecoder(1e6);
			const frames = [...d.push(bytes.subarray(0, cut)), ...d.push(bytes.subarray(cut))];
			expect(frames.map((f) => (f.kind === 'message' ? f.data.toString() : f.kind))).toEqual([
				msg('1'),
				msg('2'),
			]);
		}
	});
	test('garbage outside frames is counted, CR/LF after FS is not', () => {
		const d = new MllpDecoder(1e6);
		expect(d.push(Buffer.from('\r\njunk'))).toEqual([{ kind: 'garbage', bytes: 4 }]);
	});
});

describe('the listener', () => {
	test('a frame split across many writes is one message', async () => {
		const h = await listen();
		const c = await rawClient(h.server.port);
		const bytes = frame(msg('S1'));
		for (const [a, b] of [
			[0, 1],
			[1, 20],
			[20, bytes.length - 2],
			[bytes.length - 2, bytes.length - 1],
			[bytes.length - 1, bytes.length],
		]) {
			c.socket.write(bytes.subarray(a, b));
			await new Promise((r) => setImmediate(r));
		}
		expect(codes(await c.waitFor(1))).toEqual(['AA:S1']);
		expect(h.handed).toEqual(['S1']);
		c.socket.destroy();
	});

	test('ACK control ids stay unique within a burst (simple-hl7 repeats them within a second)', async () => {
		const h = await listen();
		const c = await rawClient(h.server.port);
		c.socket.write(Buffer.concat(Array.from({ length: 300 }, (_, i) => frame(msg(`U${i}`)))));
		const acks = await c.waitFor(300);
		expect(new Set(acks.map((a) => field(a, 'MSH', 9))).size).toBe(300);
		expect(acks.every((a) => field(a, 'MSH', 11) === '2.5.1')).toBe(true); // the message's version, not a fixed one
		c.socket.destroy();
	});

	// node-hl7-server and simple-hl7 merge pipelined messages into one and drop a partial tail
	// (docs/development.md#mllp-engines)
	test('several messages in one chunk are handed over and acknowledged in order', async () => {
		const h = await listen({
			verdict: async (m) =>
				m.get('MSH.10') === 'M3' ? { code: 'AE', text: 'no such patient' } : { code: 'AA' },
		});
		const c = await rawClient(h.server.port);
		c.socket.write(Buffer.concat(['M1', 'M2', 'M3', 'M4', 'M5'].map((id) => frame(msg(id)))));
		const acks = await c.waitFor(5);
		expect(codes(acks)).toEqual(['AA:M1', 'AA:M2', 'AE:M3', 'AA:M4', 'AA:M5']);
		expect(field(acks[2], 'MSA', 3)).toBe('no such patient');
		expect(h.handed).toEqual(['M1', 'M2', 'M3', 'M4', 'M5']);
		c.socket.destroy();
	});

	test('a frame without FS gets an AR when the next frame starts; the next one is acknowledged', async () => {
		const h = await listen();
		const c = await rawClient(h.server.port);
		c.socket.write(
			Buffer.concat([Buffer.from([0x0b]), Buffer.from(msg('LOST')), frame(msg('N2'))]),
		);
		const acks = await c.waitFor(2);
		expect(acks.map((a) => field(a, 'MSA', 1))).toEqual(['AR', 'AA']);
		expect(field(acks[0], 'MSA', 3)).toMatch(/without FS/);
		expect(h.handed).toEqual(['N2']);
		expect(h.warnings.join('\n')).toMatch(/without FS/);
		expect(h.warnings.join('\n')).not.toMatch(/RICHARD/); // no message contents in logs
	});

	test('a connection closed inside a frame is logged, and the listener keeps serving', async () => {
		const h = await listen();
		const c = await rawClient(h.server.port);
		c.socket.end(Buffer.concat([Buffer.from([0x0b]), Buffer.from(msg('CUT'))]));
		await new Promise((r) => c.socket.once('close', r));
		expect(h.warnings.join('\n')).toMatch(/closed inside a frame/);
		const again = await rawClient(h.server.port);
		again.socket.write(frame(msg('OK')));
		expect(codes(await again.waitFor(1))).toEqual(['AA:OK']);
		again.socket.destroy();
	});

	test('garbage between frames is ignored with a log line', async () => {
		const h = await listen();
		const c = await rawClient(h.server.port);
		c.socket.write(
			Buffer.concat([
				Buffer.from('GET / HTTP/1.1\r\n'),
				frame(msg('G1')),
				Buffer.from('\x00\xffnoise'),
				frame(msg('G2')),
			]),
		);
		expect(codes(await c.waitFor(2))).toEqual(['AA:G1', 'AA:G2']);
		expect(h.warnings.filter((w) => /outside a frame/.test(w))).toHaveLength(2);
		c.socket.destroy();
	});

	test('a 10 MB message arrives whole', async () => {
		const h = await listen();
		const big = `MSH|^~\\&|SND|FAC|RCV|FAC|20240101120000||ORU^R01|BIG|P|2.5.1\rOBX|1|ED|PDF||^AP^^Base64^${'A'.repeat(10 * 1024 * 1024)}\r`;
		const c = await rawClient(h.server.port);
		c.socket.write(frame(big));
		expect(codes(await c.waitFor(1))).toEqual(['AA:BIG']);
		expect(h.sizes).toEqual([big.length]);
		c.socket.destroy();
	});

	test('an oversize message is refused with an AR at the limit; the connection goes on', async () => {
		const h = await listen({ maxBytes: 1024 * 1024 });
		const c = await rawClient(h.server.port);
		c.socket.write(
			Buffer.concat([frame(msg('HUGE', 'X'.repeat(2 * 1024 * 1024))), frame(msg('AFTER'))]),
		);
		const acks = await c.waitFor(2);
		expect(acks.map((a) => field(a, 'MSA', 1))).toEqual(['AR', 'AA']);
		expect(field(acks[0], 'MSA', 3)).toMatch(/1048576-byte limit/);
		expect(h.handed).toEqual(['AFTER']);
		c.socket.destroy();
	});

	test('a slow sender (one byte per write) is served', async () => {
		const h = await listen();
		const c = await rawClient(h.server.port);
		const bytes = frame(msg('SLOW'));
		for (let i = 0; i < bytes.length; i++) {
			c.socket.write(bytes.subarray(i, i + 1));
			await new Promise((r) => setTimeout(r, 1));
		}
		expect(codes(await c.waitFor(1))).toEqual(['AA:SLOW']);
		c.socket.destroy();
	});

	test('an unparsable message gets an AR and a log line, never a crash', async () => {
		const h = await listen();
		const c = await rawClient(h.server.port);
		c.socket.write(
			Buffer.concat([
				frame('not hl7 at all'),
				frame(`${msg('X')}PID|1||SECRET\rsecret stray line\r`),
				frame(msg('FINE')),
			]),
		);
		const acks = await c.waitFor(3);
		expect(acks.map((a) => field(a, 'MSA', 1))).toEqual(['AR', 'AR', 'AA']);
		expect(field(acks[1], 'MSA', 3)).toMatch(/is not a segment/);
		expect(h.warnings.join('\n')).toMatch(/unparsable/);
		expect(h.warnings.join('\n')).not.toMatch(/secret/i); // the reason is logged, not the text
		expect(h.handed).toEqual(['FINE']);
		c.socket.destroy();
	});

	test('nothing is acknowledged before it is handed over, and each waits for the verdict before the next', async () => {
		const order: string[] = [];
		let release: () => void = () => {};
		const h = await listen({
			verdict: (m) => {
				order.push(`handed ${m.get('MSH.10')}, ${c.acks.length} ACKs seen`);
				if (m.get('MSH.10') !== 'W1') return { code: 'AA' };
				order.push('W1 waits');
				return new Promise((r) => (release = () => (order.push('W1 answered'), r({ code: 'AA' }))));
			},
		});
		const c = await rawClient(h.server.port);
		c.socket.write(Buffer.concat([frame(msg('W1')), frame(msg('W2'))]));
		while (!order.length) await new Promise((r) => setImmediate(r));
		release();
		expect(codes(await c.waitFor(2))).toEqual(['AA:W1', 'AA:W2']);
		// W2 is handed over only after W1's verdict; W1 had no ACK before it was handed over
		expect(order).toEqual([
			'handed W1, 0 ACKs seen',
			'W1 waits',
			'W1 answered',
			expect.stringMatching(/^handed W2/),
		]);
		c.socket.destroy();
	});

	test('close answers what was handed over, leaves the rest for the sender to re-send', async () => {
		let release: () => void = () => {};
		const h = await listen({
			verdict: (m) =>
				m.get('MSH.10') === 'C1'
					? new Promise((r) => (release = () => r({ code: 'AA' })))
					: { code: 'AA' },
		});
		const c = await rawClient(h.server.port);
		c.socket.write(Buffer.concat([frame(msg('C1')), frame(msg('C2'))]));
		while (!h.handed.length) await new Promise((r) => setImmediate(r));
		const closed = h.server.close(60000);
		release();
		await closed;
		await new Promise((r) => (c.socket.destroyed ? r(undefined) : c.socket.once('close', r)));
		expect(codes(c.acks)).toEqual(['AA:C1']);
		expect(h.handed).toEqual(['C1']);
	});

	test('enhanced mode: MSH-16 NE gets the accept ACK MSH-15 asks for; MSH-15 and MSH-16 NE get none', async () => {
		const h = await listen();
		const c = await rawClient(h.server.port);
		c.socket.write(
			Buffer.concat([
				frame('MSH|^~\\&|S|F|R|F|20240101||ADT^A04|CA1|P|2.5|||AL|NE\r'),
				frame('MSH|^~\\&|S|F|R|F|20240101||ADT^A04|NE1|P|2.5|||NE|NE\r'),
				frame('MSH|^~\\&|S|F|R|F|20240101||ADT^A04|AL1|P|2.5|||AL|AL\r'),
				frame(msg('AFTER')),
			]),
		);
		expect(codes(await c.waitFor(3))).toEqual(['CA:CA1', 'AA:AL1', 'AA:AFTER']);
		expect(h.handed).toEqual(['CA1', 'NE1', 'AL1', 'AFTER']);
		c.socket.destroy();
	});
});

describe('MLLPS', () => {
	const server = testCertificate('localhost');
	const client = testCertificate('sender');

	test('TLS with a client-certificate check: a sender without the certificate is refused, one with it is served', async () => {
		const h = await listen({ tls: { ...server, ca: client.cert, requestCert: true } });
		const bare = tls.connect({
			host: '127.0.0.1',
			port: h.server.port,
			ca: server.cert,
			servername: 'localhost',
		});
		bare.on('data', () => {});
		const refused = await new Promise<boolean>((resolve) => {
			bare.once('error', () => resolve(true));
			bare.once('close', () => resolve(true));
			bare.once('secureConnect', () => bare.write(frame(msg('NOPE'))));
		});
		expect(refused).toBe(true);
		const c = await MllpClient.connect({
			host: '127.0.0.1',
			port: h.server.port,
			tls: {
				ca: server.cert,
				cert: client.cert,
				key: client.key,
				rejectUnauthorized: true,
				servername: 'localhost',
			},
			encoding: 'utf8',
			maxBytes: 1e6,
			connectTimeoutMs: 10000,
		});
		expect(field(await c.send(msg('T1'), 10000), 'MSA', 1)).toBe('AA');
		c.close();
		expect(h.handed).toEqual(['T1']);
	});

	test('MllpClient refuses an untrusted server certificate', async () => {
		const h = await listen({ tls: server });
		await expect(
			MllpClient.connect({
				host: '127.0.0.1',
				port: h.server.port,
				tls: { rejectUnauthorized: true },
				encoding: 'utf8',
				maxBytes: 1e6,
				connectTimeoutMs: 10000,
			}),
		).rejects.toThrow(/self.signed|certificate/i);
	});
});
