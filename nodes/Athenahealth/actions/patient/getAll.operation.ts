import { updateDisplayOptions, type IExecuteFunctions } from 'n8n-workflow';

import { athenaList } from '../../transport/paginate';
import { idParam, maxItems, practiceOf, returnAllAndLimit, show, toItems } from '../common';
import { departmentLocator } from '../locators';

export const description = updateDisplayOptions(show('patient', 'getAll'), [
	departmentLocator(),
	{
		displayName: 'Status',
		name: 'status',
		type: 'options',
		default: 'active',
		options: [
			{ name: 'Active', value: 'active' },
			{ name: 'Inactive', value: 'inactive' },
			{ name: 'Prospective', value: 'prospective' },
		],
	},
	...returnAllAndLimit,
]);

export async function execute(this: IExecuteFunctions, i: number) {
	const departmentid = idParam(this, 'departmentId', i, 'Department');
	const status = this.getNodeParameter('status', i) as string;
	const records = await athenaList(this, {
		method: 'GET',
		path: '/patients',
		wrapper: 'patients',
		qs: { departmentid, status },
		practiceId: practiceOf(this, i),
		itemIndex: i,
		maxItems: maxItems(this, i),
	});
	return toItems(records, i);
}
