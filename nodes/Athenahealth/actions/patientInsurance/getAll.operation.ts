import { updateDisplayOptions, type IDataObject, type IExecuteFunctions } from 'n8n-workflow';

import { athenaList } from '../../transport/paginate';
import { returnAllAndLimit, show } from '../fields';
import { toItems } from '../output';
import { idParam, maxItems, practiceOf } from '../params';
import { patientLocator } from '../locators';

export const option = {
	name: 'Get Many',
	value: 'getAll',
	action: 'Get many policies of a patient',
	description: "List a patient's insurance policies (patient ID, digits); one item per policy",
};

export const toolDescription =
	"List an athenahealth patient's insurance policies. Returns policies with insurance ID, sequence number (1 primary, 2 secondary), package, " +
	'member ID and status.';

export const writes = false;

export const description = updateDisplayOptions(show('patientInsurance', 'getAll'), [
	patientLocator(),
	...returnAllAndLimit,
	{
		displayName: 'Options',
		name: 'options',
		type: 'collection',
		placeholder: 'Add Option',
		default: {},
		options: [
			{
				displayName: 'Department ID',
				name: 'departmentid',
				type: 'string',
				default: '',
				description: 'Department (digits) athena uses to find the local patient',
			},
			{
				displayName: 'Show Cancelled',
				name: 'showcancelled',
				type: 'boolean',
				default: false,
				description:
					'Whether to include cancelled and expired policies (they carry a cancelled date)',
			},
		],
	},
]);

export async function execute(this: IExecuteFunctions, i: number) {
	const patientId = idParam(this, 'patientId', i, 'Patient')!;
	const options = this.getNodeParameter('options', i, {}) as IDataObject;
	const qs: IDataObject = { showcancelled: options.showcancelled || undefined };
	if (options.departmentid)
		qs.departmentid = idParam(this, 'options.departmentid', i, 'Department ID');
	const records = await athenaList(this, {
		method: 'GET',
		path: `/patients/${patientId}/insurances`,
		wrapper: 'insurances',
		qs,
		practiceId: practiceOf(this, i),
		itemIndex: i,
		maxItems: maxItems(this, i),
	});
	return toItems(
		records.map((r) => ({ patientid: patientId, ...r })),
		i,
	);
}
