import { updateDisplayOptions, type IDataObject, type IExecuteFunctions } from 'n8n-workflow';

import { parseDateInput, toAthenaDate } from '../../shared/dates';
import { patientFieldTooLong } from '../../shared/patientFields';
import { athenaRequest } from '../../transport/request';
import { show } from '../fields';
import { single, toItems } from '../output';
import { compact, idParam, inputError, practiceOf } from '../params';
import { patientLocator } from '../locators';
import { patientFieldOptions } from './fields';

export const option = {
	name: 'Update',
	value: 'update',
	action: 'Update a patient',
	description: 'Change only the given fields of a patient',
};

export const toolDescription =
	'Change fields of an existing athenahealth patient; only the given fields change. Returns the patient ID.';

export const writes = true;

export const description = updateDisplayOptions(show('patient', 'update'), [
	patientLocator(),
	{
		displayName: 'Update Fields',
		name: 'updateFields',
		type: 'collection',
		placeholder: 'Add Field',
		default: {},
		description: 'Only the fields added here are sent; everything else stays as it is in athena',
		options: [
			...patientFieldOptions,
			{
				displayName: 'Date of Birth',
				name: 'dob',
				type: 'string',
				default: '',
				placeholder: '1980-04-07',
			},
		],
	},
]);

export async function execute(this: IExecuteFunctions, i: number) {
	const id = idParam(this, 'patientId', i, 'Patient')!;
	const form = compact({ ...(this.getNodeParameter('updateFields', i, {}) as IDataObject) });
	if (!Object.keys(form).length)
		throw inputError(
			this,
			i,
			'Add at least one field to update',
			'Nothing would change: pick the fields to update under Update Fields.',
		);
	if (form.dob !== undefined) {
		const parts = parseDateInput(form.dob);
		if (!parts)
			throw inputError(
				this,
				i,
				'Date of Birth is not a date athena can use',
				`Got "${String(form.dob)}". Use YYYY-MM-DD or MM/DD/YYYY.`,
			);
		form.dob = toAthenaDate(parts);
	}
	const tooLong = patientFieldTooLong(form);
	if (tooLong) throw inputError(this, i, tooLong);
	// PUT with the same values is harmless to repeat, so a dropped connection may be retried.
	const body = await athenaRequest(this, {
		method: 'PUT',
		path: `/patients/${id}`,
		form,
		practiceId: practiceOf(this, i),
		itemIndex: i,
		idempotent: true,
	});
	return toItems(
		[{ patientid: String(single(body).patientid ?? id), updatedFields: Object.keys(form) }],
		i,
	);
}
