import { updateDisplayOptions, type IDataObject, type IExecuteFunctions } from 'n8n-workflow';

import { asNodeError, isAmbiguousFailure, unconfirmedWriteError } from '../../transport/errors';
import { athenaId } from '../../shared/ids';
import { athenaRequest } from '../../transport/request';
import { show } from '../fields';
import { toItems } from '../output';
import { compact, dateValue, idParam, inputError, practiceOf } from '../params';
import { patientLocator } from '../locators';
import { findPolicy, lastResult, policyFields, policyRef, summary } from './common';

export const option = {
	name: 'Check Eligibility',
	value: 'checkEligibility',
	action: 'Check eligibility of a policy',
	description:
		'Write: ask athena to run a real-time eligibility check with the payer (slow; never repeated automatically); returns the status and the X12 271',
};

export const toolDescription =
	"Run athena's eligibility check for one of an athenahealth patient's insurance policies; it can take minutes. Returns the eligibility status, " +
	'message, copays and the stored X12 271.';

export const writes = true;

// athena runs the check against the payer while the request waits, which can take more than two
// minutes, so this call has its own long timeout and is never sent twice: a second check would
// be a second payer inquiry (docs/athena-behaviour.md#eligibility).
const DEFAULT_TIMEOUT_S = 180;

export const description = [
	...updateDisplayOptions(show('patientInsurance', 'checkEligibility'), [
		patientLocator(),
		{
			displayName:
				'athena asks the payer while this call waits; it can take minutes. The call is never repeated automatically. The output has the ' +
				'eligibility status athena stored on the policy and the raw X12 271 answer.',
			name: 'eligibilityNotice',
			type: 'notice',
			default: '',
		},
	]),
	...policyFields('checkEligibility'),
	...updateDisplayOptions(show('patientInsurance', 'checkEligibility'), [
		{
			displayName: 'Options',
			name: 'options',
			type: 'collection',
			placeholder: 'Add Option',
			default: {},
			options: [
				{
					displayName: 'Date of Service',
					name: 'dateofservice',
					type: 'string',
					default: '',
					placeholder: '2026-12-02',
					description: 'The visit date to check coverage for (default today)',
				},
				{
					displayName: 'Service Type Code',
					name: 'servicetypecode',
					type: 'string',
					default: '',
					placeholder: '30',
					description: 'X12 service type code, e.g. 30 (health benefit plan coverage)',
				},
				{
					displayName: 'Timeout (Seconds)',
					name: 'timeoutSeconds',
					type: 'number',
					default: DEFAULT_TIMEOUT_S,
					typeOptions: { minValue: 10, maxValue: 600 },
					description: "How long to wait for athena's answer",
				},
			],
		},
	]),
];

export async function execute(this: IExecuteFunctions, i: number) {
	const patientId = idParam(this, 'patientId', i, 'Patient')!;
	const ref = policyRef(this, i);
	const options = this.getNodeParameter('options', i, {}) as IDataObject;
	const code = String(options.servicetypecode ?? '').trim();
	if (code && !/^[A-Za-z0-9]{1,3}$/.test(code))
		throw inputError(
			this,
			i,
			'Service Type Code must be an X12 service type code',
			`Got "${code}". Use one to three letters or digits, e.g. 30.`,
		);
	const dateofservice = dateValue(this, options.dateofservice, i, 'Date of Service', {
		optional: true,
	});
	const timeoutSeconds = Number(options.timeoutSeconds ?? DEFAULT_TIMEOUT_S);
	const practiceId = practiceOf(this, i);
	// an id read from athena's answer still goes through the id check before it enters a path
	const insuranceId =
		ref.insuranceId ??
		athenaId(
			this.getNode(),
			(await findPolicy(this, patientId, ref, practiceId, i)).insuranceid,
			'Insurance ID',
			i,
		);
	try {
		await athenaRequest(this, {
			method: 'POST',
			path: `/patients/${patientId}/insurances/${insuranceId}/benefitdetails`,
			qs: compact({ servicetypecode: code, dateofservice }),
			practiceId,
			itemIndex: i,
			idempotent: false,
			timeoutMs: timeoutSeconds * 1000,
		});
	} catch (error) {
		// each check is a payer inquiry: never sent twice
		if (isAmbiguousFailure(error)) {
			throw unconfirmedWriteError(
				this.getNode(),
				error,
				`the eligibility check of insurance ${insuranceId} (waited ${timeoutSeconds} s)`,
				'Use Patient Insurance → Get Last Eligibility Result in a few minutes to see whether a result was stored, or raise Timeout (Seconds).',
				i,
			);
		}
		throw asNodeError(this.getNode(), error);
	}
	// The POST only says the check ran; the status is on the policy and the 271 is stored apart.
	const [policy, stored] = await Promise.all([
		findPolicy(this, patientId, { insuranceId }, practiceId, i),
		lastResult(this, patientId, insuranceId, practiceId, i),
	]);
	return toItems([{ ...summary(patientId, policy), ...stored }], i);
}
