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
	path: '/departments',
	wrapper: 'departments',
	locator: departmentLocator(),
	listOptions: [
		bool('showalldepartments', 'Show All Departments', 'Whether to include departments hidden from the patient portal'),
		bool('providerlist', 'Provider List', 'Whether to include the providers of each department'),
	],
});

export const provider = referenceResource({
	resource: 'provider',
	label: 'Provider',
	path: '/providers',
	wrapper: 'providers',
	locator: providerLocator(),
	listOptions: [bool('showallproviderids', 'Show All Provider IDs', 'Whether to include every ID a provider has')],
});

export const appointmentType = referenceResource({
	resource: 'appointmentType',
	label: 'Appointment Type',
	path: '/appointmenttypes',
	wrapper: 'appointmenttypes',
	locator: appointmentTypeLocator(),
	listOptions: [bool('hidegeneric', 'Hide Generic', 'Whether to leave out generic appointment types')],
});
