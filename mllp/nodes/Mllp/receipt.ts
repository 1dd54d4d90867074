// After Storing's receiving side: the listener, the journal, the duplicate window and back-pressure,
// with nothing of n8n in it, so that it runs on a thread of its own (receiptWorker.ts). An ACK then
// waits only for its message's flush to disk, never for the workflow executions that run on n8n's
// thread (mllp/README.md#after-storing). The trigger gets each stored message (`stored`) and reports
// back which ones its executions have finished (`delivered`).
import fs from 'node:fs';
import path from 'node:path';
import { Worker } from 'node:worker_threads';

import { Hl7Message } from '../hl7/codec';
import type { Verdict } from './dispatcher';
import { openJournal } from './journal';
import { backPressure } from './pressure';
import { startMllpServer, type MllpServer, type MllpServerOptions } from './server';

export type Peer = { address?: string; port?: number };

/** What makes a message a duplicate (mllp/README.md#duplicates): sending application, facility, MSH-10. */
export function duplicateKey(message: Hl7Message): string {
	return `${message.get('MSH.3') ?? ''}|${message.get('MSH.4') ?? ''}|${message.get('MSH.10') ?? ''}`;
}

/** The answer to a duplicate: the earlier AA again, or AR when the trigger is set to refuse them. */
export function duplicateAnswer(reject: boolean, earlier: string): Verdict {
	return reject
		? { code: 'AR', text: `Duplicate of a message received earlier (${earlier})` }
		: { code: 'AA' };
}

/** Plain data only: it is copied to the receiving thread. */
export interface ReceiptConfig {
	server: Omit<MllpServerOptions, 'onMessage' | 'warn' | 'diagnostic'>;
	journalFolder: string;
	retentionMb?: number;
	retentionHours?: number;
	/** duplicates: (MSH-3, MSH-4, MSH-10) seen within this window (0 = not recognised) */
	duplicateWindowMs: number;
	/** a duplicate is answered AR (else the earlier AA again) */
	rejectDuplicates: boolean;
	/** back-pressure: stop reading past this many messages in a minute (0 = no cap) */
	maxPerMinute: number;
	/** back-pressure: stop reading past this many stored messages not yet delivered */
	maxBacklog: number;
	/** the journal writes and flushes on this thread (set on the receiving thread of its own) */
	syncFlush?: boolean;
}

export interface StoredMessage {
	seq: number;
	text: string;
	peer: Peer;
	receivedAt: string;
}

export interface ReceiptHooks {
	/**
	 * A message is on disk: hand it to a workflow execution. Messages stored before this start and not
	 * delivered come first (before the listener accepts anything), then new ones as they are stored.
	 */
	stored(message: StoredMessage): void;
	log(level: 'info' | 'warn', text: string): void;
	diagnostic(reason: string, peer: Peer, controlId?: string): void;
	/** The receiving thread stopped by itself (nothing is received from now on). */
	failed(error: Error): void;
}

export interface Receipt {
	port: number;
	/** Their executions have finished (failed ones included): not handed over again. */
	delivered(seqs: number[]): void;
	/** Stops accepting messages; answers those already stored (up to graceMs), closes connections. */
	closeListener(graceMs: number): Promise<void>;
	/** Writes the last delivered marks and closes the journal. */
	close(): Promise<void>;
}

/** The receiving side on this thread. */
export async function startReceipt(cfg: ReceiptConfig, hooks: ReceiptHooks): Promise<Receipt> {
	const j = await openJournal(cfg.journalFolder, {
		retentionMb: cfg.retentionMb,
		retentionHours: cfg.retentionHours,
		duplicateWindowMs: cfg.duplicateWindowMs,
		syncFlush: cfg.syncFlush,
		warn: (m) => hooks.log('warn', m),
	}).catch((error: Error) =>
		Promise.reject(new Error(`The MLLP journal folder cannot be used: ${error.message}`)),
	);

	let server: MllpServer | undefined = undefined;
	const pressure = backPressure({
		maxPerMinute: cfg.maxPerMinute,
		maxBacklog: cfg.maxBacklog,
		backlog: () => j.backlog(),
		listener: () => server,
		log: hooks.log,
	});

	const onMessage = async (
		message: Hl7Message,
		text: string,
		peer: Peer,
	): Promise<Verdict | undefined> => {
		pressure.arrived();
		const receivedAt = new Date().toISOString();
		const controlId = message.get('MSH.10') ?? '';
		const key = cfg.duplicateWindowMs > 0 ? duplicateKey(message) : '';
		const earlier = key ? j.duplicateOf(key) : undefined;
		let seq: number;
		try {
			if (earlier !== undefined) {
				// answered only once the earlier copy is on disk
				await j.durable(earlier);
				hooks.diagnostic('duplicate', peer, controlId);
				return duplicateAnswer(cfg.rejectDuplicates, `stored as ${earlier}`);
			}
			seq = await j.append({
				receivedAt,
				controlId,
				sendingApplication: message.get('MSH.3.1') ?? '',
				sendingFacility: message.get('MSH.4.1') ?? '',
				peer: peer.address,
				key: key || undefined,
				message: text,
			});
		} catch (error) {
			// not stored: the sender is told so (AE) and may re-send
			hooks.log('warn', `MLLP: could not store a message: ${(error as Error).message}`);
			hooks.diagnostic('not stored', peer, controlId);
			return { code: 'AE', text: 'The message could not be stored' };
		}
		hooks.stored({ seq, text, peer, receivedAt });
		pressure.check();
		return { code: 'AA' };
	};

	// stored before and not delivered: handed over first, in their order, before anything new
	const recovered = j.recovered();
	if (recovered.length)
		hooks.log(
			'info',
			`MLLP: handing over ${recovered.length} stored messages not delivered before`,
		);
	for (const r of recovered)
		hooks.stored({
			seq: r.seq,
			text: r.message,
			peer: { address: r.peer },
			receivedAt: r.receivedAt,
		});

	const listening: MllpServer = await startMllpServer({
		...cfg.server,
		warn: (m) => hooks.log('warn', m),
		diagnostic: hooks.diagnostic,
		onMessage,
	}).catch(async (error: Error) => {
		await j.close();
		return Promise.reject(error);
	});
	server = listening;
	pressure.check();
	return {
		port: listening.port,
		delivered(seqs) {
			for (const seq of seqs) j.markDelivered(seq);
			pressure.check();
		},
		async closeListener(graceMs) {
			await listening.close(graceMs);
			pressure.stop();
		},
		close: () => j.close(),
	};
}

/** Messages between the trigger and the receiving thread. */
type ToWorker =
	| { t: 'delivered'; seqs: number[] }
	| { t: 'closeListener'; graceMs: number }
	| { t: 'close' };
export type FromWorker =
	| { t: 'ready'; port: number }
	| { t: 'failed'; message: string }
	| { t: 'stored'; messages: StoredMessage[] }
	| { t: 'log'; level: 'info' | 'warn'; text: string }
	| { t: 'diagnostic'; reason: string; peer: Peer; controlId?: string }
	| { t: 'listenerClosed' }
	| { t: 'closed' };

/**
 * The receiving side on a thread of its own when its compiled entry (receiptWorker.js) sits beside
 * this module, as in the installed package; on this thread otherwise (the tests run the TypeScript
 * sources). `workerFile` names the entry explicitly.
 */
export async function openReceipt(
	cfg: ReceiptConfig,
	hooks: ReceiptHooks,
	workerFile: string | false = path.join(__dirname, 'receiptWorker.js'),
): Promise<Receipt> {
	if (!workerFile || !fs.existsSync(workerFile)) return startReceipt(cfg, hooks);
	const worker = new Worker(workerFile, { workerData: { ...cfg, syncFlush: true } });
	let closing = false;
	let exited = false;
	let reported = false;
	/** the thread stopped by itself: said once, and not while closing */
	const failed = (error: Error) => {
		if (closing || reported) return;
		reported = true;
		hooks.failed(error);
	};
	const waiting = new Map<string, () => void>();
	const ready = new Promise<{ port: number }>((resolve, reject) => {
		let started = false;
		worker.on('message', (m: FromWorker) => {
			switch (m.t) {
				case 'ready':
					started = true;
					return resolve(m);
				case 'failed':
					return reject(new Error(m.message));
				case 'stored':
					for (const s of m.messages) hooks.stored(s);
					return;
				case 'log':
					return hooks.log(m.level, m.text);
				case 'diagnostic':
					return hooks.diagnostic(m.reason, m.peer, m.controlId);
				default:
					waiting.get(m.t)?.();
			}
		});
		worker.on('error', (error) => {
			if (!started) return reject(error);
			failed(error);
		});
		worker.on('exit', (code) => {
			exited = true;
			for (const done of waiting.values()) done();
			if (!started) return reject(new Error(`The MLLP receiving thread exited (${code})`));
			failed(new Error(`The MLLP receiving thread exited (${code})`));
		});
	});
	const up = await ready.catch(async (error: Error) => {
		await worker.terminate();
		return Promise.reject(error);
	});
	const send = (m: ToWorker) => worker.postMessage(m);
	// a thread that has exited answers nothing: whatever waits on it goes on at once
	const answer = (t: FromWorker['t'], m: ToWorker) =>
		exited
			? Promise.resolve()
			: new Promise<void>((resolve) => {
					waiting.set(t, resolve);
					send(m);
				});
	// delivered marks travel together, once per turn of the event loop
	let marks: number[] = [];
	const sendMarks = () => {
		if (!marks.length) return;
		send({ t: 'delivered', seqs: marks });
		marks = [];
	};
	return {
		port: up.port,
		delivered(seqs) {
			if (!marks.length) setImmediate(sendMarks);
			marks.push(...seqs);
		},
		closeListener: (graceMs) => answer('listenerClosed', { t: 'closeListener', graceMs }),
		async close() {
			closing = true;
			sendMarks();
			await answer('closed', { t: 'close' });
			if (!exited) await worker.terminate();
		},
	};
}
