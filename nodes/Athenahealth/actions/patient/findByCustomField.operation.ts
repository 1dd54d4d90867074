import { updateDisplayOptions, type IExecuteFunctions } from 'n8n-workflow';

import { returnAllAndLimit, show, simplifyField } from '../fields';
import { simplified, toItems } from '../output';
import { idParam, maxItems, practiceOf } from '../params';
import { customFieldLocator } from '../locators';
import {
	customFieldDefinitions,
	customFieldEntry,
	definitionOf,
	patientsByCustomField,
} from './customFields';
import { pathValue, requireSearchable } from './externalIds';

export const option = {
	name: 'Find by Custom Field',
	value: 'findByCustomField',
	action: 'Find patients by a custom field value',
	description:
		"Find the patients whose searchable custom field (such as another system's patient ID) has a value",
};

export const toolDescription =
	"Find athenahealth patients by the value of a searchable patient custom field (for example another system's patient ID). Returns the matching patients.";

export const writes = false;

export const description = updateDisplayOptions(show('patient', 'findByCustomField'), [
	customFieldLocator('customFieldId', true),
	{
		displayName: 'Value',
		name: 'value',
		type: 'string',
		default: '',
		required: true,
		placeholder: 'EXT-1001',
		description:
			"The value to look for; for a select field, the option's name or ID. Whether case matters is athena's choice (docs/athena-behaviour.md).",
	},
	...returnAllAndLimit,
	simplifyField,
]);

export async function execute(this: IExecuteFunctions, i: number) {
	const fieldId = idParam(this, 'customFieldId', i, 'Custom Field')!;
	const raw = pathValue(this, i, this.getNodeParameter('value', i, '') as unknown, 'Value');
	const practiceId = practiceOf(this, i);
	const def = definitionOf(this, i, await customFieldDefinitions(this, practiceId, i), fieldId);
	requireSearchable(this, i, def);
	const entry = customFieldEntry(this, i, def, raw);
	// checked again as sent: a DATE field's value becomes mm/dd/yyyy, whose slashes a path cannot carry
	const value = pathValue(this, i, String(entry.optionid ?? entry.customfieldvalue), 'Value');
	const patients = await patientsByCustomField(
		this,
		fieldId,
		value,
		practiceId,
		i,
		maxItems(this, i),
	);
	return toItems(simplified(this, i, 'patient', patients), i);
}
