import { updateDisplayOptions, type IDataObject, type IExecuteFunctions } from 'n8n-workflow';

import { athenaRequest } from '../../transport/request';
import { show } from '../fields';
import { single, toItems } from '../output';
import { compact, idParam, practiceOf } from '../params';
import { patientLocator } from '../locators';
import { appointmentIdField, getAppointment, timeoutOption, writeThenVerify } from './common';

export const option = {
	name: 'Reschedule',
	value: 'reschedule',
	action: 'Reschedule an appointment',
	description: 'Move a booked appointment into another open slot',
};

export const toolDescription =
	'Move a booked athenahealth appointment into another open slot (one found by the open-slots search). Returns the new appointment.';

export const writes = true;

export const description = updateDisplayOptions(show('appointment', 'reschedule'), [
	appointmentIdField('appointmentId', 'Appointment ID', 'The booked appointment to move'),
	appointmentIdField('newAppointmentId', 'New Slot ID', 'An open slot from Get Open Slots'),
	patientLocator(),
	{
		displayName: 'Options',
		name: 'options',
		type: 'collection',
		placeholder: 'Add Option',
		default: {},
		options: [
			{ displayName: 'Reschedule Reason', name: 'reschedulereason', type: 'string', default: '' },
			{
				displayName: 'Cancel Reason ID',
				name: 'appointmentcancelreasonid',
				type: 'string',
				default: '',
			},
			timeoutOption,
		],
	},
]);

export async function execute(this: IExecuteFunctions, i: number) {
	const id = idParam(this, 'appointmentId', i, 'Appointment ID')!;
	const newappointmentid = idParam(this, 'newAppointmentId', i, 'New Slot ID')!;
	const patientid = idParam(this, 'patientId', i, 'Patient')!;
	const { timeout, ...options } = this.getNodeParameter('options', i, {}) as IDataObject & {
		timeout?: number;
	};
	const practiceId = practiceOf(this, i);
	const { result, recovered } = await writeThenVerify(
		this,
		i,
		async () =>
			await athenaRequest(this, {
				method: 'PUT',
				path: `/appointments/${id}/reschedule`,
				form: compact({ newappointmentid, patientid, ...options }),
				practiceId,
				itemIndex: i,
				timeoutMs: timeout,
			}),
		async () =>
			String((await getAppointment(this, newappointmentid, practiceId, i)).patientid ?? '') ===
			patientid,
		{
			what: `the move of appointment ${id} to slot ${newappointmentid}`,
			check:
				`Slot ${newappointmentid} may now hold the appointment and appointment ${id} may be cancelled. Check both with Appointment Get before ` +
				`moving it again.`,
		},
	);
	const appointment = result
		? single(result)
		: await getAppointment(this, newappointmentid, practiceId, i);
	return toItems(
		[
			{
				...appointment,
				previousappointmentid: id,
				...(recovered ? { recoveredAfterUnconfirmedReschedule: true } : {}),
			},
		],
		i,
	);
}
