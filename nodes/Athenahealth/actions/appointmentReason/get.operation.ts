import { updateDisplayOptions, type IExecuteFunctions } from 'n8n-workflow';

import { show } from '../fields';
import { toItems } from '../output';
import { idParam, inputError } from '../params';
import { reasons, scope } from './common';

export const option = {
	name: 'Get',
	value: 'get',
	action: 'Get an appointment reason',
	description: 'Get one appointment reason by ID',
};

export const toolDescription =
	"Get one athenahealth appointment reason that patients can book with a department and provider. Returns the reason's name and its appointment type.";

export const writes = false;

export const description = updateDisplayOptions(show('appointmentReason', 'get'), [
	...scope,
	{ displayName: 'Reason ID', name: 'reasonId', type: 'string', default: '', required: true },
]);

export async function execute(this: IExecuteFunctions, i: number) {
	const id = idParam(this, 'reasonId', i, 'Reason ID')!;
	const found = (await reasons(this, i)).find((r) => String(r.reasonid) === id);
	if (!found)
		throw inputError(
			this,
			i,
			`Reason ${id} is not offered for this department and provider`,
			'Use Get Many to see the reasons athena offers there.',
		);
	return toItems([found], i);
}
