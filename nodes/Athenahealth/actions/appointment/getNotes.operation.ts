import { updateDisplayOptions, type IExecuteFunctions } from 'n8n-workflow';

import { athenaList } from '../../transport/paginate';
import { show } from '../fields';
import { toItems } from '../output';
import { idParam, practiceOf } from '../params';
import { appointmentIdField } from './common';

export const option = {
	name: 'Get Notes',
	value: 'getNotes',
	action: 'Get the notes of an appointment',
};

export const toolDescription =
	'Get the notes attached to an athenahealth appointment. Returns the notes.';

export const writes = false;

export const description = updateDisplayOptions(show('appointment', 'getNotes'), [
	appointmentIdField(),
]);

export async function execute(this: IExecuteFunctions, i: number) {
	const id = idParam(this, 'appointmentId', i, 'Appointment ID')!;
	const notes = await athenaList(this, {
		method: 'GET',
		path: `/appointments/${id}/notes`,
		wrapper: 'notes',
		practiceId: practiceOf(this, i),
		itemIndex: i,
	});
	return toItems(
		notes.map((n) => ({ appointmentid: id, ...n })),
		i,
	);
}
