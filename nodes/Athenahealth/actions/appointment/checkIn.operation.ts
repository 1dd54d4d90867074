import { updateDisplayOptions, type IDataObject, type IExecuteFunctions } from 'n8n-workflow';

import { athenaRequest } from '../../transport/request';
import { show } from '../fields';
import { toItems } from '../output';
import { idParam, inputError, practiceOf } from '../params';
import { appointmentIdField } from './common';

export const option = {
	name: 'Check In',
	value: 'checkIn',
	action: 'Check in an appointment',
	description: "Run athena's check-in steps and report unmet requirements",
};

export const toolDescription =
	'Check a patient in for an athenahealth appointment. Returns the result and any unmet check-in requirements.';

export const writes = true;

export const description = updateDisplayOptions(show('appointment', 'checkIn'), [
	appointmentIdField(),
	{
		displayName: 'Stop on Unmet Requirements',
		name: 'strict',
		type: 'boolean',
		default: false,
		description:
			'Whether to refuse the check-in when athena lists required steps that are not complete (otherwise they are reported in the output)',
	},
]);

/**
 * athena's check-in is a sequence: read the requirements, start, then complete
 * (docs/athena-behaviour.md#check-in).
 */
export async function execute(this: IExecuteFunctions, i: number) {
	const id = idParam(this, 'appointmentId', i, 'Appointment ID')!;
	const practiceId = practiceOf(this, i);
	const steps = (await athenaRequest(this, {
		method: 'GET',
		path: `/appointments/${id}/checkin`,
		practiceId,
		itemIndex: i,
	})) as IDataObject[];
	const unmet = (Array.isArray(steps) ? steps : [])
		.filter((s) => s.required === true || s.required === 'true')
		.filter((s) => !(s.complete === true || s.complete === 'true') && s.name !== 'Check In')
		.map((s) => ({
			step: s.name,
			fields: ((s.fields as IDataObject[]) ?? [])
				.filter((f) => f.valid === false || f.valid === 'false')
				.map((f) => f.error ?? f.field),
		}));
	if (unmet.length && this.getNodeParameter('strict', i, false)) {
		throw inputError(
			this,
			i,
			`Appointment ${id} has unmet check-in requirements`,
			unmet.map((u) => `${String(u.step)}: ${u.fields.join(' ') || 'incomplete'}`).join('; '),
		);
	}
	await athenaRequest(this, {
		method: 'POST',
		path: `/appointments/${id}/startcheckin`,
		practiceId,
		itemIndex: i,
	});
	const done = (await athenaRequest(this, {
		method: 'POST',
		path: `/appointments/${id}/checkin`,
		practiceId,
		itemIndex: i,
	})) as IDataObject;
	return toItems(
		[
			{
				appointmentid: id,
				checkedIn: true,
				message: done?.message ?? 'Checked in',
				unmetRequirements: unmet,
			},
		],
		i,
	);
}
