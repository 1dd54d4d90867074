import { updateDisplayOptions, type IExecuteFunctions } from 'n8n-workflow';

import { athenaId } from '../../shared/ids';
import { idParam, practiceOf, show, toItems } from '../common';
import { patientLocator } from '../locators';
import { findPolicy, lastResult, policyFields, policyRef, summary } from './common';

export const description = [
	...updateDisplayOptions(show('patientInsurance', 'getEligibility'), [patientLocator()]),
	...policyFields('getEligibility'),
];

export async function execute(this: IExecuteFunctions, i: number) {
	const patientId = idParam(this, 'patientId', i, 'Patient')!;
	const ref = policyRef(this, i);
	const practiceId = practiceOf(this, i);
	const policy = await findPolicy(this, patientId, ref, practiceId, i);
	const stored = await lastResult(this, patientId, athenaId(this.getNode(), policy.insuranceid, 'Insurance ID', i), practiceId, i);
	return toItems([{ ...summary(patientId, policy), ...stored }], i);
}
