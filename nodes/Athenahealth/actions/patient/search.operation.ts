import { updateDisplayOptions, type IDataObject, type IExecuteFunctions } from 'n8n-workflow';

import { parseDateInput, toAthenaDate } from '../../shared/dates';
import { athenaList } from '../../transport/paginate';
import { returnAllAndLimit, show, simplifyField } from '../fields';
import { simplified, toItems } from '../output';
import { checkNotFuture, inputError, maxItems, practiceOf } from '../params';

export const option = {
	name: 'Search',
	value: 'search',
	action: 'Search patients',
	description: 'Search by name, date of birth, phone, email, ZIP or department',
};

export const toolDescription =
	'Search athenahealth patients by demographics; athena does not search by email or ZIP alone, they only narrow a search. Returns matching ' +
	'patients (patient ID, name, date of birth, contact details).';

export const writes = false;

// athena refuses a patient search without one of these (its 400 lists them,
// docs/athena-behaviour.md#patient-search) and anything over 1,000 hits. Email and ZIP only narrow a
// search: alone they get that 400.
const IDENTIFYING = [
	'firstname',
	'lastname',
	'dob',
	'anyphone',
	'homephone',
	'mobilephone',
	'departmentid',
];

export const description = updateDisplayOptions(show('patient', 'search'), [
	{
		displayName: 'Search Fields',
		name: 'filters',
		type: 'collection',
		placeholder: 'Add Field',
		default: {},
		description:
			'At least one of name, date of birth, phone or department is required by athena; Email and ZIP Code only narrow the search',
		options: [
			{ displayName: 'Any Phone', name: 'anyphone', type: 'string', default: '' },
			{
				displayName: 'Date of Birth',
				name: 'dob',
				type: 'string',
				default: '',
				placeholder: '1980-04-07',
			},
			{ displayName: 'Department ID', name: 'departmentid', type: 'string', default: '' },
			{
				displayName: 'Email',
				name: 'email',
				type: 'string',
				placeholder: 'name@email.com',
				default: '',
			},
			{ displayName: 'First Name', name: 'firstname', type: 'string', default: '' },
			{ displayName: 'Last Name', name: 'lastname', type: 'string', default: '' },
			{
				displayName: 'Status',
				name: 'status',
				type: 'options',
				default: 'active',
				options: [
					{ name: 'Active', value: 'active' },
					{ name: 'Deleted', value: 'deleted' },
					{ name: 'Inactive', value: 'inactive' },
					{ name: 'Prospective', value: 'prospective' },
				],
			},
			{ displayName: 'ZIP Code', name: 'zip', type: 'string', default: '' },
		],
	},
	...returnAllAndLimit,
	simplifyField,
]);

export async function execute(this: IExecuteFunctions, i: number) {
	const filters = { ...(this.getNodeParameter('filters', i, {}) as IDataObject) };
	if (!IDENTIFYING.some((f) => filters[f] !== undefined && filters[f] !== '')) {
		const narrowOnly = ['email', 'zip'].filter(
			(f) => filters[f] !== undefined && filters[f] !== '',
		);
		throw inputError(
			this,
			i,
			'Add at least one search field',
			`athena needs a first or last name, date of birth, phone or department to search ` +
				`patients${narrowOnly.length ? `; ${narrowOnly.map((f) => (f === 'zip' ? 'ZIP Code' : 'Email')).join(' and ')} only narrow such a search` : ''}.`,
		);
	}
	if (filters.dob) {
		const parts = parseDateInput(filters.dob);
		if (!parts)
			throw inputError(
				this,
				i,
				'Date of Birth is not a date athena can use',
				`Got "${String(filters.dob)}". Use YYYY-MM-DD or MM/DD/YYYY.`,
			);
		filters.dob = toAthenaDate(parts);
		checkNotFuture(this, i, filters.dob as string, 'Date of Birth');
	}
	const records = await athenaList(this, {
		method: 'GET',
		path: '/patients',
		wrapper: 'patients',
		qs: filters,
		practiceId: practiceOf(this, i),
		itemIndex: i,
		maxItems: maxItems(this, i),
	});
	return toItems(simplified(this, i, 'patient', records), i);
}
