import type { INodeProperties } from 'n8n-workflow';

// Resource locators (From list / By ID) for athena's reference data and patients.
function locator(
	name: string,
	displayName: string,
	searchListMethod: string,
	required = true,
): INodeProperties {
	return {
		displayName,
		name,
		type: 'resourceLocator',
		default: { mode: 'list', value: '' },
		required,
		modes: [
			{
				displayName: 'From List',
				name: 'list',
				type: 'list',
				typeOptions: { searchListMethod, searchable: true },
			},
			{
				displayName: 'By ID',
				name: 'id',
				type: 'string',
				placeholder: 'e.g. 1',
				validation: [
					{
						type: 'regex',
						properties: { regex: '^\\s*\\d+\\s*$', errorMessage: 'athena IDs are digits only' },
					},
				],
			},
		],
	};
}

export const departmentLocator = (required = true, name = 'departmentId') =>
	locator(name, 'Department', 'searchDepartments', required);
export const providerLocator = (required = true, name = 'providerId') =>
	locator(name, 'Provider', 'searchProviders', required);
export const appointmentTypeLocator = (required = true, name = 'appointmentTypeId') =>
	locator(name, 'Appointment Type', 'searchAppointmentTypes', required);
export const patientLocator = (required = true, name = 'patientId') =>
	locator(name, 'Patient', 'searchPatients', required);
export const medicationLocator = (required = true, name = 'medicationId') =>
	locator(name, 'Medication', 'searchMedications', required);
export const customFieldLocator = (name = 'customFieldId', searchableOnly = false) =>
	locator(
		name,
		'Custom Field',
		searchableOnly ? 'searchSearchableCustomFields' : 'searchCustomFields',
	);
