import type { INodeProperties } from 'n8n-workflow';

// athena's appointment reminders are recall "ticklers": a note to book the patient around a date.
export const reminderId: INodeProperties = {
	displayName: 'Reminder ID',
	name: 'reminderId',
	type: 'string',
	default: '',
	required: true,
};

export const REMINDERS_PATH = '/appointments/appointmentreminders';
