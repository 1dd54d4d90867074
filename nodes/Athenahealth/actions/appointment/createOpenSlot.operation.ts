import { updateDisplayOptions, type IExecuteFunctions } from 'n8n-workflow';

import { athenaRequest } from '../../transport/request';
import { show } from '../fields';
import { toItems } from '../output';
import { compact, dateParam, idParam, inputError, practiceOf } from '../params';
import { appointmentTypeLocator, departmentLocator, providerLocator } from '../locators';

export const option = {
	name: 'Create Open Slot',
	value: 'createOpenSlot',
	action: 'Create open appointment slots',
};

export const toolDescription =
	"Create open (bookable) appointment slots in an athenahealth department's schedule for a provider on one day. Returns the new slot IDs.";

export const writes = true;

export const description = updateDisplayOptions(show('appointment', 'createOpenSlot'), [
	departmentLocator(),
	providerLocator(),
	{
		displayName: 'Date',
		name: 'date',
		type: 'string',
		default: '',
		required: true,
		placeholder: '2026-11-24',
	},
	{
		displayName: 'Times',
		name: 'times',
		type: 'string',
		default: '',
		required: true,
		placeholder: '08:00, 08:15',
		description: 'One or more start times (24-hour HH:MM, comma-separated); one slot each',
	},
	{ ...appointmentTypeLocator(false), description: 'Required unless a Reason ID is given' },
	{ displayName: 'Reason ID', name: 'reasonId', type: 'string', default: '' },
]);

export async function execute(this: IExecuteFunctions, i: number) {
	const times = String(this.getNodeParameter('times', i))
		.split(',')
		.map((t) => t.trim())
		.filter(Boolean)
		.map((t) => (/^\d:\d{2}$/.test(t) ? `0${t}` : t));
	if (!times.length || times.some((t) => !/^([01]\d|2[0-3]):[0-5]\d$/.test(t))) {
		throw inputError(
			this,
			i,
			'Times must be 24-hour HH:MM values',
			`Got "${String(this.getNodeParameter('times', i))}". Example: 08:00, 13:30.`,
		);
	}
	const appointmenttypeid = idParam(this, 'appointmentTypeId', i, 'Appointment Type', true);
	const reasonid = String(this.getNodeParameter('reasonId', i, '')).trim();
	if (!appointmenttypeid && !reasonid)
		throw inputError(
			this,
			i,
			'Choose an Appointment Type or a Reason ID',
			'athena creates a slot only with one of them.',
		);
	const form = compact({
		departmentid: idParam(this, 'departmentId', i, 'Department'),
		providerid: idParam(this, 'providerId', i, 'Provider'),
		appointmentdate: dateParam(this, 'date', i, 'Date'),
		appointmenttime: times.join(','),
		appointmenttypeid,
		reasonid,
	});
	const body = (await athenaRequest(this, {
		method: 'POST',
		path: '/appointments/open',
		form,
		practiceId: practiceOf(this, i),
		itemIndex: i,
	})) as { appointmentids?: Record<string, string> };
	const created = Object.entries(body?.appointmentids ?? {}).map(([appointmentid, starttime]) => ({
		appointmentid,
		starttime,
		date: form.appointmentdate,
		departmentid: form.departmentid,
		providerid: form.providerid,
	}));
	return toItems(created, i);
}
