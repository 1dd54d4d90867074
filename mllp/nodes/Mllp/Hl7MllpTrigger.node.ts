import os from 'node:os';
import path from 'node:path';

import {
	createDeferredPromise,
	NodeConnectionTypes,
	NodeOperationError,
	type INodeType,
	type INodeTypeDescription,
	type IRun,
	type ITriggerFunctions,
	type ITriggerResponse,
	type INodeExecutionData,
} from 'n8n-workflow';

import type { AckCode } from '../hl7/ack';
import { Hl7Message } from '../hl7/codec';
import { Dispatcher, type Verdict } from './dispatcher';
import { DuplicateWindow } from './journal';
import { messageItem } from './item';
import { backPressure } from './pressure';
import {
	duplicateAnswer,
	duplicateKey,
	openReceipt,
	type Peer,
	type Receipt,
	type StoredMessage,
} from './receipt';
import { startMllpServer } from './server';
import { tlsMaterial } from './tlsOptions';

type AckMode = 'onReceipt' | 'afterWorkflow' | 'afterStoring';

/** AA when the execution finished without an error, AE with the error's message otherwise. */
export function verdictOf(run: IRun): { code: AckCode; text?: string } {
	const error = run.data?.resultData?.error;
	if (error || run.status === 'error' || run.status === 'crashed' || run.status === 'canceled')
		return { code: 'AE', text: error?.message ?? `The workflow ended with status ${run.status}` };
	return { code: 'AA' };
}

export class Hl7MllpTrigger implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'HL7 MLLP Trigger',
		name: 'hl7MllpTrigger',
		icon: { light: 'file:mllp.svg', dark: 'file:mllp.dark.svg' },
		group: ['trigger'],
		version: 1,
		subtitle:
			'={{($parameter["tls"] ? "mllps://" : "mllp://") + $parameter["host"] + ":" + $parameter["port"]}}',
		description: 'Receives HL7 v2 messages over MLLP or MLLPS and acknowledges each one',
		defaults: { name: 'HL7 MLLP Trigger' },
		inputs: [],
		// a second output, Diagnostics, when the option is on
		outputs: `={{ ($parameter.options || {}).diagnosticsOutput
			? [{ type: "${NodeConnectionTypes.Main}", displayName: "Messages" },
				{ type: "${NodeConnectionTypes.Main}", displayName: "Diagnostics" }]
			: ["${NodeConnectionTypes.Main}"] }}`,
		credentials: [
			{ name: 'mllpTlsApi', required: true, displayOptions: { show: { tls: [true] } } },
		],
		properties: [
			{
				displayName: 'Host',
				name: 'host',
				type: 'string',
				default: '0.0.0.0',
				description: 'Address to listen on',
			},
			{
				displayName: 'Port',
				name: 'port',
				type: 'number',
				default: 2575,
				typeOptions: { minValue: 1, maxValue: 65535 },
			},
			{
				displayName: 'TLS (MLLPS)',
				name: 'tls',
				type: 'boolean',
				default: false,
				description:
					'Whether to require TLS; certificate and key come from the MLLP TLS credential',
			},
			{
				displayName: 'Require Client Certificate',
				name: 'requestCert',
				type: 'boolean',
				default: false,
				description:
					"Whether to accept only senders whose certificate is signed by the credential's CA certificates",
				displayOptions: { show: { tls: [true] } },
			},
			{
				displayName: 'Acknowledge',
				name: 'ackMode',
				type: 'options',
				default: 'afterWorkflow',
				description:
					'When each message is acknowledged. A manual test run takes one message and acknowledges it on receipt.',
				options: [
					{
						name: 'After the Workflow Finishes',
						value: 'afterWorkflow',
						description:
							'AA when the execution succeeds, AE with its error when it fails. Nothing is lost and the sender ' +
							'learns of failures, but a connection moves at one execution at a time.',
					},
					{
						name: 'After Storing (Durable)',
						value: 'afterStoring',
						description:
							'AA once the message is flushed to a local journal; the journal then hands it to the workflow at ' +
							'least once, again after a crash. Fast and safe; failures show in n8n, not in the ACK.',
					},
					{
						name: 'On Receipt',
						value: 'onReceipt',
						description:
							'AA as soon as the message is handed to n8n, nothing stored: a crash or restart before the ' +
							'execution loses the message, and the sender will not re-send it',
					},
				],
			},
			{
				displayName: 'Timeout (Seconds)',
				name: 'timeout',
				type: 'number',
				default: 60,
				typeOptions: { minValue: 1 },
				description:
					'How long to wait for the workflow before answering AE; the sender may then re-send',
				displayOptions: { show: { ackMode: ['afterWorkflow'] } },
			},
			{
				displayName: 'Options',
				name: 'options',
				type: 'collection',
				placeholder: 'Add Option',
				default: {},
				options: [
					{
						displayName: 'Batch Size',
						name: 'batchSize',
						type: 'number',
						default: 1,
						typeOptions: { minValue: 1 },
						description:
							'Most messages per execution, one item each; each is acknowledged per the mode after its execution',
					},
					{
						displayName: 'Batch Wait (Ms)',
						name: 'batchWaitMs',
						type: 'number',
						default: 50,
						typeOptions: { minValue: 0 },
						description: 'How long a batch that is not full waits for more messages',
					},
					{
						displayName: 'Character Set',
						name: 'encoding',
						type: 'options',
						default: 'utf8',
						options: [
							{ name: 'UTF-8', value: 'utf8' },
							{ name: 'ISO 8859-1 (Latin-1)', value: 'latin1' },
						],
					},
					{
						displayName: 'Diagnostics Output',
						name: 'diagnosticsOutput',
						type: 'boolean',
						default: false,
						description:
							'Whether to add a second output with unparsable messages, refused frames, duplicates and failed ' +
							'deliveries as {reason, peer, controlId}, never the message itself',
					},
					{
						displayName: 'Duplicate Answer',
						name: 'duplicateAnswer',
						type: 'options',
						default: 'repeatAck',
						options: [
							{
								name: 'Repeat the Earlier ACK',
								value: 'repeatAck',
								description: 'AA again, not handed over again',
							},
							{ name: 'Reject (AR)', value: 'reject', description: 'AR naming the duplicate' },
						],
					},
					{
						displayName: 'Duplicate Window (Minutes)',
						name: 'duplicateWindowMinutes',
						type: 'number',
						default: 1440,
						typeOptions: { minValue: 0 },
						description:
							'A message with the same sending application, facility and control ID (MSH-3, MSH-4, MSH-10) ' +
							'within this window is not handed over again (0 = off; at most 100,000 keys kept)',
					},
					{
						displayName: 'Idle Timeout (Seconds)',
						name: 'idleTimeoutSeconds',
						type: 'number',
						default: 3600,
						typeOptions: { minValue: 0 },
						description: 'A connection with no traffic for this long is closed (0 = never)',
					},
					{
						displayName: 'Include Path Map',
						name: 'paths',
						type: 'boolean',
						default: true,
						description: 'Whether to add every value by path, e.g. "PID.5.1"',
					},
					{
						displayName: 'Journal Folder',
						name: 'journalFolder',
						type: 'string',
						default: '',
						description:
							'Where After Storing keeps messages; empty: hl7-mllp-journal/(workflow ID)-(node ID) in the n8n user folder',
					},
					{
						displayName: 'Journal Retention (Hours)',
						name: 'retentionHours',
						type: 'number',
						default: 72,
						typeOptions: { minValue: 0 },
						description:
							'Delivered messages older than this are pruned (undelivered ones never are)',
					},
					{
						displayName: 'Journal Retention (MB)',
						name: 'retentionMb',
						type: 'number',
						default: 512,
						typeOptions: { minValue: 1 },
						description: 'Delivered messages are pruned, oldest first, once the journal is larger',
					},
					{
						displayName: 'Maximum Backlog',
						name: 'maxBacklog',
						type: 'number',
						default: 10000,
						typeOptions: { minValue: 1 },
						description:
							'Messages received and not yet delivered; past it the listener stops reading from the senders until ' +
							'it drains (TCP back-pressure, nothing refused)',
					},
					{
						displayName: 'Maximum Connections',
						name: 'maxConnections',
						type: 'number',
						default: 100,
						typeOptions: { minValue: 0 },
						description: 'Connections beyond this many are closed at once (0 = no cap)',
					},
					{
						displayName: 'Maximum Message Size (MB)',
						name: 'maxMb',
						type: 'number',
						default: 16,
						typeOptions: { minValue: 1 },
						description: 'Larger messages are refused with an AR',
					},
					{
						displayName: 'Maximum Messages per Minute',
						name: 'maxPerMinute',
						type: 'number',
						default: 0,
						typeOptions: { minValue: 0 },
						description:
							'Past it the listener stops reading until the minute allows more (0 = no cap; nothing refused)',
					},
					{
						displayName: 'Maximum Unfinished Frames (MB)',
						name: 'maxPendingMb',
						type: 'number',
						default: 256,
						typeOptions: { minValue: 1 },
						description:
							'Memory held by frames still arriving, across all connections; the connection that passes it is closed',
					},
					{
						displayName: 'Parallel Executions',
						name: 'parallelExecutions',
						type: 'number',
						default: 4,
						typeOptions: { minValue: 1 },
						description:
							'Executions at once for different partition keys (with a partition key, or After Storing without one: 1)',
					},
					{
						displayName: 'Partition Key',
						name: 'partitionKey',
						type: 'string',
						default: '',
						placeholder: 'PID.3.1',
						description:
							'Path whose value keeps order: messages with the same value are handed over in arrival order, one ' +
							'execution at a time; empty: order per connection. A clinical-safety choice, see the README.',
					},
				],
			},
		],
	};

	async trigger(this: ITriggerFunctions): Promise<ITriggerResponse> {
		const tls = this.getNodeParameter('tls', false) as boolean;
		// A manual test run takes one message, and n8n closes the trigger before that run ends (it
		// awaits the close before reporting the outcome): acknowledge it on receipt, and leave any
		// further message unanswered for the sender to re-send to the active workflow.
		const manual = this.getMode() === 'manual';
		const ackMode = manual
			? 'onReceipt'
			: (this.getNodeParameter('ackMode', 'afterWorkflow') as AckMode);
		let taken = false;
		const timeoutMs = (this.getNodeParameter('timeout', 60) as number) * 1000;
		const o = this.getNodeParameter('options', {}) as TriggerOptions;
		const material = tls ? tlsMaterial(await this.getCredentials('mllpTlsApi')) : undefined;
		if (material && (!material.cert || !material.key))
			throw new NodeOperationError(
				this.getNode(),
				'The MLLP TLS credential needs a certificate and a private key for the trigger',
			);
		const requestCert = tls && (this.getNodeParameter('requestCert', false) as boolean);
		const withDiagnostics = Boolean(o.diagnosticsOutput);
		const partitionKey = (o.partitionKey ?? '').trim();
		const windowMs = manual ? 0 : (o.duplicateWindowMinutes ?? 1440) * 60000;
		const reject = o.duplicateAnswer === 'reject';
		const maxBacklog = o.maxBacklog ?? 10000;
		const maxPerMinute = o.maxPerMinute ?? 0;
		const logger = this.logger;

		const out = (items: INodeExecutionData[], diagnostics = false): INodeExecutionData[][] =>
			withDiagnostics ? (diagnostics ? [[], items] : [items, []]) : [items];

		// diagnostics: collected for a second and handed over together (a flood of garbage is one execution a second)
		let diag: INodeExecutionData[] = [];
		let diagTimer: NodeJS.Timeout | undefined;
		const diagnostic = (reason: string, peer: Peer, controlId?: string) => {
			if (!withDiagnostics || manual) return;
			diag.push({
				json: {
					reason,
					peer,
					...(controlId !== undefined ? { controlId } : {}),
					at: new Date().toISOString(),
				},
			});
			diagTimer ??= setTimeout(() => {
				diagTimer = undefined;
				const items = diag;
				diag = [];
				this.emit(out(items, true));
			}, 1000);
		};

		const item = (
			message: Hl7Message,
			text: string,
			peer: Peer,
			receivedAt: string,
			seq?: number,
		) => ({ json: messageItem(message, text, peer, receivedAt, seq, o.paths !== false) });
		const laneOf = (message: Hl7Message) => (partitionKey ? (message.get(partitionKey) ?? '') : '');

		// one execution per batch; its verdict acknowledges (afterWorkflow) or marks delivered (afterStoring)
		const run = (items: INodeExecutionData[]): Promise<Verdict> => {
			if (ackMode === 'onReceipt') {
				this.emit(out(items));
				return Promise.resolve({ code: 'AA' });
			}
			const done = createDeferredPromise<IRun>();
			this.emit(out(items), undefined, done);
			return done.promise.then(verdictOf, (error: Error) => ({
				code: 'AE' as const,
				text: error.message,
			}));
		};
		const ordered = ackMode === 'afterStoring' || Boolean(partitionKey);
		const dispatcher = new Dispatcher<INodeExecutionData>({
			batchSize: Math.max(1, Math.floor(o.batchSize ?? 1)),
			batchWaitMs: o.batchWaitMs ?? 50,
			// without a key, After Storing keeps one global arrival order: one execution at a time
			parallel: partitionKey
				? Math.max(1, o.parallelExecutions ?? 4)
				: ackMode === 'afterStoring'
					? 1
					: Infinity,
			ordered,
			held: true,
			run,
			onProgress: () => pressure.check(),
		});

		// After Storing: the receiving side (listener, journal, duplicates, back-pressure) runs on a
		// thread of its own (receipt.ts); what it stored is handed over here
		let receipt: Receipt | undefined;
		const earlyMarks: number[] = [];
		function deliverStored({ seq, text, peer, receivedAt }: StoredMessage) {
			let message: Hl7Message;
			try {
				message = Hl7Message.parse(text);
			} catch {
				// recovered messages come before the receiving side is up: marked once it is
				if (receipt) receipt.delivered([seq]);
				else earlyMarks.push(seq);
				return;
			}
			dispatcher.push({
				item: item(message, text, peer, receivedAt, seq),
				key: laneOf(message),
				settle: (verdict) => {
					// an execution that ran counts as delivered, also when it failed
					receipt?.delivered([seq]);
					if (verdict.code !== 'AA') {
						logger.warn(
							`MLLP: the execution of stored message ${seq} failed (it is not handed over again)`,
						);
						diagnostic('execution failed', peer, message.get('MSH.10') ?? '');
					}
				},
			});
		}

		// back-pressure: past the backlog or the rate the listener stops reading; nothing is refused
		let server: Awaited<ReturnType<typeof startMllpServer>> | undefined;
		const pressure = backPressure({
			maxPerMinute,
			maxBacklog,
			backlog: () => dispatcher.queued + dispatcher.active,
			listener: () => server,
			log: (level, text) => logger[level](text),
		});

		// duplicates outside the journal (After the Workflow Finishes, On Receipt): the earlier verdict
		const seen = new DuplicateWindow<Promise<Verdict>>(windowMs);
		const duplicateVerdict = (message: Hl7Message, peer: Peer, earlier: string): Verdict => {
			diagnostic('duplicate', peer, message.get('MSH.10') ?? '');
			return duplicateAnswer(reject, earlier);
		};

		const onMessage = async (
			message: Hl7Message,
			text: string,
			peer: Peer,
		): Promise<Verdict | undefined> => {
			if (manual && taken) return undefined;
			taken = true;
			pressure.arrived();
			const receivedAt = new Date().toISOString();
			const key = windowMs > 0 ? duplicateKey(message) : '';
			if (key) {
				const earlier = seen.get(key);
				if (earlier) {
					// an earlier copy still running: wait for its verdict, up to the timeout
					let timer: NodeJS.Timeout | undefined;
					const verdict = await Promise.race([
						earlier,
						new Promise<Verdict>((resolve) => {
							timer = setTimeout(() => resolve(STILL_RUNNING), timeoutMs);
						}),
					]);
					clearTimeout(timer);
					if (verdict === STILL_RUNNING) return verdict;
					// a message that failed before is handed over again
					if (verdict.code === 'AA') return duplicateVerdict(message, peer, 'and acknowledged AA');
				}
			}
			const verdict = new Promise<Verdict>((settle) =>
				dispatcher.push({
					item: item(message, text, peer, receivedAt),
					key: laneOf(message),
					settle,
				}),
			);
			pressure.check();
			if (ackMode === 'onReceipt') {
				if (key) seen.set(key, Promise.resolve({ code: 'AA' }));
				return { code: 'AA' };
			}
			if (key) seen.set(key, verdict);
			let timer: NodeJS.Timeout | undefined;
			const timedOut = new Promise<Verdict>((resolve) => {
				timer = setTimeout(
					() =>
						resolve({
							code: 'AE',
							text: `The workflow did not finish within ${timeoutMs / 1000} s`,
						}),
					timeoutMs,
				);
			});
			try {
				return await Promise.race([verdict, timedOut]);
			} finally {
				clearTimeout(timer);
			}
		};

		const listener = {
			host: this.getNodeParameter('host', '0.0.0.0') as string,
			port: this.getNodeParameter('port', 2575) as number,
			tls: material && { ...material, requestCert },
			maxBytes: (o.maxMb ?? 16) * 1024 * 1024,
			encoding: o.encoding ?? 'utf8',
			idleTimeoutMs: (o.idleTimeoutSeconds ?? 3600) * 1000,
			maxConnections: o.maxConnections ?? 100,
			maxPendingBytes: (o.maxPendingMb ?? 256) * 1024 * 1024,
		};
		try {
			if (ackMode === 'afterStoring') {
				receipt = await openReceipt(
					{
						server: listener,
						journalFolder:
							o.journalFolder?.trim() ||
							path.join(
								process.env.N8N_USER_FOLDER || path.join(os.homedir(), '.n8n'),
								'hl7-mllp-journal',
								`${this.getWorkflow().id ?? 'workflow'}-${this.getNode().id ?? 'node'}`,
							),
						retentionMb: o.retentionMb,
						retentionHours: o.retentionHours,
						duplicateWindowMs: windowMs,
						rejectDuplicates: reject,
						maxPerMinute,
						maxBacklog,
					},
					{
						stored: deliverStored,
						log: (level, text) => logger[level](text),
						diagnostic,
						failed: (error) =>
							this.emitError(
								new NodeOperationError(
									this.getNode(),
									`The MLLP listener stopped: ${error.message}`,
								),
							),
					},
				);
			} else {
				server = await startMllpServer({
					...listener,
					warn: (m) => logger.warn(m),
					diagnostic,
					onMessage,
				});
			}
		} catch (error) {
			throw new NodeOperationError(this.getNode(), error as Error);
		}
		// marks of messages handed over before the receiving side was up (unparsable ones)
		if (receipt && earlyMarks.length) receipt.delivered(earlyMarks.splice(0));
		// executions start once the trigger is up (stored messages not delivered before go first)
		setImmediate(() => dispatcher.start());
		pressure.check();
		const listening = server;
		const receiving = receipt;

		return {
			// executions already running answer their senders before the connections close
			closeFunction: async () => {
				const grace = Math.min(timeoutMs, 30000);
				await (receiving ? receiving.closeListener(grace) : listening?.close(grace));
				pressure.stop();
				clearTimeout(diagTimer);
				// stored messages not yet handed over stay in the journal for the next activation; running
				// executions get a few seconds to be marked delivered (else they are handed over again)
				await dispatcher.stop(receiving ? 5000 : 0);
				await receiving?.close();
			},
		};
	}
}

const STILL_RUNNING: Verdict = {
	code: 'AE',
	text: 'An earlier copy of this message is still being processed',
};

interface TriggerOptions {
	encoding?: BufferEncoding;
	paths?: boolean;
	maxMb?: number;
	journalFolder?: string;
	retentionMb?: number;
	retentionHours?: number;
	duplicateWindowMinutes?: number;
	duplicateAnswer?: 'repeatAck' | 'reject';
	batchSize?: number;
	batchWaitMs?: number;
	partitionKey?: string;
	parallelExecutions?: number;
	maxPerMinute?: number;
	maxBacklog?: number;
	idleTimeoutSeconds?: number;
	maxConnections?: number;
	maxPendingMb?: number;
	diagnosticsOutput?: boolean;
}
