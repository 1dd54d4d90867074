import { updateDisplayOptions, type IDataObject, type IExecuteFunctions } from 'n8n-workflow';

import { athenaRequest } from '../../transport/request';
import { show } from '../fields';
import { toItems } from '../output';
import { compact, idParam, practiceOf } from '../params';
import { patientLocator } from '../locators';
import { appointmentIdField, getAppointment, timeoutOption, writeThenVerify } from './common';

export const option = { name: 'Cancel', value: 'cancel', action: 'Cancel an appointment' };

export const toolDescription =
	'Cancel a booked athenahealth appointment. Returns the appointment with status x (cancelled).';

export const writes = true;

export const description = updateDisplayOptions(show('appointment', 'cancel'), [
	appointmentIdField(),
	patientLocator(),
	{
		displayName: 'Options',
		name: 'options',
		type: 'collection',
		placeholder: 'Add Option',
		default: {},
		options: [
			{
				displayName: 'Cancel Reason ID',
				name: 'appointmentcancelreasonid',
				type: 'string',
				default: '',
				description: "From the practice's appointment cancel reasons (e.g. a no-show reason)",
			},
			{
				displayName: 'Cancellation Reason',
				name: 'cancellationreason',
				type: 'string',
				default: '',
				description: 'Free text stored with the cancellation',
			},
			timeoutOption,
		],
	},
]);

export async function execute(this: IExecuteFunctions, i: number) {
	const id = idParam(this, 'appointmentId', i, 'Appointment ID')!;
	const patientid = idParam(this, 'patientId', i, 'Patient')!;
	const { timeout, ...options } = this.getNodeParameter('options', i, {}) as IDataObject & {
		timeout?: number;
	};
	if (options.appointmentcancelreasonid)
		options.appointmentcancelreasonid = idParam(
			this,
			'options.appointmentcancelreasonid',
			i,
			'Cancel Reason ID',
		);
	const practiceId = practiceOf(this, i);
	const { recovered } = await writeThenVerify(
		this,
		i,
		async () =>
			await athenaRequest(this, {
				method: 'PUT',
				path: `/appointments/${id}/cancel`,
				form: compact({ patientid, ...options }),
				practiceId,
				itemIndex: i,
				timeoutMs: timeout,
			}),
		async () => (await getAppointment(this, id, practiceId, i)).appointmentstatus === 'x',
		{
			what: `the cancellation of appointment ${id}`,
			check:
				`Appointment ${id} may be cancelled. Check it with Appointment Get on appointment ${id} (status x means cancelled) before cancelling or ` +
				`rebooking it.`,
		},
	);
	return toItems(
		[
			{
				appointmentid: id,
				patientid,
				appointmentstatus: 'x',
				cancelled: true,
				...(recovered ? { recoveredAfterUnconfirmedCancel: true } : {}),
			},
		],
		i,
	);
}
