import { updateDisplayOptions, type IExecuteFunctions } from 'n8n-workflow';

import { athenaId } from '../../shared/ids';
import { show } from '../fields';
import { toItems } from '../output';
import { idParam, practiceOf } from '../params';
import { patientLocator } from '../locators';
import { findPolicy, lastResult, policyFields, policyRef, summary } from './common';

export const option = {
	name: 'Get Last Eligibility Result',
	value: 'getEligibility',
	action: 'Get the last eligibility result',
	description:
		"Read a policy's eligibility status and the stored 271 of its last check (patient ID and insurance ID or sequence)",
};

export const toolDescription =
	"Get the last eligibility result athena stored for one of an athenahealth patient's insurance policies. Returns the status, message, copays and the X12 271.";

export const writes = false;

export const description = [
	...updateDisplayOptions(show('patientInsurance', 'getEligibility'), [patientLocator()]),
	...policyFields('getEligibility'),
];

export async function execute(this: IExecuteFunctions, i: number) {
	const patientId = idParam(this, 'patientId', i, 'Patient')!;
	const ref = policyRef(this, i);
	const practiceId = practiceOf(this, i);
	const policy = await findPolicy(this, patientId, ref, practiceId, i);
	const stored = await lastResult(
		this,
		patientId,
		athenaId(this.getNode(), policy.insuranceid, 'Insurance ID', i),
		practiceId,
		i,
	);
	return toItems([{ ...summary(patientId, policy), ...stored }], i);
}
