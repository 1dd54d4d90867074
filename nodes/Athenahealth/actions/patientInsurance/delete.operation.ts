import { NodeOperationError, updateDisplayOptions, type IExecuteFunctions } from 'n8n-workflow';

import { asNodeError } from '../../transport/errors';
import { athenaRequest } from '../../transport/request';
import { show } from '../fields';
import { toItems } from '../output';
import { compact, idParam, inputError, practiceOf } from '../params';
import { writeThenVerify } from '../appointment/common';
import { patientLocator } from '../locators';
import {
	athenaSaid,
	httpCodeOf,
	listPolicies,
	policyFields,
	policyRef,
	SEQUENCE_NAMES,
} from './common';

export const option = {
	name: 'Delete',
	value: 'delete',
	action: 'Cancel a policy',
	description:
		'Write: cancel a policy by insurance ID or sequence number (athena keeps it as cancelled)',
};

export const toolDescription =
	'Remove an insurance policy from an athenahealth patient. Returns the result.';

export const writes = true;

export const description = [
	...updateDisplayOptions(show('patientInsurance', 'delete'), [patientLocator()]),
	...policyFields('delete'),
	...updateDisplayOptions(show('patientInsurance', 'delete'), [
		{
			displayName: 'Cancellation Note',
			name: 'cancellationnote',
			type: 'string',
			default: '',
			description: 'Why the policy is cancelled (at most 400 characters)',
		},
	]),
];

export async function execute(this: IExecuteFunctions, i: number) {
	const patientId = idParam(this, 'patientId', i, 'Patient')!;
	const ref = policyRef(this, i);
	const note = String(this.getNodeParameter('cancellationnote', i, '')).trim();
	if (note.length > 400)
		throw inputError(
			this,
			i,
			`Cancellation Note is ${note.length} characters long; athena accepts at most 400`,
			'Shorten it before sending.',
		);
	const practiceId = practiceOf(this, i);
	const path = ref.insuranceId
		? `/patients/${patientId}/insurances/${ref.insuranceId}`
		: `/patients/${patientId}/insurances`;
	const stillActive = async () =>
		(await listPolicies(this, patientId, practiceId, i)).some((p) =>
			ref.sequence
				? String(p.sequencenumber) === ref.sequence
				: String(p.insuranceid) === ref.insuranceId,
		);
	try {
		const { recovered } = await writeThenVerify(
			this,
			i,
			async () =>
				await athenaRequest(this, {
					method: 'DELETE',
					path,
					qs: ref.sequence ? { sequencenumber: ref.sequence } : undefined,
					form: compact({ cancellationnote: note }),
					practiceId,
					itemIndex: i,
				}),
			async () => !(await stillActive()),
			{
				what: `the cancellation of patient ${patientId}'s ${ref.sequence ? `${SEQUENCE_NAMES[ref.sequence]} policy` : `policy ${ref.insuranceId}`}`,
				check: `Look at patient ${patientId}'s policies with Patient Insurance → Get Many (Show Cancelled lists cancelled ones).`,
			},
		);
		return toItems(
			[
				{
					patientid: patientId,
					...(ref.insuranceId
						? { insuranceid: ref.insuranceId }
						: { sequencenumber: ref.sequence }),
					cancelled: true,
					...(recovered ? { recoveredAfterUnconfirmedDelete: true } : {}),
				},
			],
			i,
		);
	} catch (error) {
		if (httpCodeOf(error) === '404') {
			const what = ref.sequence
				? `active ${SEQUENCE_NAMES[ref.sequence]} policy`
				: `active policy with insurance ID ${ref.insuranceId}`;
			throw new NodeOperationError(this.getNode(), `Patient ${patientId} has no ${what}`, {
				itemIndex: i,
				description: `athena said: ${athenaSaid(error)} It may already be cancelled: Get Many with Show Cancelled lists cancelled policies.`,
			});
		}
		throw asNodeError(this.getNode(), error);
	}
}
