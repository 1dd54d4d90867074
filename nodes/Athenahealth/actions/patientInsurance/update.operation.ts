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
import { patientLocator } from '../locators';
import {
	athenaSaid,
	httpCodeOf,
	policyFields,
	policyRef,
	SEQUENCE_NAMES,
	sequenceOptions,
} from './common';

export const option = {
	name: 'Update',
	value: 'update',
	action: 'Update a policy',
	description:
		'Write: change details of a policy (member ID, dates, holder) by insurance ID or sequence number',
};

export const toolDescription =
	"Change fields of one of an athenahealth patient's insurance policies. Returns the result.";

export const writes = true;

export const description = [
	...updateDisplayOptions(show('patientInsurance', 'update'), [patientLocator()]),
	...policyFields('update'),
	...updateDisplayOptions(show('patientInsurance', 'update'), [
		{
			displayName: 'Update Fields',
			name: 'updateFields',
			type: 'collection',
			placeholder: 'Add Field',
			default: {},
			description:
				"Only the fields added here change. To change the package itself, Delete the policy and Create a new one (athena's guidance).",
			options: [
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
				{ displayName: 'Member ID', name: 'insuranceidnumber', type: 'string', default: '' },
				{
					displayName: 'New Sequence Number',
					name: 'newsequencenumber',
					type: 'options',
					default: '1',
					options: sequenceOptions,
					description: 'Move the policy (athena refuses a sequence another active policy holds)',
				},
				{
					displayName: 'Policy Holder Date of Birth',
					name: 'insurancepolicyholderdob',
					type: 'string',
					default: '',
					placeholder: '1980-04-07',
				},
				{
					displayName: 'Policy Holder First Name',
					name: 'insurancepolicyholderfirstname',
					type: 'string',
					default: '',
				},
				{
					displayName: 'Policy Holder Last Name',
					name: 'insurancepolicyholderlastname',
					type: 'string',
					default: '',
				},
				{ displayName: 'Policy Phone', name: 'insurancephone', type: 'string', default: '' },
			],
		},
	]),
];

export async function execute(this: IExecuteFunctions, i: number) {
	const patientId = idParam(this, 'patientId', i, 'Patient')!;
	const ref = policyRef(this, i);
	const form = compact({ ...(this.getNodeParameter('updateFields', i, {}) as IDataObject) });
	if (!Object.keys(form).length)
		throw inputError(
			this,
			i,
			'Add at least one field to update',
			'Nothing would change: pick the fields to update under Update Fields.',
		);
	for (const [key, label] of [
		['insurancepolicyholderdob', 'Policy Holder Date of Birth'],
		['issuedate', 'Issue Date'],
		['expirationdate', 'Expiration Date'],
	] as const) {
		if (form[key] !== undefined) form[key] = dateValue(this, form[key], i, label);
	}
	const path = ref.insuranceId
		? `/patients/${patientId}/insurances/${ref.insuranceId}`
		: `/patients/${patientId}/insurances`;
	let body: IDataObject;
	try {
		// setting the same values twice is harmless, so an unconfirmed PUT may be sent again
		body = (await athenaRequest(this, {
			method: 'PUT',
			path,
			qs: ref.sequence ? { sequencenumber: ref.sequence } : undefined,
			form,
			practiceId: practiceOf(this, i),
			itemIndex: i,
			idempotent: true,
			allowFailureBody: true,
		})) as IDataObject;
	} catch (error) {
		if (httpCodeOf(error) === '404' && ref.sequence) {
			throw new NodeOperationError(
				this.getNode(),
				`Patient ${patientId} has no active ${SEQUENCE_NAMES[ref.sequence]} policy`,
				{
					itemIndex: i,
					description: `athena said: ${athenaSaid(error)} Use Get Many to see the patient's policies.`,
				},
			);
		}
		throw asNodeError(this.getNode(), error);
	}
	// athena reports a refused update inside a 200, its reason in `message`
	// (docs/athena-behaviour.md#policy-update-and-cancel)
	if (body?.success === false || body?.success === 'false') {
		throw new NodeOperationError(this.getNode(), 'athena did not update the policy', {
			itemIndex: i,
			description: `athena said: ${String(body.message || body.errormessage || 'no reason given')}`,
		});
	}
	return toItems(
		[
			{
				patientid: patientId,
				...(ref.insuranceId ? { insuranceid: ref.insuranceId } : { sequencenumber: ref.sequence }),
				updated: true,
				updatedFields: Object.keys(form),
			},
		],
		i,
	);
}
