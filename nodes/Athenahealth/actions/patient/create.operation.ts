import { updateDisplayOptions, type IDataObject, type IExecuteFunctions } from 'n8n-workflow';

import { CONTACT_FIELDS, patientFieldTooLong } from '../../shared/patientFields';
import { athenaList } from '../../transport/paginate';
import { athenaRequest } from '../../transport/request';
import { compact, dateParam, idParam, inputError, practiceOf, show, single, toItems } from '../common';
import { departmentLocator } from '../locators';
import { patientFieldOptions } from './fields';

export const description = updateDisplayOptions(show('patient', 'create'), [
	{ displayName: 'First Name', name: 'firstname', type: 'string', default: '', required: true },
	{ displayName: 'Last Name', name: 'lastname', type: 'string', default: '', required: true },
	{ displayName: 'Date of Birth', name: 'dob', type: 'string', default: '', required: true, placeholder: '1980-04-07' },
	departmentLocator(),
	{
		displayName: 'athena also needs one of Email, SSN, a phone number or ZIP Code (add it under Additional Fields). If a patient with the same name and date of birth exists, athena returns that patient instead of creating one; the output says so.',
		name: 'createNotice',
		type: 'notice',
		default: '',
	},
	{
		displayName: 'Additional Fields',
		name: 'additionalFields',
		type: 'collection',
		placeholder: 'Add Field',
		default: {},
		options: [
			...patientFieldOptions.filter((f) => !['firstname', 'lastname'].includes(f.name)),
			{
				displayName: 'Bypass Patient Matching',
				name: 'bypasspatientmatching',
				type: 'boolean',
				default: false,
				description: 'Whether to create a new patient even when athena finds a matching one (risks duplicates)',
			},
		],
	},
]);

export async function execute(this: IExecuteFunctions, i: number) {
	const extra = this.getNodeParameter('additionalFields', i, {}) as IDataObject;
	const form = compact({
		firstname: (this.getNodeParameter('firstname', i) as string).trim(),
		lastname: (this.getNodeParameter('lastname', i) as string).trim(),
		dob: dateParam(this, 'dob', i, 'Date of Birth'),
		departmentid: idParam(this, 'departmentId', i, 'Department'),
		...extra,
	});
	if (!form.firstname || !form.lastname) throw inputError(this, i, 'First Name and Last Name are required', 'athena will not create a patient without both names.');
	if (!CONTACT_FIELDS.some((f) => form[f])) {
		throw inputError(this, i, 'Add a way to reach the patient', 'athena requires at least one of Email, SSN, Home/Mobile/Work Phone or ZIP Code for a new patient (Additional Fields).');
	}
	const tooLong = patientFieldTooLong(form);
	if (tooLong) throw inputError(this, i, tooLong);
	const practiceId = practiceOf(this, i);

	// athena answers a create that matches an existing patient with that patient's id. Knowing who
	// existed beforehand lets us say so instead of claiming a new record was made.
	const before = form.bypasspatientmatching
		? []
		: await athenaList(this, { method: 'GET', path: '/patients', wrapper: 'patients', qs: { firstname: form.firstname, lastname: form.lastname, dob: form.dob }, practiceId, itemIndex: i, maxItems: 100 });
	const existing = new Set(before.map((p) => String(p.patientid)));
	const body = await athenaRequest(this, { method: 'POST', path: '/patients', form, practiceId, itemIndex: i });
	const patientid = String(single(body).patientid ?? '');
	const matchedExisting = existing.has(patientid);
	return toItems(
		[
			{
				patientid,
				created: !matchedExisting,
				matchedExisting,
				message: matchedExisting
					? `athena matched existing patient ${patientid} (same name and date of birth); no new patient was created`
					: `Created patient ${patientid}`,
			},
		],
		i,
	);
}
