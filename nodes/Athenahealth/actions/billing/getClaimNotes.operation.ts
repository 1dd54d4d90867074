import { updateDisplayOptions, type IExecuteFunctions } from 'n8n-workflow';

import { returnAllAndLimit, show } from '../fields';
import { toItems } from '../output';
import { idParam, maxItems, practiceOf } from '../params';
import { claimNotes } from './common';

export const option = {
	name: 'Get Claim Notes',
	value: 'getClaimNotes',
	action: "Get a claim's notes",
	description: "Read a claim's notes, one item each",
};

export const toolDescription =
	'Get the notes of an athenahealth billing claim; read only. Returns one item per note with its text, author and date.';

export const writes = false;

export const description = updateDisplayOptions(show('billing', 'getClaimNotes'), [
	{
		displayName: 'Claim ID',
		name: 'claimId',
		type: 'string',
		default: '',
		required: true,
		placeholder: '301',
	},
	...returnAllAndLimit,
]);

export async function execute(this: IExecuteFunctions, i: number) {
	const claimid = idParam(this, 'claimId', i, 'Claim ID')!;
	const notes = await claimNotes(this, claimid, practiceOf(this, i), i, maxItems(this, i));
	return toItems(
		notes.map((n) => ({ claimid, ...n })),
		i,
	);
}
