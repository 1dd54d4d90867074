import { updateDisplayOptions, type IExecuteFunctions } from 'n8n-workflow';

import { splitBatch } from '../../../hl7/codec';
import { show } from '../fields';
import { hl7Error, readMessageText } from './input';

export const option = {
	name: 'Split Batch',
	value: 'splitBatch',
	action: 'Split an HL7 batch',
	description: 'One item per message of an FHS/BHS batch',
};

export const toolDescription =
	'Split an HL7 v2 batch file into its messages. Works offline. Returns one item per message.';

export const writes = false;

export const description = updateDisplayOptions(show('hl7', 'splitBatch'), []);

export async function execute(this: IExecuteFunctions, i: number) {
	const text = await readMessageText(this, i);
	let batch;
	try {
		batch = splitBatch(text);
	} catch (error) {
		throw hl7Error(this, i, error);
	}
	return batch.messages.map((message, index) => ({
		json: {
			message,
			index,
			count: batch.messages.length,
			batchHeader: batch.header,
			batchTrailer: batch.trailer,
		},
		pairedItem: { item: i },
	}));
}
