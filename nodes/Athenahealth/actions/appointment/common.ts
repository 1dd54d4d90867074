import type { IExecuteFunctions, INodeProperties } from 'n8n-workflow';

import { asNodeError, isAmbiguousFailure, unconfirmedWriteError } from '../../transport/errors';
import { athenaRequest } from '../../transport/request';
import { single } from '../output';

export const appointmentIdField = (
	name = 'appointmentId',
	displayName = 'Appointment ID',
	description?: string,
): INodeProperties => ({
	displayName,
	name,
	type: 'string',
	default: '',
	required: true,
	placeholder: '659324',
	description,
});

export const timeoutOption: INodeProperties = {
	displayName: 'Timeout (Ms)',
	name: 'timeout',
	type: 'number',
	default: 30000,
	typeOptions: { minValue: 1000 },
	description:
		'How long to wait for athena before treating the call as unconfirmed (it is then checked, never blindly repeated)',
};

export async function getAppointment(
	ctx: IExecuteFunctions,
	id: string,
	practiceId: string | undefined,
	i: number,
) {
	return single(
		await athenaRequest(ctx, {
			method: 'GET',
			path: `/appointments/${id}`,
			practiceId,
			itemIndex: i,
		}),
	);
}

/** What an unconfirmed write was, for the user: the record and how to look at it. */
export interface WriteDescription {
	/** e.g. "the booking of slot 123 for patient 7" */
	what: string;
	/** e.g. "Check appointment 123 with Appointment Get …" */
	check: string;
}

/**
 * Runs a write; if athena's answer was lost (timeout, 5xx, dropped connection), looks at the
 * appointment before deciding. Applied: the result says it was recovered. Not visibly applied (or
 * the look failed too): an error that says the write may still have taken effect and how to check.
 */
export async function writeThenVerify<T>(
	ctx: IExecuteFunctions,
	i: number,
	write: () => Promise<T>,
	verify: () => Promise<boolean>,
	describe: WriteDescription,
): Promise<{ result?: T; recovered: boolean }> {
	try {
		return { result: await write(), recovered: false };
	} catch (error) {
		if (!isAmbiguousFailure(error)) throw asNodeError(ctx.getNode(), error);
		// athena may apply a write after answering late, so "not visible yet" is not "not done"
		const applied = await verify().catch(() => false);
		if (applied) return { recovered: true };
		throw unconfirmedWriteError(ctx.getNode(), error, describe.what, describe.check, i);
	}
}
