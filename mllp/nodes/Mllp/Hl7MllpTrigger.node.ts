import {
	createDeferredPromise,
	NodeConnectionTypes,
	NodeOperationError,
	type INodeType,
	type INodeTypeDescription,
	type IRun,
	type ITriggerFunctions,
	type ITriggerResponse,
} from 'n8n-workflow';

import type { AckCode } from '../hl7/ack';
import type { Hl7Message } from '../hl7/codec';
import { startMllpServer } from './server';
import { tlsMaterial } from './tlsOptions';

type AckMode = 'onReceipt' | 'afterWorkflow';

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
		outputs: [NodeConnectionTypes.Main],
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
						description: 'AA when the execution succeeds, AE with its error when it fails',
					},
					{
						name: 'On Receipt',
						value: 'onReceipt',
						description: 'AA as soon as the message is handed to n8n',
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
						displayName: 'Include Path Map',
						name: 'paths',
						type: 'boolean',
						default: true,
						description: 'Whether to add every value by path, e.g. "PID.5.1"',
					},
					{
						displayName: 'Maximum Message Size (MB)',
						name: 'maxMb',
						type: 'number',
						default: 16,
						typeOptions: { minValue: 1 },
						description: 'Larger messages are refused with an AR',
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
		const o = this.getNodeParameter('options', {}) as {
			encoding?: BufferEncoding;
			paths?: boolean;
			maxMb?: number;
		};
		const material = tls ? tlsMaterial(await this.getCredentials('mllpTlsApi')) : undefined;
		if (material && (!material.cert || !material.key))
			throw new NodeOperationError(
				this.getNode(),
				'The MLLP TLS credential needs a certificate and a private key for the trigger',
			);
		const requestCert = tls && (this.getNodeParameter('requestCert', false) as boolean);

		const item = (
			message: Hl7Message,
			text: string,
			peer: { address?: string; port?: number },
		) => ({
			json: {
				message: text,
				messageType: [message.get('MSH.9.1'), message.get('MSH.9.2')].filter(Boolean).join('^'),
				controlId: message.get('MSH.10') ?? '',
				sendingApplication: message.get('MSH.3.1') ?? '',
				sendingFacility: message.get('MSH.4.1') ?? '',
				receivedAt: new Date().toISOString(),
				peer,
				...(o.paths === false ? {} : { paths: message.pathMap() }),
			},
		});

		const server = await startMllpServer({
			host: this.getNodeParameter('host', '0.0.0.0') as string,
			port: this.getNodeParameter('port', 2575) as number,
			tls: material && { ...material, requestCert },
			maxBytes: (o.maxMb ?? 16) * 1024 * 1024,
			encoding: o.encoding ?? 'utf8',
			warn: (m) => this.logger.warn(m),
			onMessage: async (message, text, peer) => {
				if (manual && taken) return undefined;
				taken = true;
				if (ackMode === 'onReceipt') {
					this.emit([[item(message, text, peer)]]);
					return { code: 'AA' };
				}
				const done = createDeferredPromise<IRun>();
				this.emit([[item(message, text, peer)]], undefined, done);
				let timer: NodeJS.Timeout | undefined;
				const timedOut = new Promise<{ code: AckCode; text: string }>((resolve) => {
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
					return await Promise.race([
						done.promise.then(verdictOf, (error: Error) => ({
							code: 'AE' as const,
							text: error.message,
						})),
						timedOut,
					]);
				} finally {
					clearTimeout(timer);
				}
			},
		});

		return {
			// executions already running answer their senders before the connections close
			closeFunction: async () => await server.close(Math.min(timeoutMs, 30000)),
		};
	}
}
