import {
	NodeConnectionTypes,
	NodeOperationError,
	type IExecuteFunctions,
	type INodeExecutionData,
	type INodeType,
	type INodeTypeDescription,
} from 'n8n-workflow';

import { Hl7Error, Hl7Message } from '../hl7/codec';
import { MllpClient } from './client';
import { tlsMaterial } from './tlsOptions';

export class MllpSend implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'MLLP Send',
		name: 'mllpSend',
		icon: { light: 'file:mllp.svg', dark: 'file:mllp.dark.svg' },
		group: ['output'],
		version: 1,
		subtitle: '={{$parameter["host"] + ":" + $parameter["port"]}}',
		description: 'Sends HL7 v2 messages over MLLP or MLLPS and returns each acknowledgment',
		defaults: { name: 'MLLP Send' },
		usableAsTool: true,
		inputs: [NodeConnectionTypes.Main],
		outputs: [NodeConnectionTypes.Main],
		credentials: [
			{ name: 'mllpTlsApi', required: false, displayOptions: { show: { tls: [true] } } },
		],
		properties: [
			{ displayName: 'Host', name: 'host', type: 'string', default: '', required: true },
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
					'Whether to connect with TLS; an MLLP TLS credential adds CA certificates to trust and a client certificate',
			},
			{
				displayName: 'Verify Server Certificate',
				name: 'verify',
				type: 'boolean',
				default: true,
				description: 'Whether to refuse a server whose certificate is not trusted',
				displayOptions: { show: { tls: [true] } },
			},
			{
				displayName: 'Message',
				name: 'message',
				type: 'string',
				default: '={{ $json.message }}',
				typeOptions: { rows: 4 },
				description: 'The HL7 v2 message text',
			},
			{
				displayName: 'Timeout (Seconds)',
				name: 'timeout',
				type: 'number',
				default: 30,
				typeOptions: { minValue: 1 },
				description: 'How long to wait for each acknowledgment',
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
						displayName: 'Server Name (SNI)',
						name: 'servername',
						type: 'string',
						default: '',
						description: 'Name to check the server certificate against, when it differs from Host',
					},
				],
			},
		],
	};

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		const items = this.getInputData();
		const out: INodeExecutionData[] = [];
		// one connection per destination for the whole run: items go one after another, each waiting for its ACK
		const clients = new Map<string, MllpClient>();
		try {
			for (let i = 0; i < items.length; i++) {
				try {
					out.push({ json: await sendOne(this, i, clients), pairedItem: { item: i } });
				} catch (error) {
					if (!this.continueOnFail())
						throw error instanceof NodeOperationError
							? error
							: new NodeOperationError(this.getNode(), (error as Error).message, { itemIndex: i });
					out.push({ json: { error: (error as Error).message }, pairedItem: { item: i } });
				}
			}
		} finally {
			for (const c of clients.values()) c.close();
		}
		return [out];
	}
}

async function sendOne(ctx: IExecuteFunctions, i: number, clients: Map<string, MllpClient>) {
	const host = ctx.getNodeParameter('host', i) as string;
	const port = ctx.getNodeParameter('port', i) as number;
	const tls = ctx.getNodeParameter('tls', i, false) as boolean;
	const timeoutMs = (ctx.getNodeParameter('timeout', i, 30) as number) * 1000;
	const o = ctx.getNodeParameter('options', i, {}) as {
		encoding?: BufferEncoding;
		servername?: string;
	};
	const text = ctx.getNodeParameter('message', i) as string;
	let sent: Hl7Message;
	try {
		sent = Hl7Message.parse(text);
	} catch (error) {
		throw new NodeOperationError(
			ctx.getNode(),
			`The message is not HL7: ${(error as Hl7Error).message}`,
			{ itemIndex: i },
		);
	}
	const key = `${tls ? 'mllps' : 'mllp'}://${host}:${port}`;
	let client = clients.get(key);
	if (!client) {
		// the credential is optional for TLS: without one, the system's CAs and no client certificate
		const material = tls
			? tlsMaterial(
					ctx.getNode().credentials?.mllpTlsApi ? await ctx.getCredentials('mllpTlsApi', i) : {},
				)
			: undefined;
		try {
			client = await MllpClient.connect({
				host,
				port,
				encoding: o.encoding ?? 'utf8',
				maxBytes: 16 * 1024 * 1024,
				connectTimeoutMs: timeoutMs,
				tls: material && {
					...material,
					rejectUnauthorized: ctx.getNodeParameter('verify', i, true) as boolean,
					servername: o.servername,
				},
			});
		} catch (error) {
			throw new NodeOperationError(ctx.getNode(), `${key}: ${(error as Error).message}`, {
				itemIndex: i,
			});
		}
		clients.set(key, client);
	}
	let answer: string;
	try {
		answer = await client.send(sent.toString(), timeoutMs);
	} catch (error) {
		clients.delete(key);
		throw new NodeOperationError(ctx.getNode(), `${key}: ${(error as Error).message}`, {
			itemIndex: i,
		});
	}
	let ack: Hl7Message;
	try {
		ack = Hl7Message.parse(answer);
	} catch (error) {
		throw new NodeOperationError(
			ctx.getNode(),
			`${key} answered with something that is not an HL7 ACK: ${(error as Hl7Error).message}`,
			{ itemIndex: i },
		);
	}
	const code = ack.get('MSA.1') ?? '';
	if ((ack.get('MSA.2') ?? '') !== (sent.get('MSH.10') ?? '')) {
		clients.delete(key);
		client.close();
		throw new NodeOperationError(
			ctx.getNode(),
			`${key} acknowledged message "${ack.get('MSA.2') ?? ''}" instead of "${sent.get('MSH.10') ?? ''}"`,
			{ itemIndex: i },
		);
	}
	const ackText = [ack.get('MSA.3'), ack.get('ERR.8')].filter(Boolean).join('; ');
	if (!/^[AC]A$/.test(code)) {
		throw new NodeOperationError(
			ctx.getNode(),
			`${key} answered ${code || 'without MSA-1'}${ackText ? `: ${ackText}` : ''}`,
			{ itemIndex: i, description: `Message ${sent.get('MSH.10') ?? ''}` },
		);
	}
	return {
		code,
		text: ackText,
		controlId: sent.get('MSH.10') ?? '',
		ackControlId: ack.get('MSH.10') ?? '',
		ack: ack.toString(),
		paths: ack.pathMap(),
	};
}
