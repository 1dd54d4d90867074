import type { IDataObject, IExecuteFunctions } from 'n8n-workflow';

import { athenaRequest } from '../../transport/request';
import { idParam, practiceOf, toItems } from '../common';
import { encounterIdField } from './getEncounter.operation';

export const description = encounterIdField('getEncounterSummary');

export async function execute(this: IExecuteFunctions, i: number) {
	const id = idParam(this, 'encounterId', i, 'Encounter ID')!;
	// plural "encounters" here; the summary is HTML inside JSON
	const body = (await athenaRequest(this, { method: 'GET', path: `/chart/encounters/${id}/summary`, practiceId: practiceOf(this, i), itemIndex: i })) as IDataObject;
	return toItems([{ encounterid: id, summaryhtml: body?.summaryhtml ?? '' }], i);
}
