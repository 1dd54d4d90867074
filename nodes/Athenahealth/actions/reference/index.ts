import type { INodeProperties } from 'n8n-workflow';

import { appointmentTypeLocator, departmentLocator, providerLocator } from '../locators';
import { referenceResource } from './referenceResource';

const bool = (name: string, displayName: string, description: string): INodeProperties => ({
	displayName,
	name,
	type: 'boolean',
	default: false,
	description,
});

export const department = referenceResource({
	resource: 'department',
	label: 'Department',
	plural: 'departments',
	toolDescriptions: {
		get: 'Get one department (practice location) of the athenahealth practice. Returns its name, address, phone and time zone.',
		getAll:
			'List the departments (practice locations) of the athenahealth practice. Returns departments with department ID and name.',
	},
	path: '/departments',
	wrapper: 'departments',
	locator: departmentLocator(),
	listOptions: [
		bool(
			'showalldepartments',
			'Show All Departments',
			'Whether to include departments hidden from the patient portal',
		),
		bool('providerlist', 'Provider List', 'Whether to include the providers of each department'),
	],
});

export const provider = referenceResource({
	resource: 'provider',
	label: 'Provider',
	plural: 'providers',
	toolDescriptions: {
		get: "Get one provider of the athenahealth practice. Returns the provider's name, type and specialty.",
		getAll:
			'List the providers of the athenahealth practice. Returns providers with provider ID, name and specialty.',
	},
	path: '/providers',
	wrapper: 'providers',
	locator: providerLocator(),
	listOptions: [
		bool(
			'showallproviderids',
			'Show All Provider IDs',
			'Whether to include every ID a provider has',
		),
	],
});

export const appointmentType = referenceResource({
	resource: 'appointmentType',
	label: 'Appointment Type',
	plural: 'appointment types',
	toolDescriptions: {
		get: 'Get one appointment type of the athenahealth practice. Returns its name and duration.',
		getAll:
			'List the appointment types of the athenahealth practice. Returns types with appointment type ID, name and duration.',
	},
	path: '/appointmenttypes',
	wrapper: 'appointmenttypes',
	locator: appointmentTypeLocator(),
	listOptions: [
		bool('hidegeneric', 'Hide Generic', 'Whether to leave out generic appointment types'),
	],
});
