import { updateDisplayOptions, type IExecuteFunctions } from 'n8n-workflow';

import { athenaRequest } from '../../transport/request';
import { show, simplifyField } from '../fields';
import { simplified, single, toItems } from '../output';
import { idParam, practiceOf } from '../params';
import { patientLocator } from '../locators';

export const option = {
	name: 'Get',
	value: 'get',
	action: 'Get a patient',
	description: 'Get one patient by ID',
};

export const toolDescription =
	"Get one athenahealth patient's demographics. Returns the patient's name, date of birth, sex, contact details, department and status.";

export const writes = false;

export const description = updateDisplayOptions(show('patient', 'get'), [
	patientLocator(),
	simplifyField,
	{
		displayName: 'Options',
		name: 'options',
		type: 'collection',
		placeholder: 'Add Option',
		default: {},
		options: [
			{
				displayName: 'Show Insurance',
				name: 'showinsurance',
				type: 'boolean',
				default: false,
				description: 'Whether to include insurance packages',
			},
			{
				displayName: 'Show Portal Status',
				name: 'showportalstatus',
				type: 'boolean',
				default: false,
				description: 'Whether to include the patient portal status',
			},
		],
	},
]);

export async function execute(this: IExecuteFunctions, i: number) {
	const id = idParam(this, 'patientId', i, 'Patient')!;
	const qs = this.getNodeParameter('options', i, {}) as Record<string, boolean>;
	const body = await athenaRequest(this, {
		method: 'GET',
		path: `/patients/${id}`,
		qs,
		practiceId: practiceOf(this, i),
		itemIndex: i,
	});
	return toItems(simplified(this, i, 'patient', [single(body)]), i);
}
