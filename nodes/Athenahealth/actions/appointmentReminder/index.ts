import { updateDisplayOptions, type IDataObject, type IExecuteFunctions, type INodePropertyOptions } from 'n8n-workflow';

import { athenaList } from '../../transport/paginate';
import { athenaRequest } from '../../transport/request';
import { checkRange, compact, dateParam, idParam, maxItems, practiceOf, returnAllAndLimit, show, toItems } from '../common';
import { appointmentTypeLocator, departmentLocator, patientLocator, providerLocator } from '../locators';
import type { Resource } from '../types';

// athena's appointment reminders are recall "ticklers": a note to book the patient around a date.
const reminderId = {
	displayName: 'Reminder ID',
	name: 'reminderId',
	type: 'string' as const,
	default: '',
	required: true,
};

export const appointmentReminder: Resource = {
	create: {
		description: updateDisplayOptions(show('appointmentReminder', 'create'), [
			patientLocator(),
			departmentLocator(),
			{ displayName: 'Approximate Date', name: 'approximateDate', type: 'string', default: '', required: true, placeholder: '2027-05-01', description: 'Around when the patient should be seen' },
			{
				displayName: 'Additional Fields',
				name: 'additionalFields',
				type: 'collection',
				placeholder: 'Add Field',
				default: {},
				options: [
					{ ...appointmentTypeLocator(false, 'appointmenttypeid'), displayName: 'Appointment Type' },
					{ ...providerLocator(false, 'providerid'), displayName: 'Provider' },
					{ displayName: 'Note', name: 'note', type: 'string', default: '' },
					{ displayName: 'Patient Instructions', name: 'patientinstructions', type: 'string', default: '' },
				],
			},
		]),
		async execute(this: IExecuteFunctions, i: number) {
			const extra = this.getNodeParameter('additionalFields', i, {}) as IDataObject;
			const form = compact({
				patientid: idParam(this, 'patientId', i, 'Patient'),
				departmentid: idParam(this, 'departmentId', i, 'Department'),
				approximatedate: dateParam(this, 'approximateDate', i, 'Approximate Date'),
				appointmenttypeid: extra.appointmenttypeid ? idParam(this, 'additionalFields.appointmenttypeid', i, 'Appointment Type') : undefined,
				providerid: extra.providerid ? idParam(this, 'additionalFields.providerid', i, 'Provider') : undefined,
				note: extra.note,
				patientinstructions: extra.patientinstructions,
			});
			const body = (await athenaRequest(this, { method: 'POST', path: '/appointments/appointmentreminders', form, practiceId: practiceOf(this, i), itemIndex: i })) as IDataObject;
			return toItems([{ appointmentreminderid: body.appointmentreminderid, ...form }], i);
		},
	},
	get: {
		description: updateDisplayOptions(show('appointmentReminder', 'get'), [reminderId]),
		async execute(this: IExecuteFunctions, i: number) {
			const id = idParam(this, 'reminderId', i, 'Reminder ID')!;
			const body = await athenaRequest(this, { method: 'GET', path: `/appointments/appointmentreminders/${id}`, practiceId: practiceOf(this, i), itemIndex: i });
			return toItems([body as IDataObject], i);
		},
	},
	getAll: {
		description: updateDisplayOptions(show('appointmentReminder', 'getAll'), [
			departmentLocator(),
			{ displayName: 'Start Date', name: 'startDate', type: 'string', default: '', required: true, placeholder: '2026-12-01' },
			{ displayName: 'End Date', name: 'endDate', type: 'string', default: '', required: true, placeholder: '2027-12-01' },
			{ ...patientLocator(false), description: 'Leave empty for every patient' },
			{ displayName: 'Include Deleted', name: 'showdeleted', type: 'boolean', default: false, description: 'Whether to include deleted reminders' },
			...returnAllAndLimit,
		]),
		async execute(this: IExecuteFunctions, i: number) {
			const startdate = dateParam(this, 'startDate', i, 'Start Date');
			const enddate = dateParam(this, 'endDate', i, 'End Date');
			checkRange(this, i, startdate, enddate, 'Start Date', 'End Date');
			const qs = compact({
				departmentid: idParam(this, 'departmentId', i, 'Department'),
				startdate,
				enddate,
				patientid: idParam(this, 'patientId', i, 'Patient', true),
				showdeleted: this.getNodeParameter('showdeleted', i, false) || undefined,
			});
			const records = await athenaList(this, { method: 'GET', path: '/appointments/appointmentreminders', wrapper: 'reminders', qs, practiceId: practiceOf(this, i), itemIndex: i, maxItems: maxItems(this, i) });
			return toItems(records, i);
		},
	},
	delete: {
		description: updateDisplayOptions(show('appointmentReminder', 'delete'), [reminderId]),
		async execute(this: IExecuteFunctions, i: number) {
			const id = idParam(this, 'reminderId', i, 'Reminder ID')!;
			await athenaRequest(this, { method: 'DELETE', path: `/appointments/appointmentreminders/${id}`, practiceId: practiceOf(this, i), itemIndex: i });
			return toItems([{ appointmentreminderid: id, deleted: true }], i);
		},
	},
};

export const appointmentReminderOperations: INodePropertyOptions[] = [
	{ name: 'Create', value: 'create', action: 'Create an appointment reminder' },
	{ name: 'Delete', value: 'delete', action: 'Delete an appointment reminder' },
	{ name: 'Get', value: 'get', action: 'Get an appointment reminder' },
	{ name: 'Get Many', value: 'getAll', action: 'Get many appointment reminders' },
];
