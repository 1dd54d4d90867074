import type { IExecuteFunctions, INodeProperties } from 'n8n-workflow';

import { Hl7Error, Hl7Message } from '../../../hl7/codec';
import { inputError } from '../params';

// Where an HL7 operation finds its message: a text field (e.g. a Webhook body) or binary data (SFTP, files).
export const messageInput = (operations: string[]): INodeProperties[] => [
	{
		displayName: 'Input',
		name: 'inputMode',
		type: 'options',
		default: 'text',
		options: [
			{ name: 'Text', value: 'text' },
			{ name: 'Binary File', value: 'binary' },
		],
		displayOptions: { show: { resource: ['hl7'], operation: operations } },
	},
	{
		displayName: 'HL7 Message',
		name: 'message',
		type: 'string',
		typeOptions: { rows: 4 },
		default: '={{ $json.body ?? $json.message }}',
		description: 'The message text, e.g. the body a Webhook received',
		displayOptions: { show: { resource: ['hl7'], operation: operations, inputMode: ['text'] } },
	},
	{
		displayName: 'Input Binary Field',
		name: 'binaryPropertyName',
		type: 'string',
		default: 'data',
		displayOptions: { show: { resource: ['hl7'], operation: operations, inputMode: ['binary'] } },
	},
];

export async function readMessageText(ctx: IExecuteFunctions, i: number): Promise<string> {
	if (ctx.getNodeParameter('inputMode', i, 'text') === 'binary') {
		const name = ctx.getNodeParameter('binaryPropertyName', i) as string;
		ctx.helpers.assertBinaryData(i, name);
		return (await ctx.helpers.getBinaryDataBuffer(i, name)).toString('utf8');
	}
	const value = ctx.getNodeParameter('message', i, '') as unknown;
	if (typeof value !== 'string' || !value.trim())
		throw inputError(
			ctx,
			i,
			'HL7 Message is empty',
			'Map the field holding the message, e.g. {{ $json.body }} from a Webhook node, or switch Input to Binary File.',
		);
	return value;
}

export async function readMessage(ctx: IExecuteFunctions, i: number): Promise<Hl7Message> {
	const text = await readMessageText(ctx, i);
	try {
		return Hl7Message.parse(text);
	} catch (error) {
		throw hl7Error(ctx, i, error);
	}
}

export function hl7Error(ctx: IExecuteFunctions, i: number, error: unknown) {
	if (error instanceof Hl7Error)
		return inputError(
			ctx,
			i,
			`The HL7 message cannot be read: ${error.message}`,
			'Check that the input is one HL7 v2 message starting with MSH (use Split Batch for FHS/BHS files).',
		);
	return inputError(ctx, i, (error as Error).message);
}
