import type { IDataObject, IExecuteFunctions } from 'n8n-workflow';

import { toItems } from '../output';
import { compact, idParam, inputError } from '../params';
import { analyteValues, readAnalytes } from './labResultFields';
import { chartTarget, chartWrite, chartWriteFields, outcome } from './writes';

export const option = {
	name: 'Update Lab Result Analytes',
	value: 'updateLabResultAnalytes',
	action: 'Update the analytes of a filed lab result',
	description: 'Change the values, flags or notes of analytes on a filed lab result',
};

export const toolDescription =
	'Change analytes (value, units, flags, status, note) of a lab result already filed in an athenahealth ' +
	"patient's chart. Returns the lab result ID and the analyte IDs changed.";

export const writes = true;

export const description = chartWriteFields('updateLabResultAnalytes', [
	{
		displayName: 'Lab Result ID',
		name: 'labResultId',
		type: 'string',
		default: '',
		required: true,
		description: 'The lab result (labresultid from Get Lab Results or File Lab Result)',
	},
	{
		displayName: 'Analytes',
		name: 'analytes',
		type: 'fixedCollection',
		placeholder: 'Add Analyte',
		default: {},
		typeOptions: { multipleValues: true },
		options: [{ displayName: 'Analyte', name: 'analyte', values: analyteValues(true) }],
	},
	{
		displayName: 'Additional Fields',
		name: 'additionalFields',
		type: 'collection',
		placeholder: 'Add Field',
		default: {},
		options: [
			{ displayName: 'Internal Note', name: 'internalnote', type: 'string', default: '' },
			{ displayName: 'Report Status', name: 'reportstatus', type: 'string', default: '' },
			{ displayName: 'Result Status', name: 'resultstatus', type: 'string', default: '' },
		],
	},
]);

export async function execute(this: IExecuteFunctions, i: number) {
	const t = chartTarget(this, i);
	const labResultId = idParam(this, 'labResultId', i, 'Lab Result ID')!;
	const analytes = readAnalytes(this, i, 'analytes', true);
	const extra = compact(this.getNodeParameter('additionalFields', i, {}) as IDataObject);
	if (!analytes.length && !Object.keys(extra).length)
		throw inputError(
			this,
			i,
			'Nothing to update',
			'Add at least one analyte (with its Analyte ID) or a field under Additional Fields.',
		);
	// sent once: athena keeps a history of events on chart entries, so a repeated update may add an
	// entry there (docs/athena-behaviour.md#chart-writes); a lost answer is reported, not retried
	const result = await chartWrite(
		this,
		i,
		{
			method: 'PUT',
			path: `/patients/${t.patientId}/documents/labresult/${labResultId}`,
			form: compact({
				...extra,
				departmentid: t.departmentId,
				analytes: analytes.length ? analytes : undefined,
			}),
			practiceId: t.practiceId,
		},
		{
			what: `the update of lab result ${labResultId}`,
			check: `Look at it with Chart → Get Lab Results (patient ${t.patientId}).`,
		},
	);
	return toItems(
		[
			{
				patientid: t.patientId,
				departmentid: t.departmentId,
				labresultid: labResultId,
				updated: true,
				analyteids: analytes.map((a) => String(a.analyteid)),
				...outcome(result),
			},
		],
		i,
	);
}
