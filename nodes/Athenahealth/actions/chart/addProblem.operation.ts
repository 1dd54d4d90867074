import type { IDataObject, IExecuteFunctions } from 'n8n-workflow';

import { toItems } from '../output';
import {
	chartTarget,
	chartWrite,
	chartWriteFields,
	idFrom,
	outcome,
	problemEvent,
	problemEventOptions,
	problems,
	snomedParam,
} from './writes';

export const option = {
	name: 'Add Problem',
	value: 'addProblem',
	action: 'Add a problem to a patient chart',
	description: "Add a problem (SNOMED code) to a patient's problem list",
};

export const toolDescription =
	"Add a problem (condition) by SNOMED code to an athenahealth patient's problem list. Returns the new problem ID.";

export const writes = true;

export const description = chartWriteFields('addProblem', [
	{
		displayName: 'SNOMED Code',
		name: 'snomedCode',
		type: 'string',
		default: '',
		required: true,
		placeholder: 'e.g. 44054006',
		description:
			'The SNOMED CT concept ID of the problem (digits). athena has no problem reference search: take codes from the problem list ' +
			'(Get Problems returns them) or the SNOMED browser https://browser.ihtsdotools.org/',
	},
	{
		displayName: 'Additional Fields',
		name: 'additionalFields',
		type: 'collection',
		placeholder: 'Add Field',
		default: {},
		options: problemEventOptions('When the problem started (onset)'),
	},
]);

export async function execute(this: IExecuteFunctions, i: number) {
	const t = chartTarget(this, i);
	const snomedcode = snomedParam(this, 'snomedCode', i, 'SNOMED Code');
	const extra = this.getNodeParameter('additionalFields', i, {}) as IDataObject;
	const form = { ...problemEvent(this, i, extra), departmentid: t.departmentId, snomedcode };
	// the problems already there, so a problem this call made can be told apart afterwards
	const before = new Set((await problems(this, i, t)).map((p) => String(p.problemid)));
	const added = async () =>
		(await problems(this, i, t)).find(
			(p) => !before.has(String(p.problemid)) && String(p.code) === snomedcode,
		);
	const result = await chartWrite(
		this,
		i,
		{ method: 'POST', path: `/chart/${t.patientId}/problems`, form, practiceId: t.practiceId },
		{
			what: `the addition of problem ${snomedcode} to patient ${t.patientId}'s chart`,
			check: `Look for it with Chart → Get Problems (patient ${t.patientId}, department ${t.departmentId}) before adding it again.`,
			verify: added,
		},
	);
	let problemid = idFrom(result.body.problemid);
	let checked = false;
	if (result.recovered && result.recovered !== true) problemid = idFrom(result.recovered.problemid);
	else if (!problemid) {
		// some answers carry only success (docs/athena-behaviour.md#chart-writes): read the id back
		problemid = idFrom((await added())?.problemid);
		checked = true;
	}
	return toItems(
		[
			{
				patientid: t.patientId,
				departmentid: t.departmentId,
				problemid,
				snomedcode,
				added: true,
				...outcome(result, checked),
			},
		],
		i,
	);
}
