import type { INodeProperties } from 'n8n-workflow';

export const patientStatusField: INodeProperties = {
	displayName: 'Status',
	name: 'status',
	type: 'options',
	default: 'active',
	options: [
		{ name: 'Active', value: 'active' },
		{ name: 'Inactive', value: 'inactive' },
		{ name: 'Prospective', value: 'prospective' },
	],
};

// Optional patient fields shared by Create and Update (athena's names as values).
export const patientFieldOptions: INodeProperties[] = [
	{ displayName: 'Address Line 1', name: 'address1', type: 'string', default: '' },
	{ displayName: 'Address Line 2', name: 'address2', type: 'string', default: '' },
	{ displayName: 'City', name: 'city', type: 'string', default: '' },
	{
		displayName: 'Email',
		name: 'email',
		type: 'string',
		placeholder: 'name@email.com',
		default: '',
	},
	{ displayName: 'First Name', name: 'firstname', type: 'string', default: '' },
	{ displayName: 'Home Phone', name: 'homephone', type: 'string', default: '' },
	{ displayName: 'Last Name', name: 'lastname', type: 'string', default: '' },
	{ displayName: 'Middle Name', name: 'middlename', type: 'string', default: '' },
	{ displayName: 'Mobile Phone', name: 'mobilephone', type: 'string', default: '' },
	{ displayName: 'Preferred Name', name: 'preferredname', type: 'string', default: '' },
	{
		displayName: 'Sex',
		name: 'sex',
		type: 'options',
		default: 'F',
		options: [
			{ name: 'Female', value: 'F' },
			{ name: 'Male', value: 'M' },
		],
	},
	{ displayName: 'SSN', name: 'ssn', type: 'string', default: '' },
	{ displayName: 'State', name: 'state', type: 'string', default: '', placeholder: 'MA' },
	patientStatusField,
	{ displayName: 'Work Phone', name: 'workphone', type: 'string', default: '' },
	{ displayName: 'ZIP Code', name: 'zip', type: 'string', default: '' },
];
