import { updateDisplayOptions, type IExecuteFunctions } from 'n8n-workflow';

import { athenaRequest } from '../../transport/request';
import { show } from '../fields';
import { single, toItems } from '../output';
import { idParam, practiceOf } from '../params';

export const option = {
	name: 'Get Claim',
	value: 'getClaim',
	action: 'Get a claim',
	description: 'Read one claim by its ID (digits); returns the claim (read only)',
};

export const toolDescription =
	'Get one athenahealth billing claim; read only. Returns the claim with its charges, status and balances.';

export const writes = false;

export const description = updateDisplayOptions(show('billing', 'getClaim'), [
	{
		displayName: 'Claim ID',
		name: 'claimId',
		type: 'string',
		default: '',
		required: true,
		placeholder: '301',
		description: 'The claim (digits), e.g. claimid from Get Many Claims',
	},
	{
		displayName: 'Options',
		name: 'options',
		type: 'collection',
		placeholder: 'Add Option',
		default: {},
		options: [
			{
				displayName: 'Show Custom Fields',
				name: 'showcustomfields',
				type: 'boolean',
				default: false,
				description: 'Whether to include claim custom fields',
			},
		],
	},
]);

export async function execute(this: IExecuteFunctions, i: number) {
	const id = idParam(this, 'claimId', i, 'Claim ID')!;
	const { showcustomfields } = this.getNodeParameter('options', i, {}) as {
		showcustomfields?: boolean;
	};
	const body = await athenaRequest(this, {
		method: 'GET',
		path: `/claims/${id}`,
		qs: { showcustomfields: showcustomfields || undefined },
		practiceId: practiceOf(this, i),
		itemIndex: i,
	});
	return toItems([single(body)], i);
}
