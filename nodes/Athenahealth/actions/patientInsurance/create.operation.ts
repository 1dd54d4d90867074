import {
	NodeOperationError,
	updateDisplayOptions,
	type IDataObject,
	type IExecuteFunctions,
} from 'n8n-workflow';

import { asNodeError } from '../../transport/errors';
import { athenaRequest } from '../../transport/request';
import { show } from '../fields';
import { toItems } from '../output';
import { compact, dateValue, idParam, inputError, practiceOf } from '../params';
import { writeThenVerify } from '../appointment/common';
import { patientLocator } from '../locators';
import { athenaSaid, httpCodeOf, listPolicies, SEQUENCE_NAMES, sequenceOptions } from './common';

export const option = {
	name: 'Create',
	value: 'create',
	action: 'Add a policy to a patient',
	description:
		'Write: add a policy (package, sequence, member ID, policy holder); returns the new policy',
};

export const toolDescription =
	'Add an insurance policy to an athenahealth patient as primary (sequence number 1) or secondary (2) coverage. Returns the new insurance ID.';

export const writes = true;

const SELF_PAY = '0';

export const description = updateDisplayOptions(show('patientInsurance', 'create'), [
	patientLocator(),
	{
		displayName: 'Insurance Package ID',
		name: 'insurancePackageId',
		type: 'string',
		default: '',
		required: true,
		placeholder: '31724',
		description:
			'The insurance package (the plan) ID, from Insurance Package → Search. 0 is self-pay.',
	},
	{
		displayName: 'Sequence Number',
		name: 'sequenceNumber',
		type: 'options',
		default: '1',
		options: sequenceOptions,
		description: 'Primary, secondary or tertiary; athena needs a primary before a secondary',
	},
	{
		displayName: 'Member ID',
		name: 'insuranceidnumber',
		type: 'string',
		default: '',
		description: 'The member ID as printed on the insurance card',
	},
	{
		displayName: 'Policy Holder First Name',
		name: 'insurancepolicyholderfirstname',
		type: 'string',
		default: '',
		description: 'Required except for self-pay',
	},
	{
		displayName: 'Policy Holder Last Name',
		name: 'insurancepolicyholderlastname',
		type: 'string',
		default: '',
		description: 'Required except for self-pay',
	},
	{
		displayName: 'Policy Holder Sex',
		name: 'insurancepolicyholdersex',
		type: 'options',
		default: '',
		options: [
			{ name: '(Not Set)', value: '' },
			{ name: 'Female', value: 'F' },
			{ name: 'Male', value: 'M' },
		],
		description: 'Required except for self-pay',
	},
	{
		displayName: 'Additional Fields',
		name: 'additionalFields',
		type: 'collection',
		placeholder: 'Add Field',
		default: {},
		options: [
			{
				displayName: 'Department ID',
				name: 'departmentid',
				type: 'string',
				default: '',
				description: "Department (digits) of the patient's local record",
			},
			{
				displayName: 'Expiration Date',
				name: 'expirationdate',
				type: 'string',
				default: '',
				placeholder: '2027-12-31',
			},
			{ displayName: 'Group (Policy) Number', name: 'policynumber', type: 'string', default: '' },
			{
				displayName: 'Issue Date',
				name: 'issuedate',
				type: 'string',
				default: '',
				placeholder: '2026-01-01',
			},
			{
				displayName: 'Policy Holder Date of Birth',
				name: 'insurancepolicyholderdob',
				type: 'string',
				default: '',
				placeholder: '1980-04-07',
			},
			{
				displayName: 'Policy Phone',
				name: 'insurancephone',
				type: 'string',
				default: '',
				description: "Overrides the package's phone number",
			},
			{
				displayName: 'Relationship to Insured',
				name: 'relationshiptoinsuredid',
				type: 'options',
				default: '1',
				options: [
					{ name: 'Self', value: '1' },
					{ name: 'Spouse', value: '2' },
					{ name: 'Child', value: '3' },
					{ name: 'Other', value: '4' },
				],
			},
			{
				displayName: 'Update Appointments',
				name: 'updateappointments',
				type: 'boolean',
				default: false,
				description: "Whether athena should point the patient's future appointments at this policy",
			},
		],
	},
]);

export async function execute(this: IExecuteFunctions, i: number) {
	const patientId = idParam(this, 'patientId', i, 'Patient')!;
	const packageId = String(this.getNodeParameter('insurancePackageId', i, '')).trim();
	// athena's package ids are digits, and its payment-plan package is -500
	// (docs/athena-behaviour.md#policies)
	if (!/^(-500|\d{1,18})$/.test(packageId))
		throw inputError(
			this,
			i,
			"Insurance Package ID must be athena's package ID (digits)",
			`Got "${packageId}". Find it with Insurance Package → Search; 0 is self-pay.`,
		);
	const sequence = String(this.getNodeParameter('sequenceNumber', i, '1'));
	const extra = this.getNodeParameter('additionalFields', i, {}) as IDataObject;
	const form = compact({
		insurancepackageid: packageId,
		sequencenumber: sequence,
		insuranceidnumber: String(this.getNodeParameter('insuranceidnumber', i, '')).trim(),
		insurancepolicyholderfirstname: String(
			this.getNodeParameter('insurancepolicyholderfirstname', i, ''),
		).trim(),
		insurancepolicyholderlastname: String(
			this.getNodeParameter('insurancepolicyholderlastname', i, ''),
		).trim(),
		insurancepolicyholdersex: this.getNodeParameter('insurancepolicyholdersex', i, '') as string,
		...extra,
		updateappointments: extra.updateappointments ? 'true' : undefined,
	});
	if (packageId !== SELF_PAY) {
		const missing = [
			'insurancepolicyholderfirstname',
			'insurancepolicyholderlastname',
			'insurancepolicyholdersex',
		].filter((f) => !form[f]);
		if (missing.length)
			throw inputError(
				this,
				i,
				'Policy Holder First Name, Last Name and Sex are required',
				`athena needs them for every policy except self-pay (package 0). Missing: ${missing.join(', ')}.`,
			);
	}
	if (form.departmentid)
		form.departmentid = idParam(this, 'additionalFields.departmentid', i, 'Department ID');
	for (const [key, label] of [
		['insurancepolicyholderdob', 'Policy Holder Date of Birth'],
		['issuedate', 'Issue Date'],
		['expirationdate', 'Expiration Date'],
	] as const) {
		if (form[key] !== undefined) form[key] = dateValue(this, form[key], i, label);
	}
	const practiceId = practiceOf(this, i);
	const atSequence = async () =>
		(await listPolicies(this, patientId, practiceId, i)).find(
			(p) => String(p.sequencenumber) === sequence && String(p.insurancepackageid) === packageId,
		);

	let outcome: { result?: unknown; recovered: boolean };
	try {
		outcome = await writeThenVerify(
			this,
			i,
			async () =>
				await athenaRequest(this, {
					method: 'POST',
					path: `/patients/${patientId}/insurances`,
					form,
					practiceId,
					itemIndex: i,
				}),
			async () => (await atSequence()) !== undefined,
			{
				what: `the new ${SEQUENCE_NAMES[sequence]} policy for patient ${patientId}`,
				check: `Look at patient ${patientId}'s policies with Patient Insurance → Get Many before creating it again.`,
			},
		);
	} catch (error) {
		if (httpCodeOf(error) === '409') {
			throw new NodeOperationError(
				this.getNode(),
				`Patient ${patientId} already has an active ${SEQUENCE_NAMES[sequence]} policy`,
				{
					itemIndex: i,
					description: `athena said: ${athenaSaid(error)} Use Update to change its details, or Delete it first when the package itself changes (athena's guidance).`,
				},
			);
		}
		throw asNodeError(this.getNode(), error);
	}
	// Today athena answers with the new policy (an array of one); older practices only with success,
	// and an unconfirmed create that did happen answers nothing: then the policy is read back.
	const body = outcome.result;
	let created =
		Array.isArray(body) && body[0] && typeof body[0] === 'object'
			? (body[0] as IDataObject)
			: undefined;
	created ??= await atSequence();
	return toItems(
		[
			{
				patientid: patientId,
				created: true,
				...(outcome.recovered ? { recoveredAfterUnconfirmedCreate: true } : {}),
				...(created ?? { insurancepackageid: packageId, sequencenumber: sequence }),
			},
		],
		i,
	);
}
