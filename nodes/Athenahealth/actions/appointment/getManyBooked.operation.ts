import { updateDisplayOptions, type IDataObject, type IExecuteFunctions } from 'n8n-workflow';

import { athenaList } from '../../transport/paginate';
import { returnAllAndLimit, show, simplifyField } from '../fields';
import { simplified, toItems } from '../output';
import {
	checkRange,
	compact,
	dateParam,
	dateValue,
	idParam,
	inputError,
	maxItems,
	practiceOf,
} from '../params';
import { departmentLocator, patientLocator, providerLocator } from '../locators';

export const option = {
	name: 'Get Many Booked',
	value: 'getManyBooked',
	action: 'Get many booked appointments',
	description: 'Booked appointments by date range, department, provider, patient and status',
};

export const toolDescription =
	'List booked athenahealth appointments over a period of days. Returns appointments with appointment ID, date, start time, patient ID, provider ID and status.';

export const writes = false;

export const description = updateDisplayOptions(show('appointment', 'getManyBooked'), [
	{
		displayName: 'Start Date',
		name: 'startDate',
		type: 'string',
		default: '',
		required: true,
		placeholder: '2026-11-24',
		description: 'First appointment day, inclusive',
	},
	{
		displayName: 'End Date',
		name: 'endDate',
		type: 'string',
		default: '',
		required: true,
		placeholder: '2026-11-24',
		description: 'Last appointment day, inclusive',
	},
	{ ...departmentLocator(false), description: 'Leave empty for every department' },
	{ ...providerLocator(false), description: 'Leave empty for every provider' },
	{ ...patientLocator(false), description: 'Leave empty for every patient' },
	{
		displayName: 'Options',
		name: 'options',
		type: 'collection',
		placeholder: 'Add Option',
		default: {},
		options: [
			{
				displayName: 'Appointment Status',
				name: 'appointmentstatus',
				type: 'options',
				default: 'f',
				options: [
					{ name: 'Cancelled', value: 'x' },
					{ name: 'Charge Entered', value: '4' },
					{ name: 'Checked In', value: '2' },
					{ name: 'Checked Out', value: '3' },
					{ name: 'Future (Booked)', value: 'f' },
				],
			},
			{
				displayName: 'Include Cancelled',
				name: 'showcancelled',
				type: 'boolean',
				default: false,
				description: 'Whether to include cancelled appointments',
			},
			{
				displayName: 'Include Patient Details',
				name: 'showpatientdetail',
				type: 'boolean',
				default: false,
				description: "Whether to include each patient's record (contact details for reminders)",
			},
			{
				displayName: 'Modified After',
				name: 'startlastmodified',
				type: 'string',
				default: '',
				placeholder: '2026-11-23T08:00:00',
				description: 'Only appointments changed at or after this time',
			},
			{
				displayName: 'Modified Before',
				name: 'endlastmodified',
				type: 'string',
				default: '',
				placeholder: '2026-11-23T18:00:00',
				description: 'Only appointments changed at or before this time (needs Modified After)',
			},
		],
	},
	...returnAllAndLimit,
	simplifyField,
]);

export async function execute(this: IExecuteFunctions, i: number) {
	const options = { ...(this.getNodeParameter('options', i, {}) as IDataObject) };
	if (options.startlastmodified)
		options.startlastmodified = dateValue(this, options.startlastmodified, i, 'Modified After', {
			withTime: true,
		});
	if (options.endlastmodified)
		options.endlastmodified = dateValue(this, options.endlastmodified, i, 'Modified Before', {
			withTime: true,
		});
	if (options.endlastmodified && !options.startlastmodified) {
		throw inputError(
			this,
			i,
			'Modified Before needs Modified After',
			'athena accepts an end of the modification window only with its start. Add Modified After under Options, or remove Modified Before.',
		);
	}
	checkRange(
		this,
		i,
		options.startlastmodified as string | undefined,
		options.endlastmodified as string | undefined,
		'Modified After',
		'Modified Before',
	);
	const startdate = dateParam(this, 'startDate', i, 'Start Date');
	const enddate = dateParam(this, 'endDate', i, 'End Date');
	checkRange(this, i, startdate, enddate, 'Start Date', 'End Date');
	const qs = compact({
		startdate,
		enddate,
		departmentid: idParam(this, 'departmentId', i, 'Department', true),
		providerid: idParam(this, 'providerId', i, 'Provider', true),
		patientid: idParam(this, 'patientId', i, 'Patient', true),
		...options,
	});
	const records = await athenaList(this, {
		method: 'GET',
		path: '/appointments/booked',
		wrapper: 'appointments',
		qs,
		practiceId: practiceOf(this, i),
		itemIndex: i,
		maxItems: maxItems(this, i),
	});
	return toItems(simplified(this, i, 'appointment', records), i);
}
