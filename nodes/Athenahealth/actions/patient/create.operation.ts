import { updateDisplayOptions, type IDataObject, type IExecuteFunctions } from 'n8n-workflow';

import { CONTACT_FIELDS, patientFieldTooLong } from '../../shared/patientFields';
import { asNodeError, isAmbiguousFailure, unconfirmedWriteError } from '../../transport/errors';
import { athenaList } from '../../transport/paginate';
import { athenaRequest } from '../../transport/request';
import { show } from '../fields';
import { single, toItems } from '../output';
import { checkNotFuture, compact, dateParam, idParam, inputError, practiceOf } from '../params';
import { departmentLocator } from '../locators';
import { patientFieldOptions } from './fields';

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
			'athena also needs one of Email, SSN, a phone number or ZIP Code (add it under Additional Fields). If a patient with the same name and date of birth exists, athena returns that patient instead of creating one; the output says so.',
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
	const extra = this.getNodeParameter('additionalFields', i, {}) as IDataObject;
	const form = compact({
		firstname: (this.getNodeParameter('firstname', i) as string).trim(),
		lastname: (this.getNodeParameter('lastname', i) as string).trim(),
		dob: dateParam(this, 'dob', i, 'Date of Birth'),
		departmentid: idParam(this, 'departmentId', i, 'Department'),
		...extra,
	});
	checkNotFuture(this, i, form.dob as string, 'Date of Birth');
	if (!form.firstname || !form.lastname)
		throw inputError(
			this,
			i,
			'First Name and Last Name are required',
			'athena will not create a patient without both names.',
		);
	if (!CONTACT_FIELDS.some((f) => form[f])) {
		throw inputError(
			this,
			i,
			'Add a way to reach the patient',
			'athena requires at least one of Email, SSN, Home/Mobile/Work Phone or ZIP Code for a new patient (Additional Fields).',
		);
	}
	const tooLong = patientFieldTooLong(form);
	if (tooLong) throw inputError(this, i, tooLong);
	const practiceId = practiceOf(this, i);

	// athena answers a create that matches an existing patient with that patient's id, and its
	// match ignores accents and case. A patient athena just made carries exactly the names we sent;
	// one that existed before is either in the search below or spelled differently.
	const sameName = { firstname: form.firstname, lastname: form.lastname, dob: form.dob };
	const search = async () =>
		await athenaList(this, {
			method: 'GET',
			path: '/patients',
			wrapper: 'patients',
			qs: sameName,
			practiceId,
			itemIndex: i,
			maxItems: 100,
		});
	const existing = new Set(
		(form.bypasspatientmatching ? [] : await search()).map((p) => String(p.patientid)),
	);
	let patientid: string;
	let recovered = false;
	try {
		const body = await athenaRequest(this, {
			method: 'POST',
			path: '/patients',
			form,
			practiceId,
			itemIndex: i,
		});
		patientid = String(single(body).patientid ?? '');
	} catch (error) {
		if (!isAmbiguousFailure(error)) throw asNodeError(this.getNode(), error);
		// the answer was lost: a patient with these names that was not there before is the one made
		const made = (await search().catch(() => []))
			.map((p) => String(p.patientid))
			.filter((id) => !existing.has(id));
		if (made.length !== 1) {
			throw unconfirmedWriteError(
				this.getNode(),
				error,
				`the creation of patient ${String(form.firstname)} ${String(form.lastname)}`,
				`The patient may have been created. Look for them with Patient Search (name and date of birth) or Find Best Match before creating them again, so there is no duplicate chart.`,
				i,
			);
		}
		[patientid] = made;
		recovered = true;
	}
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
