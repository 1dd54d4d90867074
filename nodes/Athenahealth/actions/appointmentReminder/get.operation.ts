import { updateDisplayOptions, type IDataObject, type IExecuteFunctions } from 'n8n-workflow';

import { athenaRequest } from '../../transport/request';
import { show } from '../fields';
import { toItems } from '../output';
import { idParam, practiceOf } from '../params';
import { REMINDERS_PATH, reminderId } from './common';

export const option = { name: 'Get', value: 'get', action: 'Get an appointment reminder' };

export const toolDescription =
	"Get one athenahealth appointment reminder (a recall). Returns the reminder's patient, department and date.";

export const writes = false;

export const description = updateDisplayOptions(show('appointmentReminder', 'get'), [reminderId]);

export async function execute(this: IExecuteFunctions, i: number) {
	const id = idParam(this, 'reminderId', i, 'Reminder ID')!;
	const body = await athenaRequest(this, {
		method: 'GET',
		path: `${REMINDERS_PATH}/${id}`,
		practiceId: practiceOf(this, i),
		itemIndex: i,
	});
	return toItems([body as IDataObject], i);
}
