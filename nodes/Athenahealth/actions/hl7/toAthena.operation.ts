import { updateDisplayOptions, type IExecuteFunctions } from 'n8n-workflow';

import { athenaFacts } from '../../hl7/athena';
import { normalizeRecord } from '../../shared/records';
import { show } from '../common';
import { readMessage } from './input';

export const description = updateDisplayOptions(show('hl7', 'toAthena'), []);

/** ADT and SIU in the shapes the REST operations return (ids as strings, ISO date companions). */
export async function execute(this: IExecuteFunctions, i: number) {
	const facts = athenaFacts(await readMessage(this, i));
	return [{ json: normalizeRecord(facts as never), pairedItem: { item: i } }];
}
