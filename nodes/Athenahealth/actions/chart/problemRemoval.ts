import type { IExecuteFunctions } from 'n8n-workflow';

import { toItems } from '../output';
import { idParam } from '../params';
import { chartTarget, chartWrite, outcome, problems } from './writes';

// Deactivate and Delete Problem Added in Error are one DELETE: athena deactivates (hides) a
// problem, and with remove=true deletes one that was added in error
// (docs/athena-behaviour.md#chart-writes).

export async function removeProblem(ctx: IExecuteFunctions, i: number, permanently: boolean) {
	const t = chartTarget(ctx, i);
	const problemId = idParam(ctx, 'problemId', i, 'Problem ID')!;
	const gone = async () => {
		const p = (await problems(ctx, i, t)).find((x) => String(x.problemid) === problemId);
		return permanently ? !p : Boolean(p?.deactivateddate);
	};
	const result = await chartWrite(
		ctx,
		i,
		{
			method: 'DELETE',
			path: `/chart/${t.patientId}/problems/${problemId}`,
			qs: { departmentid: t.departmentId, ...(permanently ? { remove: 'true' } : {}) },
			practiceId: t.practiceId,
		},
		{
			what: `the ${permanently ? 'deletion' : 'deactivation'} of problem ${problemId}`,
			check: `Look at it with Chart → Get Problems (Show Inactive on, patient ${t.patientId}).`,
			verify: gone,
		},
	);
	return toItems(
		[
			{
				patientid: t.patientId,
				departmentid: t.departmentId,
				problemid: problemId,
				...(permanently ? { deleted: true } : { deactivated: true }),
				...outcome(result),
			},
		],
		i,
	);
}

export const problemIdField = {
	displayName: 'Problem ID',
	name: 'problemId',
	type: 'string' as const,
	default: '',
	required: true,
	description: 'The problem (problemid from Get Problems)',
};
