import { updateDisplayOptions, type IDataObject, type IExecuteFunctions } from 'n8n-workflow';

import { athenaRequest } from '../../transport/request';
import { show } from '../fields';
import { toItems } from '../output';
import { compact, dateParam, idParam, practiceOf } from '../params';
import {
	appointmentTypeLocator,
	departmentLocator,
	patientLocator,
	providerLocator,
} from '../locators';
import { REMINDERS_PATH } from './common';

export const option = { name: 'Create', value: 'create', action: 'Create an appointment reminder' };

export const toolDescription =
	'Create an athenahealth appointment reminder (a recall): a note that a patient should be seen in a department around a given date. Returns the reminder ID.';

export const writes = true;

export const description = updateDisplayOptions(show('appointmentReminder', 'create'), [
	patientLocator(),
	departmentLocator(),
	{
		displayName: 'Approximate Date',
		name: 'approximateDate',
		type: 'string',
		default: '',
		required: true,
		placeholder: '2027-05-01',
		description: 'Around when the patient should be seen',
	},
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
			{
				displayName: 'Patient Instructions',
				name: 'patientinstructions',
				type: 'string',
				default: '',
			},
		],
	},
]);

export async function execute(this: IExecuteFunctions, i: number) {
	const extra = this.getNodeParameter('additionalFields', i, {}) as IDataObject;
	const form = compact({
		patientid: idParam(this, 'patientId', i, 'Patient'),
		departmentid: idParam(this, 'departmentId', i, 'Department'),
		approximatedate: dateParam(this, 'approximateDate', i, 'Approximate Date'),
		appointmenttypeid: extra.appointmenttypeid
			? idParam(this, 'additionalFields.appointmenttypeid', i, 'Appointment Type')
			: undefined,
		providerid: extra.providerid
			? idParam(this, 'additionalFields.providerid', i, 'Provider')
			: undefined,
		note: extra.note,
		patientinstructions: extra.patientinstructions,
	});
	const body = (await athenaRequest(this, {
		method: 'POST',
		path: REMINDERS_PATH,
		form,
		practiceId: practiceOf(this, i),
		itemIndex: i,
	})) as IDataObject;
	return toItems([{ appointmentreminderid: body.appointmentreminderid, ...form }], i);
}
