import type { IDataObject, IExecuteFunctions } from 'n8n-workflow';

import { toItems } from '../output';
import { idParam, inputError } from '../params';
import {
	chartTarget,
	chartWrite,
	chartWriteFields,
	outcome,
	problemEvent,
	problemEventOptions,
} from './writes';

export const option = {
	name: 'Update Problem',
	value: 'updateProblem',
	action: 'Update a problem in a patient chart',
	description: "Change a problem's status, laterality, note or start date",
};

export const toolDescription =
	"Change the status, laterality, note or start date of a problem on an athenahealth patient's problem list. Returns the problem ID and the fields changed.";

export const writes = true;

export const description = chartWriteFields('updateProblem', [
	{
		displayName: 'Problem ID',
		name: 'problemId',
		type: 'string',
		default: '',
		required: true,
		description: 'The problem to change (problemid from Get Problems)',
	},
	{
		displayName: 'Update Fields',
		name: 'updateFields',
		type: 'collection',
		placeholder: 'Add Field',
		default: {},
		options: problemEventOptions(),
	},
]);

export async function execute(this: IExecuteFunctions, i: number) {
	const t = chartTarget(this, i);
	const problemId = idParam(this, 'problemId', i, 'Problem ID')!;
	const fields = this.getNodeParameter('updateFields', i, {}) as IDataObject;
	const changes = problemEvent(this, i, fields);
	if (!Object.keys(changes).length)
		throw inputError(
			this,
			i,
			'Nothing to update',
			'Add at least one of Status, Laterality, Note or Start Date under Update Fields.',
		);
	// sent once: athena keeps a history of events on chart entries, so a repeated update may add an
	// entry there (docs/athena-behaviour.md#chart-writes); a lost answer is reported, not retried
	const result = await chartWrite(
		this,
		i,
		{
			method: 'PUT',
			path: `/chart/${t.patientId}/problems/${problemId}`,
			form: { ...changes, departmentid: t.departmentId },
			practiceId: t.practiceId,
		},
		{
			what: `the update of problem ${problemId}`,
			check: `Look at it with Chart → Get Problems (patient ${t.patientId}).`,
		},
	);
	return toItems(
		[
			{
				patientid: t.patientId,
				departmentid: t.departmentId,
				problemid: problemId,
				updated: true,
				updatedFields: Object.keys(changes),
				...outcome(result),
			},
		],
		i,
	);
}
