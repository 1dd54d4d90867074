import {
	NodeOperationError,
	updateDisplayOptions,
	type IDataObject,
	type IExecuteFunctions,
} from 'n8n-workflow';

import { athenaId } from '../../shared/ids';
import { show } from '../fields';
import { toItems } from '../output';
import { idParam, inputError, practiceOf } from '../params';
import { departmentLocator, patientLocator } from '../locators';
import {
	customFieldDefinitions,
	customFieldEntry,
	definitionOf,
	setCustomFields,
} from './customFields';

export const option = {
	name: 'Set Custom Fields',
	value: 'setCustomFields',
	action: "Set a patient's custom fields",
	description:
		"Set a patient's custom field values (a select field by its option); read back to confirm",
};

export const toolDescription =
	"Set custom field values on an athenahealth patient (for example another system's patient ID, or a select field's option). Returns the fields set, " +
	'read back from athena to confirm.';

export const writes = true;

export const description = updateDisplayOptions(show('patient', 'setCustomFields'), [
	patientLocator(),
	{
		...departmentLocator(),
		description: "athena keeps custom fields per department; the patient's department is usual",
	},
	{
		displayName: 'Custom Fields',
		name: 'customFields',
		type: 'fixedCollection',
		typeOptions: { multipleValues: true },
		placeholder: 'Add Custom Field',
		default: {},
		description:
			'Only the fields listed here change. An empty value clears a field. Fields athena marks "disallow update" keep their first value.',
		options: [
			{
				displayName: 'Field',
				name: 'field',
				values: [
					{
						displayName: 'Custom Field Name or ID',
						name: 'customFieldId',
						type: 'options',
						typeOptions: { loadOptionsMethod: 'getCustomFields' },
						default: '',
						description:
							'Choose from the list, or specify an ID using an <a href="https://docs.n8n.io/code/expressions/">expression</a>',
					},
					{
						displayName: 'Value',
						name: 'value',
						type: 'string',
						default: '',
						description:
							"The text; for a select field, the option's name (e.g. Yes) or its option ID",
					},
				],
			},
		],
	},
]);

export async function execute(this: IExecuteFunctions, i: number) {
	const patientid = idParam(this, 'patientId', i, 'Patient')!;
	const departmentid = idParam(this, 'departmentId', i, 'Department')!;
	const given =
		(this.getNodeParameter('customFields.field', i, []) as Array<{
			customFieldId?: unknown;
			value?: unknown;
		}>) ?? [];
	if (!given.length)
		throw inputError(
			this,
			i,
			'Add at least one custom field',
			'Nothing would change: add the fields to set under Custom Fields.',
		);
	const rows = given.map((g) => ({
		id: athenaId(this.getNode(), g.customFieldId, 'Custom Field', i),
		value: g.value === undefined || g.value === null ? '' : String(g.value).trim(),
	}));
	const seen = new Set<string>();
	for (const r of rows) {
		if (seen.has(r.id))
			throw inputError(this, i, `Custom field ${r.id} is listed twice`, 'List each field once.');
		seen.add(r.id);
	}
	const practiceId = practiceOf(this, i);
	const defs = await customFieldDefinitions(this, practiceId, i);
	const entries: IDataObject[] = rows.map((r) =>
		customFieldEntry(this, i, definitionOf(this, i, defs, r.id), r.value),
	);
	const { answer, notApplied } = await setCustomFields(
		this,
		patientid,
		departmentid,
		entries,
		practiceId,
		i,
	);
	if (notApplied.length) {
		const names = notApplied.map((id) => {
			const def = defs.find((d) => d.customfieldid === id);
			return `${id} (${String(def?.name ?? '')}${def?.disallowupdate ? ', disallows updates' : ''})`;
		});
		throw new NodeOperationError(
			this.getNode(),
			`athena did not take custom field(s) ${names.join(', ')} for patient ${patientid}`,
			{
				itemIndex: i,
				description: `athena answered updatedcount ${String(answer.updatedcount ?? '?')}, disallowedcount ${String(
					answer.disallowedcount ?? '?',
				)}; reading the patient's custom fields back shows other values. Fields athena marks "disallow update" keep their first value; change them in athenaNet.`,
			},
		);
	}
	return toItems(
		[
			{
				patientid,
				departmentid,
				customfields: entries,
				updatedcount: answer.updatedcount,
				disallowedcount: answer.disallowedcount,
				verified: true,
				message: `Set ${entries.length} custom field(s) on patient ${patientid}; read back from athena`,
			},
		],
		i,
	);
}
