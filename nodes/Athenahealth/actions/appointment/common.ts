import type { IExecuteFunctions, INodeProperties } from 'n8n-workflow';

import { asNodeError, isAmbiguousFailure } from '../../transport/errors';
import { athenaRequest } from '../../transport/request';
import { single } from '../common';

export const appointmentIdField = (name = 'appointmentId', displayName = 'Appointment ID', description?: string): INodeProperties => ({
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
	description: 'How long to wait for athena before treating the call as unconfirmed (it is then checked, never blindly repeated)',
};

export async function getAppointment(ctx: IExecuteFunctions, id: string, practiceId: string | undefined, i: number) {
	return single(await athenaRequest(ctx, { method: 'GET', path: `/appointments/${id}`, practiceId, itemIndex: i }));
}

/**
 * Runs a write; if athena's answer was lost (timeout, 5xx, dropped connection), looks at the
 * appointment before deciding: `applied` says whether the write already took effect.
 */
export async function writeThenVerify<T>(
	ctx: IExecuteFunctions,
	i: number,
	write: () => Promise<T>,
	verify: () => Promise<boolean>,
): Promise<{ result?: T; recovered: boolean }> {
	try {
		return { result: await write(), recovered: false };
	} catch (error) {
		if (isAmbiguousFailure(error) && (await verify())) return { recovered: true };
		throw asNodeError(ctx.getNode(), error);
	}
}
