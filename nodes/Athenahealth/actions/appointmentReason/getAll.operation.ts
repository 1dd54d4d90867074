import { updateDisplayOptions, type IExecuteFunctions } from 'n8n-workflow';

import { returnAllAndLimit, show } from '../fields';
import { toItems } from '../output';
import { maxItems } from '../params';
import { reasons, scope } from './common';

export const option = {
	name: 'Get Many',
	value: 'getAll',
	action: 'Get many appointment reasons',
	description: "List the practice's appointment reasons",
};

export const toolDescription =
	'List the appointment reasons patients can book with an athenahealth department and provider. Returns reasons with reason ID and name.';

export const writes = false;

export const description = updateDisplayOptions(show('appointmentReason', 'getAll'), [
	...scope,
	...returnAllAndLimit,
]);

export async function execute(this: IExecuteFunctions, i: number) {
	return toItems(await reasons(this, i, maxItems(this, i)), i);
}
