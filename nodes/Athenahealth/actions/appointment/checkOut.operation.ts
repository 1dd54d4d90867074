import { updateDisplayOptions, type IExecuteFunctions } from 'n8n-workflow';

import { athenaRequest } from '../../transport/request';
import { show } from '../fields';
import { toItems } from '../output';
import { idParam, practiceOf } from '../params';
import { appointmentIdField } from './common';

export const option = { name: 'Check Out', value: 'checkOut', action: 'Check out an appointment' };

export const toolDescription =
	'Check a patient out of an athenahealth appointment after the visit. Returns the result.';

export const writes = true;

export const description = updateDisplayOptions(show('appointment', 'checkOut'), [
	appointmentIdField(),
]);

export async function execute(this: IExecuteFunctions, i: number) {
	const id = idParam(this, 'appointmentId', i, 'Appointment ID')!;
	await athenaRequest(this, {
		method: 'POST',
		path: `/appointments/${id}/checkout`,
		practiceId: practiceOf(this, i),
		itemIndex: i,
	});
	return toItems([{ appointmentid: id, checkedOut: true }], i);
}
