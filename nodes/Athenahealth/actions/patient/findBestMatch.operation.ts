import { updateDisplayOptions, type IDataObject, type IExecuteFunctions } from 'n8n-workflow';

import { athenaRequest } from '../../transport/request';
import { show } from '../fields';
import { toItems } from '../output';
import { compact, dateParam, practiceOf } from '../params';

export const option = {
	name: 'Find Best Match',
	value: 'findBestMatch',
	action: 'Find the best matching patients',
	description: "Use athena's enhanced best match by name and date of birth, with scores",
};

export const toolDescription =
	"Find the athenahealth patients that best match a person's name and date of birth. Returns candidates with athena's match score, best first.";

export const writes = false;

export const description = updateDisplayOptions(show('patient', 'findBestMatch'), [
	{ displayName: 'First Name', name: 'firstname', type: 'string', default: '', required: true },
	{ displayName: 'Last Name', name: 'lastname', type: 'string', default: '', required: true },
	{
		displayName: 'Date of Birth',
		name: 'dob',
		type: 'string',
		default: '',
		required: true,
		placeholder: '1980-04-07',
	},
	{
		displayName: 'Options',
		name: 'options',
		type: 'collection',
		placeholder: 'Add Option',
		default: {},
		options: [
			{
				displayName: 'Email',
				name: 'email',
				type: 'string',
				placeholder: 'name@email.com',
				default: '',
			},
			{
				displayName: 'Minimum Score',
				name: 'minscore',
				type: 'number',
				default: 0,
				description: 'Leave out matches scoring below this (athena scores are roughly 0–30)',
			},
			{ displayName: 'Mobile Phone', name: 'mobilephone', type: 'string', default: '' },
			{
				displayName: 'Only Best Matches',
				name: 'returnbestmatches',
				type: 'boolean',
				default: false,
				description: 'Whether to return only the top five matches scoring 16 or more',
			},
			{ displayName: 'ZIP Code', name: 'zip', type: 'string', default: '' },
		],
	},
]);

export async function execute(this: IExecuteFunctions, i: number) {
	const qs = compact({
		firstname: (this.getNodeParameter('firstname', i) as string).trim(),
		lastname: (this.getNodeParameter('lastname', i) as string).trim(),
		dob: dateParam(this, 'dob', i, 'Date of Birth'),
		...(this.getNodeParameter('options', i, {}) as IDataObject),
	});
	const body = await athenaRequest(this, {
		method: 'GET',
		path: '/patients/enhancedbestmatch',
		qs,
		practiceId: practiceOf(this, i),
		itemIndex: i,
	});
	const matches = (Array.isArray(body) ? body : []) as IDataObject[];
	return toItems(
		matches.map((m) => ({ ...m, scoreNumber: Number(m.score) })),
		i,
	);
}
