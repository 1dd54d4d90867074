import { updateDisplayOptions, type IExecuteFunctions } from 'n8n-workflow';

import { show } from '../fields';
import { toItems } from '../output';
import { idParam, practiceOf } from '../params';
import { departmentLocator, patientLocator } from '../locators';
import { customFieldDefinitions, patientCustomFields } from './customFields';

export const option = {
	name: 'Get Custom Fields',
	value: 'getCustomFields',
	action: "Get a patient's custom fields",
	description:
		"Read a patient's custom field values, one item per field with its name (and a select field's option)",
};

export const toolDescription =
	"Get an athenahealth patient's custom field values (such as another system's patient ID). Returns one item per field that has a value: field ID, " +
	'name, value or chosen option.';

export const writes = false;

export const description = updateDisplayOptions(show('patient', 'getCustomFields'), [
	patientLocator(),
	{
		...departmentLocator(),
		description: "athena keeps custom fields per department; the patient's department is usual",
	},
]);

export async function execute(this: IExecuteFunctions, i: number) {
	const patientid = idParam(this, 'patientId', i, 'Patient')!;
	const departmentid = idParam(this, 'departmentId', i, 'Department')!;
	const practiceId = practiceOf(this, i);
	const values = await patientCustomFields(this, patientid, departmentid, practiceId, i);
	const defs = await customFieldDefinitions(this, practiceId, i);
	return toItems(
		[...values.values()].map((v) => {
			const def = defs.find((d) => d.customfieldid === String(v.customfieldid));
			const option = def?.selectlist?.find((o) => o.optionid === String(v.optionid ?? ''));
			return {
				patientid,
				customfieldid: String(v.customfieldid),
				name: def?.name,
				...v,
				...(option ? { optionvalue: option.optionvalue } : {}),
			};
		}),
		i,
	);
}
