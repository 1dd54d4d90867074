import { updateDisplayOptions, type IDataObject, type IExecuteFunctions } from 'n8n-workflow';

import { athenaList } from '../../transport/paginate';
import { returnAllAndLimit, show, simplifyField } from '../fields';
import { simplified, toItems } from '../output';
import {
	checkRange,
	compact,
	dateParam,
	idParam,
	inputError,
	maxItems,
	practiceOf,
} from '../params';
import { appointmentTypeLocator, departmentLocator, providerLocator } from '../locators';

export const option = {
	name: 'Get Open Slots',
	value: 'getOpenSlots',
	action: 'Get open appointment slots',
};

export const toolDescription =
	"Find open (bookable) appointment slots in an athenahealth department's schedule. Returns slots with appointment ID (the slot to book), date " +
	'(MM/DD/YYYY), start time, duration, provider ID and appointment type ID.';

export const writes = false;

export const description = updateDisplayOptions(show('appointment', 'getOpenSlots'), [
	{
		displayName:
			'athena needs a department and either an appointment type or a reason. With a reason other than -1 (any web-schedulable slot) a provider is ' +
			'required too. Slots less than 24 hours or more than 90 days ahead are hidden unless Bypass Schedule Time Checks is on.',
		name: 'openSlotsNotice',
		type: 'notice',
		default: '',
	},
	departmentLocator(),
	{ ...appointmentTypeLocator(false), description: 'Required unless a Reason ID is given' },
	{ ...providerLocator(false), description: 'Required when a Reason ID other than -1 is given' },
	{
		displayName: 'Reason ID',
		name: 'reasonId',
		type: 'string',
		default: '',
		placeholder: '-1',
		description: 'Patient appointment reason; -1 means any web-schedulable slot',
	},
	{
		displayName: 'Start Date',
		name: 'startDate',
		type: 'string',
		default: '',
		placeholder: '2026-11-24',
		description: 'First day, inclusive (default: today)',
	},
	{
		displayName: 'End Date',
		name: 'endDate',
		type: 'string',
		default: '',
		placeholder: '2026-11-30',
		description: 'Last day, inclusive (default: start date + 7 days)',
	},
	{
		displayName: 'Options',
		name: 'options',
		type: 'collection',
		placeholder: 'Add Option',
		default: {},
		options: [
			{
				displayName: 'Bypass Schedule Time Checks',
				name: 'bypassscheduletimechecks',
				type: 'boolean',
				default: false,
				description:
					"Whether to include slots inside the practice's minimum and maximum booking windows",
			},
			{
				displayName: 'Ignore Schedulable Permission',
				name: 'ignoreschedulablepermission',
				type: 'boolean',
				default: false,
				description: 'Whether to include slots not marked as bookable through the API',
			},
			{
				displayName: 'Show Frozen Slots',
				name: 'showfrozenslots',
				type: 'boolean',
				default: false,
				description: 'Whether to include frozen slots',
			},
		],
	},
	...returnAllAndLimit,
	simplifyField,
]);

export async function execute(this: IExecuteFunctions, i: number) {
	const appointmenttypeid = idParam(this, 'appointmentTypeId', i, 'Appointment Type', true);
	const providerid = idParam(this, 'providerId', i, 'Provider', true);
	const reasonid = String(this.getNodeParameter('reasonId', i, '')).trim();
	if (reasonid && !/^-?\d+(,-?\d+)*$/.test(reasonid))
		throw inputError(
			this,
			i,
			'Reason ID must be a number such as 563, or -1 for any',
			`Got "${reasonid}".`,
		);
	if (!appointmenttypeid && !reasonid)
		throw inputError(
			this,
			i,
			'Choose an Appointment Type or a Reason ID',
			'athena returns no open slots without one of them.',
		);
	if (reasonid && reasonid !== '-1' && !providerid)
		throw inputError(
			this,
			i,
			'Choose a Provider when searching by Reason ID',
			'athena requires a provider for any reason other than -1.',
		);
	const startdate = dateParam(this, 'startDate', i, 'Start Date', { optional: true });
	const enddate = dateParam(this, 'endDate', i, 'End Date', { optional: true });
	checkRange(this, i, startdate, enddate, 'Start Date', 'End Date');
	const qs: IDataObject = compact({
		departmentid: idParam(this, 'departmentId', i, 'Department'),
		appointmenttypeid,
		providerid,
		reasonid,
		startdate,
		enddate,
		...(this.getNodeParameter('options', i, {}) as IDataObject),
	});
	const records = await athenaList(this, {
		method: 'GET',
		path: '/appointments/open',
		wrapper: 'appointments',
		qs,
		practiceId: practiceOf(this, i),
		itemIndex: i,
		maxItems: maxItems(this, i),
	});
	return toItems(simplified(this, i, 'appointment', records), i);
}
