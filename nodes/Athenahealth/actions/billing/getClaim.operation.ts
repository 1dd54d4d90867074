import { updateDisplayOptions, type IExecuteFunctions } from 'n8n-workflow';

import { athenaRequest } from '../../transport/request';
import { idParam, practiceOf, show, single, toItems } from '../common';

export const description = updateDisplayOptions(show('billing', 'getClaim'), [
	{ displayName: 'Claim ID', name: 'claimId', type: 'string', default: '', required: true, placeholder: '301', description: 'The claim (digits), e.g. claimid from Get Many Claims' },
	{
		displayName: 'Options',
		name: 'options',
		type: 'collection',
		placeholder: 'Add Option',
		default: {},
		options: [{ displayName: 'Show Custom Fields', name: 'showcustomfields', type: 'boolean', default: false, description: 'Whether to include claim custom fields' }],
	},
]);

export async function execute(this: IExecuteFunctions, i: number) {
	const id = idParam(this, 'claimId', i, 'Claim ID')!;
	const { showcustomfields } = this.getNodeParameter('options', i, {}) as { showcustomfields?: boolean };
	const body = await athenaRequest(this, { method: 'GET', path: `/claims/${id}`, qs: { showcustomfields: showcustomfields || undefined }, practiceId: practiceOf(this, i), itemIndex: i });
	return toItems([single(body)], i);
}
