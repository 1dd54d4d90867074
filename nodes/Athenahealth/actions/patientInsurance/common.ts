import {
	NodeOperationError,
	type IDataObject,
	type IExecuteFunctions,
	type INodeProperties,
} from 'n8n-workflow';

import { asNodeError } from '../../transport/errors';
import { athenaList } from '../../transport/paginate';
import { athenaRequest } from '../../transport/request';
import { idParam, inputError } from '../params';

// A policy is named either by athena's insurance id or by its place in the patient's coverage
// (1 primary, 2 secondary, 3 tertiary); athena accepts both for update and cancel
// (docs/athena-behaviour.md#policy-update-and-cancel).

export const SEQUENCE_NAMES: Record<string, string> = {
	'1': 'primary',
	'2': 'secondary',
	'3': 'tertiary',
};

export const sequenceOptions = [
	{ name: 'Primary (1)', value: '1' },
	{ name: 'Secondary (2)', value: '2' },
	{ name: 'Tertiary (3)', value: '3' },
];

export const policyFields = (operation: string): INodeProperties[] => [
	{
		displayName: 'Identify Policy By',
		name: 'policyBy',
		type: 'options',
		default: 'insuranceId',
		options: [
			{
				name: 'Insurance ID',
				value: 'insuranceId',
				description: "The ID athena gives the patient's policy (insuranceid from Get Many)",
			},
			{
				name: 'Sequence Number',
				value: 'sequence',
				description: 'The active policy at primary, secondary or tertiary',
			},
		],
		displayOptions: { show: { resource: ['patientInsurance'], operation: [operation] } },
	},
	{
		displayName: 'Insurance ID',
		name: 'insuranceId',
		type: 'string',
		default: '',
		required: true,
		placeholder: '23993',
		description: 'The patient insurance ID (digits), the insuranceid of Get Many',
		displayOptions: {
			show: { resource: ['patientInsurance'], operation: [operation], policyBy: ['insuranceId'] },
		},
	},
	{
		displayName: 'Sequence Number',
		name: 'sequenceNumber',
		type: 'options',
		default: '1',
		options: sequenceOptions,
		displayOptions: {
			show: { resource: ['patientInsurance'], operation: [operation], policyBy: ['sequence'] },
		},
	},
];

export type PolicyRef =
	| { insuranceId: string; sequence?: undefined }
	| { insuranceId?: undefined; sequence: string };

export function policyRef(ctx: IExecuteFunctions, i: number): PolicyRef {
	if (ctx.getNodeParameter('policyBy', i, 'insuranceId') === 'sequence') {
		const sequence = String(ctx.getNodeParameter('sequenceNumber', i, '1'));
		if (!SEQUENCE_NAMES[sequence])
			throw inputError(
				ctx,
				i,
				'Sequence Number must be 1, 2 or 3',
				`Got "${sequence}". 1 is the primary policy, 2 the secondary, 3 the tertiary.`,
			);
		return { sequence };
	}
	return { insuranceId: idParam(ctx, 'insuranceId', i, 'Insurance ID')! };
}

/** The patient's policies as athena lists them (active ones unless `showcancelled`). */
export async function listPolicies(
	ctx: IExecuteFunctions,
	patientId: string,
	practiceId: string | undefined,
	i: number,
	qs: IDataObject = {},
) {
	return await athenaList(ctx, {
		method: 'GET',
		path: `/patients/${patientId}/insurances`,
		wrapper: 'insurances',
		qs,
		practiceId,
		itemIndex: i,
	});
}

/** The active policy a reference names, or a clear error when the patient has none there. */
export async function findPolicy(
	ctx: IExecuteFunctions,
	patientId: string,
	ref: PolicyRef,
	practiceId: string | undefined,
	i: number,
): Promise<IDataObject> {
	const policies = await listPolicies(ctx, patientId, practiceId, i);
	const found = policies.find((p) =>
		ref.sequence
			? String(p.sequencenumber) === ref.sequence
			: String(p.insuranceid) === ref.insuranceId,
	);
	if (found) return found;
	throw new NodeOperationError(
		ctx.getNode(),
		ref.sequence
			? `Patient ${patientId} has no active ${SEQUENCE_NAMES[ref.sequence]} policy`
			: `Patient ${patientId} has no active policy with insurance ID ${ref.insuranceId}`,
		{
			itemIndex: i,
			description:
				'Use Patient Insurance → Get Many to see the policies athena has for this patient.',
		},
	);
}

/** athena's HTTP status on a failed call (NodeApiError keeps it as a string). */
export function httpCodeOf(error: unknown): string | undefined {
	const code = (error as { httpCode?: unknown })?.httpCode;
	return code === undefined || code === null ? undefined : String(code);
}

/** athena's own words from a failed call, for the description of the node error that replaces it. */
export function athenaSaid(error: unknown): string {
	const e = error as { message?: string; description?: string };
	return [e.message, e.description].filter(Boolean).join(' ');
}

/** What an eligibility answer shows of the policy. */
export function summary(patientId: string, policy: IDataObject): IDataObject {
	const pick = [
		'insuranceid',
		'sequencenumber',
		'insurancepackageid',
		'insuranceplanname',
		'insuranceidnumber',
		'eligibilitystatus',
		'eligibilitymessage',
		'eligibilitylastchecked',
		'copays',
	];
	return {
		patientid: patientId,
		...Object.fromEntries(pick.filter((k) => policy[k] !== undefined).map((k) => [k, policy[k]])),
	};
}

/** The stored 271 of the last check, or hasResult false when athena has none (404 or an empty body). */
export async function lastResult(
	ctx: IExecuteFunctions,
	patientId: string,
	insuranceId: string,
	practiceId: string | undefined,
	i: number,
): Promise<IDataObject> {
	let body: unknown;
	try {
		body = await athenaRequest(ctx, {
			method: 'GET',
			path: `/patients/${patientId}/insurances/${insuranceId}/benefitdetails`,
			practiceId,
			itemIndex: i,
		});
	} catch (error) {
		// the policy was found just before, so a 404 here means no check is stored
		if (httpCodeOf(error) === '404') return { hasResult: false };
		throw asNodeError(ctx.getNode(), error);
	}
	const stored = (
		body && typeof body === 'object' && !Array.isArray(body) ? body : {}
	) as IDataObject;
	if (!stored.ansi271) return { hasResult: false };
	return {
		hasResult: true,
		ansi271: stored.ansi271,
		dateofservice: stored.dateofservice,
		lastcheckdate: stored.lastcheckdate,
	};
}
