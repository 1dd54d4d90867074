// The listener's limits over real sockets: idle timeout, connection cap, the cap on bytes held by
// unfinished frames across connections, MSH-18 (a message whose bytes do not decode in the declared
// or configured character set is refused with AR, not mangled), and pause/resume (back-pressure).
import net from 'node:net';

import { frame } from '../../mllp/nodes/Mllp/framing';
import {
	declaredCharset,
	decodeMessage,
	startMllpServer,
	type MllpServer,
	type MllpServerOptions,
} from '../../mllp/nodes/Mllp/server';

// eslint-disable-next-line @typescript-eslint/no-require-imports
const { unframer } = require('../../sandbox/mllp') as {
	unframer(onFrame: (t: string) => void): (b: Buffer) => void;
};

const msg = (id: string, name = 'DOE', charset = '') =>
	`MSH|^~\\&|SND|FAC|RCV|FAC|20240101120000||ADT^A04|${id}|P|2.5.1||||||${charset}\rPID|1||${id}^^^MRN||${name}^RICHARD\r`;
const msa = (ack: string) =>
	ack
		.split('\r')
		.find((l) => l.startsWith('MSA'))
		?.split('|')
		.slice(1, 4)
		.join(':');

const open: MllpServer[] = [];
afterEach(async () => {
	await Promise.all(open.splice(0).map((s) => s.close(0)));
});

async function listen(o: Partial<MllpServerOptions> = {}) {
	const handed: string[] = [];
	const texts: string[] = [];
	const warnings: string[] = [];
	const diagnostics: string[] = [];
	const server = await startMllpServer({
		host: '127.0.0.1',
		port: 0,
		maxBytes: 16 * 1024 * 1024,
		encoding: 'utf8',
		warn: (m) => warnings.push(m),
		diagnostic: (reason) => diagnostics.push(reason),
		onMessage: async (m, text) => {
			handed.push(m.get('MSH.10') ?? '');
			texts.push(text);
			return { code: 'AA' };
		},
		...o,
	});
	open.push(server);
	return { server, handed, texts, warnings, diagnostics };
}

async function client(port: number) {
	const socket = net.connect({ host: '127.0.0.1', port });
	const acks: string[] = [];
	let closed = false;
	socket.on('close', () => (closed = true));
	socket.on('error', () => {});
	socket.on(
		'data',
		unframer((t) => acks.push(t)),
	);
	await new Promise<void>((r, j) => {
		socket.once('connect', () => r());
		socket.once('error', j);
	});
	return { socket, acks, closed: () => closed };
}

const until = async (check: () => boolean, ms = 5000) => {
	const end = Date.now() + ms;
	while (!check()) {
		if (Date.now() > end) throw new Error('condition not met in time');
		await new Promise((r) => setTimeout(r, 5));
	}
};

test('an idle connection is closed after the idle timeout, with a log line', async () => {
	const h = await listen({ idleTimeoutMs: 200 });
	const c = await client(h.server.port);
	c.socket.write(frame(msg('I1')));
	await until(() => c.acks.length === 1);
	await until(() => c.closed(), 2000);
	expect(h.warnings.join()).toMatch(/idle for 0.2 s/);
});

test('a connection whose message is still being handled is not idle; it is closed once idle after', async () => {
	const h = await listen({
		idleTimeoutMs: 150,
		onMessage: async () => {
			await new Promise((r) => setTimeout(r, 500));
			return { code: 'AA' };
		},
	});
	const c = await client(h.server.port);
	c.socket.write(frame(msg('I2')));
	await until(() => c.acks.length === 1);
	expect(c.closed()).toBe(false);
	await until(() => c.closed(), 2000);
});

test('connections past the cap are closed at once with a log line; the others keep working', async () => {
	const h = await listen({ maxConnections: 2 });
	const a = await client(h.server.port);
	const b = await client(h.server.port);
	const c = await client(h.server.port);
	await until(() => c.closed());
	expect(h.warnings.join()).toMatch(/2 connections are open \(the cap\)/);
	a.socket.write(frame(msg('K1')));
	b.socket.write(frame(msg('K2')));
	await until(() => a.acks.length === 1 && b.acks.length === 1);
	expect(h.server.connections).toBe(2);
});

test('unfinished frames across connections past the cap: the connection that passes it is closed', async () => {
	const h = await listen({ maxPendingBytes: 100000 });
	const a = await client(h.server.port);
	const b = await client(h.server.port);
	a.socket.write(Buffer.concat([Buffer.from([0x0b]), Buffer.alloc(60000, 0x41)]));
	await new Promise((r) => setTimeout(r, 50));
	b.socket.write(Buffer.concat([Buffer.from([0x0b]), Buffer.alloc(60000, 0x41)]));
	await until(() => b.closed());
	expect(a.closed()).toBe(false);
	expect(h.warnings.join()).toMatch(/unfinished frames across connections/);
	// once the first frame ends, its connection goes on
	a.socket.write(Buffer.from([0x1c, 0x0d]));
	a.socket.write(frame(msg('P1')));
	await until(() => a.acks.length === 2);
	expect(msa(a.acks[1])).toMatch(/^AA:P1/);
});

describe('MSH-18', () => {
	test('read from the raw bytes', () => {
		expect(declaredCharset(Buffer.from(msg('1', 'X', 'UNICODE UTF-8')))).toBe('UNICODE UTF-8');
		expect(declaredCharset(Buffer.from(msg('1', 'X', '8859/1~UNICODE UTF-8')))).toBe('8859/1');
		expect(declaredCharset(Buffer.from(msg('1')))).toBeUndefined();
	});

	test('a Latin-1 message that declares 8859/1 is decoded as Latin-1 on a UTF-8 listener', async () => {
		const h = await listen();
		const c = await client(h.server.port);
		c.socket.write(frame(Buffer.from(msg('L1', 'MÜLLER', '8859/1'), 'latin1')));
		await until(() => c.acks.length === 1);
		expect(msa(c.acks[0])).toMatch(/^AA:L1/);
		expect(h.texts[0]).toMatch(/MÜLLER/);
	});

	test('Latin-1 bytes on a UTF-8 listener without MSH-18: AR with the reason, not mangled', async () => {
		const h = await listen();
		const c = await client(h.server.port);
		c.socket.write(frame(Buffer.from(msg('L2', 'MÜLLER'), 'latin1')));
		await until(() => c.acks.length === 1);
		expect(msa(c.acks[0])).toMatch(/^AR::The bytes do not decode as UTF-8/);
		expect(h.handed).toEqual([]);
		expect(h.diagnostics).toEqual(['The bytes do not decode as UTF-8']);
		expect(h.warnings.join()).not.toMatch(/M.LLER/);
	});

	test('declared UTF-8 with Latin-1 bytes, and an unknown character set: AR', () => {
		expect(
			decodeMessage(Buffer.from(msg('1', 'MÜLLER', 'UNICODE UTF-8'), 'latin1'), 'latin1'),
		).toEqual({
			error: 'The bytes do not decode as UNICODE UTF-8 (MSH-18)',
		});
		expect(decodeMessage(Buffer.from(msg('1', 'X', 'KLINGON')), 'utf8')).toEqual({
			error: 'Character set KLINGON (MSH-18) is not supported',
		});
		expect(decodeMessage(Buffer.from(msg('1', 'MÜLLER'), 'utf8'), 'utf8')).toEqual({
			text: msg('1', 'MÜLLER'),
		});
		expect(decodeMessage(Buffer.from(msg('1', 'MÜLLER', 'ASCII'), 'latin1'), 'utf8')).toMatchObject(
			{
				error: expect.stringMatching(/does not decode as ASCII/),
			},
		);
	});
});

test('pause stops reading (the sender waits, nothing refused); resume answers what waited', async () => {
	const h = await listen();
	const c = await client(h.server.port);
	h.server.pause();
	c.socket.write(frame(msg('W1')));
	await new Promise((r) => setTimeout(r, 150));
	expect(c.acks).toHaveLength(0);
	expect(h.server.paused).toBe(true);
	h.server.resume();
	await until(() => c.acks.length === 1);
	expect(msa(c.acks[0])).toMatch(/^AA:W1/);
});
