import type { IDataObject, IExecuteFunctions } from 'n8n-workflow';

import { athenaRequest } from '../../transport/request';
import { toItems } from '../output';
import { idParam, practiceOf } from '../params';
import { encounterIdField } from './getEncounter.operation';

export const option = {
	name: 'Get Encounter Summary',
	value: 'getEncounterSummary',
	action: 'Get the summary of an encounter',
	description: "Read an encounter's clinical summary (encounter ID, digits); returns summaryhtml",
};

export const toolDescription =
	'Get the clinical summary of one athenahealth encounter (visit). Returns the visit summary (HTML text from athena).';

export const writes = false;

export const description = encounterIdField('getEncounterSummary');

export async function execute(this: IExecuteFunctions, i: number) {
	const id = idParam(this, 'encounterId', i, 'Encounter ID')!;
	// plural "encounters" here; the summary is HTML inside JSON
	const body = (await athenaRequest(this, {
		method: 'GET',
		path: `/chart/encounters/${id}/summary`,
		practiceId: practiceOf(this, i),
		itemIndex: i,
	})) as IDataObject;
	return toItems([{ encounterid: id, summaryhtml: body?.summaryhtml ?? '' }], i);
}
