import { updateDisplayOptions, type IExecuteFunctions } from 'n8n-workflow';

import { athenaFacts } from '../../../hl7/athena';
import { normalizeRecord } from '../../shared/records';
import { show } from '../fields';
import { readMessage } from './input';

export const option = {
	name: 'To athenaNet JSON',
	value: 'toAthena',
	action: 'Convert an HL7 message to athenaNet JSON',
	description: 'ADT and SIU as the patient and appointment records the REST operations return',
};

export const toolDescription =
	'Convert an athena HL7 v2 message (ADT or SIU) into athenaNet JSON fields. Works offline. Returns the patient or appointment record.';

export const writes = false;

export const description = updateDisplayOptions(show('hl7', 'toAthena'), []);

/** ADT and SIU in the shapes the REST operations return (ids as strings, ISO date companions). */
export async function execute(this: IExecuteFunctions, i: number) {
	const facts = athenaFacts(await readMessage(this, i));
	return [{ json: normalizeRecord(facts as never), pairedItem: { item: i } }];
}
