import { updateDisplayOptions, type IExecuteFunctions } from 'n8n-workflow';

import { athenaList } from '../../transport/paginate';
import { returnAllAndLimit, show } from '../fields';
import { toItems } from '../output';
import { checkRange, compact, dateParam, idParam, maxItems, practiceOf } from '../params';
import { departmentLocator, patientLocator } from '../locators';
import { REMINDERS_PATH } from './common';

export const option = {
	name: 'Get Many',
	value: 'getAll',
	action: 'Get many appointment reminders',
};

export const toolDescription =
	"List a department's athenahealth appointment reminders (recalls) over a period of dates. Returns reminders with reminder ID, patient ID and date.";

export const writes = false;

export const description = updateDisplayOptions(show('appointmentReminder', 'getAll'), [
	departmentLocator(),
	{
		displayName: 'Start Date',
		name: 'startDate',
		type: 'string',
		default: '',
		required: true,
		placeholder: '2026-12-01',
	},
	{
		displayName: 'End Date',
		name: 'endDate',
		type: 'string',
		default: '',
		required: true,
		placeholder: '2027-12-01',
	},
	{ ...patientLocator(false), description: 'Leave empty for every patient' },
	{
		displayName: 'Include Deleted',
		name: 'showdeleted',
		type: 'boolean',
		default: false,
		description: 'Whether to include deleted reminders',
	},
	...returnAllAndLimit,
]);

export async function execute(this: IExecuteFunctions, i: number) {
	const startdate = dateParam(this, 'startDate', i, 'Start Date');
	const enddate = dateParam(this, 'endDate', i, 'End Date');
	checkRange(this, i, startdate, enddate, 'Start Date', 'End Date');
	const qs = compact({
		departmentid: idParam(this, 'departmentId', i, 'Department'),
		startdate,
		enddate,
		patientid: idParam(this, 'patientId', i, 'Patient', true),
		showdeleted: this.getNodeParameter('showdeleted', i, false) || undefined,
	});
	const records = await athenaList(this, {
		method: 'GET',
		path: REMINDERS_PATH,
		wrapper: 'reminders',
		qs,
		practiceId: practiceOf(this, i),
		itemIndex: i,
		maxItems: maxItems(this, i),
	});
	return toItems(records, i);
}
