import type { IDataObject, IExecuteFunctions } from 'n8n-workflow';

import { toItems } from '../output';
import { chartFields, chartSection, withPatient } from './common';

// docs/athena-behaviour.md#chart-sections: questions with answers, the section note and templates.

export const option = {
	name: 'Get Social History',
	value: 'getSocialHistory',
	action: 'Get the social history of a patient',
	description:
		"Read a patient's social history (patient and department IDs, digits); one item per answered question with the section note",
};

export const toolDescription =
	"List the social history in an athenahealth patient's chart for one department. Returns one question per item with its key, question, answer and note.";

export const writes = false;

export const description = chartFields('getSocialHistory', [
	{
		displayName: 'Show Unanswered Questions',
		name: 'showunansweredquestions',
		type: 'boolean',
		default: false,
		description: 'Whether to include questions without an answer',
	},
]);

export async function execute(this: IExecuteFunctions, i: number) {
	const { call, body } = await chartSection(this, i, 'socialhistory');
	// the section note qualifies every answer, so each item carries it
	const sectionnote = body.sectionnote;
	return toItems(
		withPatient(
			call,
			((body.questions as IDataObject[]) ?? []).map((q) => ({ ...q, sectionnote })),
		),
		i,
	);
}
