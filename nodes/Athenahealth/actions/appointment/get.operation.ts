import { updateDisplayOptions, type IExecuteFunctions } from 'n8n-workflow';

import { athenaRequest } from '../../transport/request';
import { show, simplifyField } from '../fields';
import { simplified, single, toItems } from '../output';
import { idParam, practiceOf } from '../params';
import { appointmentIdField } from './common';

export const option = { name: 'Get', value: 'get', action: 'Get an appointment' };

export const toolDescription =
	'Get one athenahealth appointment. Returns date, start time, duration, department, provider, patient, appointment type and status (f booked, ' +
	'x cancelled, 2 checked in, 3 checked out, o open).';

export const writes = false;

export const description = updateDisplayOptions(show('appointment', 'get'), [
	appointmentIdField(),
	{
		displayName: 'Include Patient Details',
		name: 'showpatientdetail',
		type: 'boolean',
		default: false,
		description: "Whether to include the patient's record",
	},
	simplifyField,
]);

export async function execute(this: IExecuteFunctions, i: number) {
	const id = idParam(this, 'appointmentId', i, 'Appointment ID')!;
	const showpatientdetail = this.getNodeParameter('showpatientdetail', i, false) as boolean;
	const body = await athenaRequest(this, {
		method: 'GET',
		path: `/appointments/${id}`,
		qs: showpatientdetail ? { showpatientdetail } : undefined,
		practiceId: practiceOf(this, i),
		itemIndex: i,
	});
	return toItems(simplified(this, i, 'appointment', [single(body)]), i);
}
