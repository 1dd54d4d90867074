import { updateDisplayOptions, type IExecuteFunctions } from 'n8n-workflow';

import { athenaRequest } from '../../transport/request';
import { show } from '../fields';
import { single, toItems } from '../output';
import { compact, idParam, practiceOf } from '../params';
import { departmentLocator } from '../locators';
import { patientFieldOptions } from './fields';
import { createPatient, newPatientFields, requireContact } from './newPatient';

export const option = {
	name: 'Create',
	value: 'create',
	action: 'Create a patient',
	description: 'Create a patient (athena returns an existing match instead of a duplicate)',
};

export const toolDescription =
	'Register a new patient in athenahealth. Returns the patient with the new patient ID (or the existing patient athena matched).';

export const writes = true;

export const description = updateDisplayOptions(show('patient', 'create'), [
	{ displayName: 'First Name', name: 'firstname', type: 'string', default: '', required: true },
	{ displayName: 'Last Name', name: 'lastname', type: 'string', default: '', required: true },
	{
		displayName: 'Date of Birth',
		name: 'dob',
		type: 'string',
		default: '',
		required: true,
		placeholder: '1980-04-07',
	},
	departmentLocator(),
	{
		displayName:
			'athena also needs one of Email, SSN, a phone number or ZIP Code (add it under Additional Fields). If a patient with the same name and date ' +
			'of birth exists, athena returns that patient instead of creating one; the output says so.',
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
				description:
					'Whether to create a new patient even when athena finds a matching one (risks duplicates)',
			},
		],
	},
]);

export async function execute(this: IExecuteFunctions, i: number) {
	const form = compact({
		...newPatientFields(this, i),
		departmentid: idParam(this, 'departmentId', i, 'Department'),
	});
	requireContact(this, i, form);
	const practiceId = practiceOf(this, i);

	// athena answers a create that matches an existing patient with that patient's id, and its
	// match ignores accents and case. A patient athena just made carries exactly the names we sent;
	// one that existed before is either in the search made before the create or spelled differently.
	const { patientid, existing, recovered } = await createPatient(this, i, form, {
		practiceId,
		noSearchBefore: Boolean(form.bypasspatientmatching),
		what: `the creation of patient ${String(form.firstname)} ${String(form.lastname)}`,
		howToCheck:
			`The patient may have been created. Look for them with Patient Search (name and date of birth) or Find Best Match before creating them ` +
			`again, so there is no duplicate chart.`,
	});
	const record = single(
		await athenaRequest(this, {
			method: 'GET',
			path: `/patients/${patientid}`,
			practiceId,
			itemIndex: i,
		}),
	);
	const spelledAsSent = record.firstname === form.firstname && record.lastname === form.lastname;
	const matchedExisting = !recovered && (existing.has(patientid) || !spelledAsSent);
	return toItems(
		[
			{
				patientid,
				created: !matchedExisting,
				matchedExisting,
				...(recovered ? { recoveredAfterUnconfirmedCreate: true } : {}),
				message: matchedExisting
					? `athena matched existing patient ${patientid} (athena's match ignores accents and case); no new patient was created`
					: `Created patient ${patientid}`,
			},
		],
		i,
	);
}
