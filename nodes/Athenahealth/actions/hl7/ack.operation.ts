import { updateDisplayOptions, type IExecuteFunctions } from 'n8n-workflow';

import { createAck, type AckCode } from '../../../hl7/ack';
import { show } from '../fields';
import { readMessage } from './input';

export const option = {
	name: 'Create ACK/NAK',
	value: 'createAck',
	action: 'Create an HL7 acknowledgment',
	description: 'Answer a message with AA/AE/AR or CA/CE/CR',
};

export const toolDescription =
	'Create the HL7 v2 acknowledgment (AA, AE or AR) for a message. Works offline. Returns the ACK text.';

export const writes = false;

export const description = updateDisplayOptions(show('hl7', 'createAck'), [
	{
		displayName: 'Acknowledgment Code',
		name: 'code',
		type: 'options',
		default: 'AA',
		options: [
			{ name: 'AA – Application Accept', value: 'AA' },
			{ name: 'AE – Application Error', value: 'AE' },
			{ name: 'AR – Application Reject', value: 'AR' },
			{ name: 'CA – Commit Accept', value: 'CA' },
			{ name: 'CE – Commit Error', value: 'CE' },
			{ name: 'CR – Commit Reject', value: 'CR' },
		],
	},
	{
		displayName: 'Text',
		name: 'text',
		type: 'string',
		default: '',
		description: 'MSA-3, e.g. why the message was refused',
	},
	{
		displayName: 'Error Message',
		name: 'errorMessage',
		type: 'string',
		default: '',
		description: 'Adds an ERR segment with this text (for AE/AR/CE/CR)',
	},
	{
		displayName: 'Error Location',
		name: 'errorLocation',
		type: 'string',
		default: '',
		placeholder: 'PID^1^3',
		description: 'ERR-2: segment^sequence^field',
	},
]);

export async function execute(this: IExecuteFunctions, i: number) {
	const m = await readMessage(this, i);
	const code = this.getNodeParameter('code', i) as AckCode;
	const errorMessage = (this.getNodeParameter('errorMessage', i, '') as string).trim();
	const ack = createAck(m, {
		code,
		text: this.getNodeParameter('text', i, '') as string,
		errors: errorMessage
			? [
					{
						message: errorMessage,
						location: (this.getNodeParameter('errorLocation', i, '') as string) || undefined,
					},
				]
			: [],
	});
	return [
		{
			json: {
				ack: ack.message,
				code,
				acknowledges: m.get('MSH.10'),
				required: ack.required,
				reason: ack.reason,
			},
			pairedItem: { item: i },
		},
	];
}
