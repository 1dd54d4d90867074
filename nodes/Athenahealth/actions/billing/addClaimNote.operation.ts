import { updateDisplayOptions, type IDataObject, type IExecuteFunctions } from 'n8n-workflow';

import { asNodeError, isAmbiguousFailure, unconfirmedWriteError } from '../../transport/errors';
import { athenaRequest } from '../../transport/request';
import { show } from '../fields';
import { toItems } from '../output';
import { idParam, inputError, practiceOf } from '../params';
import { claimNotes } from './common';

export const option = {
	name: 'Add Claim Note',
	value: 'addClaimNote',
	action: 'Add a note to a claim',
	description:
		"Add a note to a claim (a claim's charges cannot be edited once submitted; a note can be added)",
};

export const toolDescription =
	"Add a note to an athenahealth billing claim. Returns the claim ID and whether the note was confirmed in the claim's notes.";

export const writes = true;

export const description = updateDisplayOptions(show('billing', 'addClaimNote'), [
	{
		displayName: 'Claim ID',
		name: 'claimId',
		type: 'string',
		default: '',
		required: true,
		placeholder: '301',
	},
	{
		displayName: 'Note',
		name: 'noteText',
		type: 'string',
		typeOptions: { rows: 3 },
		default: '',
		required: true,
	},
]);

const textOf = (n: IDataObject) => String(n.notetext ?? n.claimnote ?? n.note ?? '').trim();

export async function execute(this: IExecuteFunctions, i: number) {
	const claimid = idParam(this, 'claimId', i, 'Claim ID')!;
	const notetext = String(this.getNodeParameter('noteText', i, '')).trim();
	if (!notetext) throw inputError(this, i, 'Note is empty', 'Write the note to add to the claim.');
	if (notetext.length > 4000)
		throw inputError(
			this,
			i,
			'Note is longer than 4,000 characters',
			'Shorten it or split it into two notes.',
		);
	const practiceId = practiceOf(this, i);
	const same = async () =>
		(await claimNotes(this, claimid, practiceId, i)).filter((n) => textOf(n) === notetext).length;
	const before = await same();
	let recovered = false;
	try {
		await athenaRequest(this, {
			method: 'POST',
			path: `/claims/${claimid}/claimnotes`,
			form: { notetext },
			practiceId,
			itemIndex: i,
		});
	} catch (error) {
		if (!isAmbiguousFailure(error)) throw asNodeError(this.getNode(), error);
		const now = await same().catch(() => before);
		if (now <= before)
			throw unconfirmedWriteError(
				this.getNode(),
				error,
				`the note on claim ${claimid}`,
				`The note may have been added. Look with Billing → Get Claim Notes on claim ${claimid} before adding it again.`,
				i,
			);
		recovered = true;
	}
	const verified = recovered || (await same()) > before;
	return toItems(
		[
			{
				claimid,
				notetext,
				verified,
				...(recovered ? { recoveredAfterUnconfirmedWrite: true } : {}),
				message: verified
					? `Added the note to claim ${claimid}; it is in the claim's notes`
					: `athena accepted the note on claim ${claimid}, but it is not listed yet`,
			},
		],
		i,
	);
}
