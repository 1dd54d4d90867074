import { updateDisplayOptions, type IExecuteFunctions } from 'n8n-workflow';

import { athenaRequest } from '../../transport/request';
import { show } from '../fields';
import { toItems } from '../output';
import { idParam, practiceOf } from '../params';
import { REMINDERS_PATH, reminderId } from './common';

export const option = { name: 'Delete', value: 'delete', action: 'Delete an appointment reminder' };

export const toolDescription =
	'Delete an athenahealth appointment reminder (a recall). Returns whether athena deleted it.';

export const writes = true;

export const description = updateDisplayOptions(show('appointmentReminder', 'delete'), [
	reminderId,
]);

export async function execute(this: IExecuteFunctions, i: number) {
	const id = idParam(this, 'reminderId', i, 'Reminder ID')!;
	await athenaRequest(this, {
		method: 'DELETE',
		path: `${REMINDERS_PATH}/${id}`,
		practiceId: practiceOf(this, i),
		itemIndex: i,
	});
	return toItems([{ appointmentreminderid: id, deleted: true }], i);
}
