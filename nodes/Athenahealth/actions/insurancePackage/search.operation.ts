import { updateDisplayOptions, type IDataObject, type IExecuteFunctions } from 'n8n-workflow';

import { athenaRequest } from '../../transport/request';
import { show } from '../fields';
import { toItems } from '../output';
import { compact, inputError, practiceOf } from '../params';
import { recordsOf } from '../../transport/paginate';

export const option = {
	name: 'Search',
	value: 'search',
	action: 'Search insurance packages',
	description:
		'Find the package (plan) ID for a new policy by plan name and member ID (both required); at most 15 packages',
};

export const toolDescription =
	"Search athenahealth's insurance packages (plans) for the one matching a patient's coverage; athena returns at most 15. Returns packages with " +
	'insurance package ID, name and address.';

export const writes = false;

export const description = updateDisplayOptions(show('insurancePackage', 'search'), [
	{
		displayName:
			'athena returns at most 15 packages for a search and asks to narrow the criteria beyond that; add the state or ZIP code if the plan you need is missing',
		name: 'capNotice',
		type: 'notice',
		default: '',
	},
	{
		displayName: 'Plan Name',
		name: 'insuranceplanname',
		type: 'string',
		default: '',
		required: true,
		placeholder: 'United Healthcare',
		description: 'Part of the plan name as printed on the card',
	},
	{
		displayName: 'Member ID',
		name: 'memberid',
		type: 'string',
		default: '',
		required: true,
		description: "The patient's member ID from the card (athena requires it for the search)",
	},
	{
		displayName: 'Filters',
		name: 'filters',
		type: 'collection',
		placeholder: 'Add Filter',
		default: {},
		options: [
			{ displayName: 'Address', name: 'insuranceaddress', type: 'string', default: '' },
			{ displayName: 'City', name: 'insurancecity', type: 'string', default: '' },
			{ displayName: 'Phone', name: 'insurancephone', type: 'string', default: '' },
			{
				displayName: 'State',
				name: 'insurancestate',
				type: 'string',
				default: '',
				placeholder: 'GA',
				description: 'Two-letter state of the payer address',
			},
			{
				displayName: 'State of Coverage',
				name: 'stateofcoverage',
				type: 'string',
				default: '',
				placeholder: 'NY',
			},
			{
				displayName: 'ZIP Code',
				name: 'insurancezip',
				type: 'string',
				default: '',
				placeholder: '30374-0800',
			},
		],
	},
]);

export async function execute(this: IExecuteFunctions, i: number) {
	const insuranceplanname = String(this.getNodeParameter('insuranceplanname', i, '')).trim();
	const memberid = String(this.getNodeParameter('memberid', i, '')).trim();
	if (!insuranceplanname || !memberid)
		throw inputError(
			this,
			i,
			'Plan Name and Member ID are both required',
			'athena searches insurance packages only with a plan name and the member ID from the card.',
		);
	const filters = compact(this.getNodeParameter('filters', i, {}) as IDataObject);
	// one request: athena caps this search at 15 results and does not page it
	const body = await athenaRequest(this, {
		method: 'GET',
		path: '/insurancepackages',
		qs: { ...filters, insuranceplanname, memberid },
		practiceId: practiceOf(this, i),
		itemIndex: i,
	});
	return toItems(recordsOf(body, 'insurances').records, i);
}
