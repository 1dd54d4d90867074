import { updateDisplayOptions, type IExecuteFunctions } from 'n8n-workflow';

import { athenaList } from '../../transport/paginate';
import { idParam, maxItems, practiceOf, returnAllAndLimit, show, simplified, simplifyField, toItems } from '../common';
import { departmentLocator } from '../locators';
import { patientStatusField } from './fields';

export const description = updateDisplayOptions(show('patient', 'getAll'), [
	departmentLocator(),
	patientStatusField,
	...returnAllAndLimit,
	simplifyField,
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
	return toItems(simplified(this, i, 'patient', records), i);
}
