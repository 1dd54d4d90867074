import { updateDisplayOptions, type IDataObject, type IExecuteFunctions } from 'n8n-workflow';

import { athenaList } from '../../transport/paginate';
import { returnAllAndLimit, show } from '../fields';
import { toItems } from '../output';
import { compact, dateValue, idParam, inputError, maxItems, practiceOf } from '../params';

export const option = {
	name: 'Get Many Claims',
	value: 'getClaims',
	action: 'Get many claims',
	description:
		'List claims by patient or department ID (digits) or a service or created date range; one item per claim (read only)',
};

export const toolDescription =
	"List athenahealth billing claims, such as a patient's claims or those for a period of service; read only. Returns claims with claim ID, " +
	'service date, status and amounts.';

export const writes = false;

export const description = updateDisplayOptions(show('billing', 'getClaims'), [
	{
		displayName: 'Filters',
		name: 'filters',
		type: 'collection',
		placeholder: 'Add Filter',
		default: {},
		description: 'Athena needs at least a patient, a department or a start date',
		options: [
			{
				displayName: 'Created After',
				name: 'createdstartdate',
				type: 'string',
				default: '',
				placeholder: '2026-01-01',
			},
			{
				displayName: 'Created Before',
				name: 'createdenddate',
				type: 'string',
				default: '',
				placeholder: '2026-12-31',
			},
			{
				displayName: 'Department ID',
				name: 'departmentid',
				type: 'string',
				default: '',
				description: 'Service department (digits)',
			},
			{
				displayName: 'Patient ID',
				name: 'patientid',
				type: 'string',
				default: '',
				description: 'The patient (digits)',
			},
			{
				displayName: 'Provider ID',
				name: 'providerid',
				type: 'string',
				default: '',
				description: 'Matches the provider or the supervising provider (digits)',
			},
			{
				displayName: 'Service After',
				name: 'servicestartdate',
				type: 'string',
				default: '',
				placeholder: '2026-01-01',
			},
			{
				displayName: 'Service Before',
				name: 'serviceenddate',
				type: 'string',
				default: '',
				placeholder: '2026-12-31',
			},
		],
	},
	...returnAllAndLimit,
]);

const ID_FILTERS: Record<string, string> = {
	patientid: 'Patient ID',
	departmentid: 'Department ID',
	providerid: 'Provider ID',
};
const DATE_FILTERS: Record<string, string> = {
	createdstartdate: 'Created After',
	createdenddate: 'Created Before',
	servicestartdate: 'Service After',
	serviceenddate: 'Service Before',
};

export async function execute(this: IExecuteFunctions, i: number) {
	const qs = compact(this.getNodeParameter('filters', i, {}) as IDataObject);
	if (!['patientid', 'departmentid', 'servicestartdate', 'createdstartdate'].some((k) => qs[k])) {
		throw inputError(
			this,
			i,
			'Add a Patient ID, Department ID, Service After or Created After filter',
			'athena does not list all claims of a practice at once.',
		);
	}
	for (const [key, label] of Object.entries(ID_FILTERS))
		if (qs[key] !== undefined) qs[key] = idParam(this, `filters.${key}`, i, label);
	for (const [key, label] of Object.entries(DATE_FILTERS))
		if (qs[key] !== undefined) qs[key] = dateValue(this, qs[key], i, label);
	const records = await athenaList(this, {
		method: 'GET',
		path: '/claims',
		wrapper: 'claims',
		qs,
		practiceId: practiceOf(this, i),
		itemIndex: i,
		maxItems: maxItems(this, i),
	});
	return toItems(records, i);
}
