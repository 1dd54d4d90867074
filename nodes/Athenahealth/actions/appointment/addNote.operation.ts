import { updateDisplayOptions, type IExecuteFunctions } from 'n8n-workflow';

import { athenaRequest } from '../../transport/request';
import { show } from '../fields';
import { toItems } from '../output';
import { idParam, inputError, practiceOf } from '../params';
import { appointmentIdField } from './common';

export const option = {
	name: 'Add Note',
	value: 'addNote',
	action: 'Add a note to an appointment',
};

export const toolDescription =
	'Add a text note to an athenahealth appointment. Returns whether athena stored it.';

export const writes = true;

export const description = updateDisplayOptions(show('appointment', 'addNote'), [
	appointmentIdField(),
	{
		displayName: 'Note',
		name: 'notetext',
		type: 'string',
		typeOptions: { rows: 3 },
		default: '',
		required: true,
	},
	{
		displayName: 'Display on Schedule',
		name: 'displayonschedule',
		type: 'boolean',
		default: false,
		description: 'Whether the note shows on the schedule',
	},
]);

export async function execute(this: IExecuteFunctions, i: number) {
	const id = idParam(this, 'appointmentId', i, 'Appointment ID')!;
	const notetext = (this.getNodeParameter('notetext', i) as string).trim();
	if (!notetext)
		throw inputError(
			this,
			i,
			'Note is empty',
			'Write the note text athena should store on the appointment.',
		);
	const displayonschedule = this.getNodeParameter('displayonschedule', i, false) as boolean;
	await athenaRequest(this, {
		method: 'POST',
		path: `/appointments/${id}/notes`,
		form: { notetext, displayonschedule },
		practiceId: practiceOf(this, i),
		itemIndex: i,
	});
	return toItems([{ appointmentid: id, notetext, added: true }], i);
}
