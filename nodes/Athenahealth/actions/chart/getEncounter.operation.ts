import { updateDisplayOptions, type IExecuteFunctions, type INodeProperties } from 'n8n-workflow';

import { athenaRequest } from '../../transport/request';
import { show } from '../fields';
import { single, toItems } from '../output';
import { idParam, practiceOf } from '../params';

export const option = {
	name: 'Get Encounter',
	value: 'getEncounter',
	action: 'Get an encounter',
	description: 'Read one encounter by its ID (digits); returns the encounter',
};

export const toolDescription =
	'Get one athenahealth encounter (visit). Returns date, provider, department, status and diagnoses.';

export const writes = false;

export const encounterIdField = (operation: string): INodeProperties[] =>
	updateDisplayOptions(show('chart', operation), [
		{
			displayName: 'Encounter ID',
			name: 'encounterId',
			type: 'string',
			default: '',
			required: true,
			placeholder: '32705',
			description: 'The encounter (digits), e.g. encounterid from Get Many Encounters',
		},
	]);

export const description = encounterIdField('getEncounter');

export async function execute(this: IExecuteFunctions, i: number) {
	const id = idParam(this, 'encounterId', i, 'Encounter ID')!;
	// singular "encounter" in this path, and an array of one in the answer
	// (docs/athena-behaviour.md#encounters)
	const body = await athenaRequest(this, {
		method: 'GET',
		path: `/chart/encounter/${id}`,
		practiceId: practiceOf(this, i),
		itemIndex: i,
	});
	return toItems([single(body)], i);
}
