import {
	NodeApiError,
	updateDisplayOptions,
	type IExecuteFunctions,
	type JsonObject,
} from 'n8n-workflow';

import { asNodeError } from '../../transport/errors';
import { athenaRequest } from '../../transport/request';
import { show } from '../fields';
import { single, toItems } from '../output';
import { compact, idParam, inputError, practiceOf } from '../params';
import { appointmentTypeLocator, patientLocator } from '../locators';
import { appointmentIdField, getAppointment, timeoutOption, writeThenVerify } from './common';

export const option = {
	name: 'Book',
	value: 'book',
	action: 'Book an appointment',
	description: 'Book a patient into an open slot',
};

export const toolDescription =
	'Book a patient into an open athenahealth appointment slot (one found by the open-slots search). Returns the booked appointment (appointment ' +
	'ID, date, start time, patient ID, status f = booked).';

export const writes = true;

export const description = updateDisplayOptions(show('appointment', 'book'), [
	appointmentIdField('appointmentId', 'Open Slot ID', 'An open slot from Get Open Slots'),
	patientLocator(),
	{ ...appointmentTypeLocator(false), description: 'Required unless a Reason ID is given' },
	{
		displayName: 'Options',
		name: 'options',
		type: 'collection',
		placeholder: 'Add Option',
		default: {},
		options: [
			{ displayName: 'Booking Note', name: 'bookingnote', type: 'string', default: '' },
			{
				displayName: 'Do Not Send Confirmation Email',
				name: 'donotsendconfirmationemail',
				type: 'boolean',
				default: false,
				description: 'Whether to skip the confirmation email',
			},
			{
				displayName: 'Ignore Schedulable Permission',
				name: 'ignoreschedulablepermission',
				type: 'boolean',
				default: false,
				description: 'Whether to book slots not marked as bookable through the API',
			},
			{
				displayName: 'Reason ID',
				name: 'reasonid',
				type: 'string',
				default: '',
				description: 'Patient-facing reason, instead of an appointment type',
			},
			timeoutOption,
		],
	},
]);

export async function execute(this: IExecuteFunctions, i: number) {
	const slot = idParam(this, 'appointmentId', i, 'Open Slot ID')!;
	const patientid = idParam(this, 'patientId', i, 'Patient')!;
	const appointmenttypeid = idParam(this, 'appointmentTypeId', i, 'Appointment Type', true);
	const { timeout, ...options } = this.getNodeParameter('options', i, {}) as {
		timeout?: number;
		reasonid?: string;
	};
	if (!appointmenttypeid && !options.reasonid)
		throw inputError(
			this,
			i,
			'Choose an Appointment Type or a Reason ID',
			'athena books a slot only with one of them.',
		);
	const practiceId = practiceOf(this, i);
	try {
		const { result, recovered } = await writeThenVerify(
			this,
			i,
			async () =>
				await athenaRequest(this, {
					method: 'PUT',
					path: `/appointments/${slot}`,
					form: compact({ patientid, appointmenttypeid, ...options }),
					practiceId,
					itemIndex: i,
					timeoutMs: timeout,
				}),
			async () => {
				const now = await getAppointment(this, slot, practiceId, i);
				return (
					String(now.patientid ?? '') === patientid &&
					now.appointmentstatus !== 'o' &&
					now.appointmentstatus !== 'x'
				);
			},
			{
				what: `the booking of slot ${slot} for patient ${patientid}`,
				check:
					`The slot may be booked (appointment ${slot}). Check it with Appointment Get on appointment ${slot} (or in athena's scheduler) before ` +
					`booking this patient anywhere else.`,
			},
		);
		const appointment = result ? single(result) : await getAppointment(this, slot, practiceId, i);
		return toItems(
			[{ ...appointment, ...(recovered ? { recoveredAfterUnconfirmedBooking: true } : {}) }],
			i,
		);
	} catch (error) {
		if ((error as NodeApiError).httpCode === '409') {
			throw new NodeApiError(this.getNode(), (error as NodeApiError).errorResponse as JsonObject, {
				message: `Slot ${slot} is already booked or cannot be booked through the API`,
				description:
					'athena answered 409 Conflict. Pick another slot from Get Open Slots (or turn on Ignore Schedulable Permission if the practice allows it).',
				httpCode: '409',
				itemIndex: i,
			});
		}
		throw asNodeError(this.getNode(), error);
	}
}
