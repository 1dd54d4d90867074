import {
	NodeConnectionTypes,
	type IExecuteFunctions,
	type INodeProperties,
	type INodeType,
	type INodeTypeDescription,
} from 'n8n-workflow';

import { OPERATIONS, RESOURCES } from './actions/resources';
import { route } from './actions/router';
import { toolDescriptionFields, withToolDefaults } from './actions/toolDescriptions';
import type { ResourceDefinition } from './actions/types';
import { listSearch, loadOptions } from './methods';

const byName = (a: { name: string }, b: { name: string }) => a.name.localeCompare(b.name);

/** A resource's Operation parameter (its options alphabetical, as n8n's lint asks of literal lists). */
// (n8n's lint cannot read derived lists: test/package/lists.test.ts checks what it would)
function operationParam({
	resource,
	operations,
	defaultOperation,
}: ResourceDefinition): INodeProperties {
	const options = operations.map((op) => op.option).sort(byName);
	return {
		displayName: 'Operation',
		name: 'operation',
		type: 'options',
		noDataExpression: true,
		displayOptions: { show: { resource: [resource] } },
		options,
		default: defaultOperation,
	};
}

export class Athenahealth implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'athenahealth',
		name: 'athenahealth',
		icon: {
			light: 'file:../../icons/athenahealth.svg',
			dark: 'file:../../icons/athenahealth.dark.svg',
		},
		group: ['transform'],
		version: 1,
		subtitle: '={{$parameter["operation"] + ": " + $parameter["resource"]}}',
		description:
			'Work with athenahealth (athenaOne): patients, appointments, reference data, FHIR R4, bulk exports, HL7 and custom athenaNet calls',
		defaults: { name: 'athenahealth' },
		usableAsTool: true,
		inputs: [NodeConnectionTypes.Main],
		outputs: [NodeConnectionTypes.Main],
		// HL7 Message works offline on the message it is given: no credential needed there.
		credentials: [
			{
				name: 'athenahealthOAuth2Api',
				required: true,
				displayOptions: { hide: { resource: ['hl7'] } },
			},
		],
		properties: withToolDefaults([
			...toolDescriptionFields(),
			{
				displayName: 'Resource',
				name: 'resource',
				type: 'options',
				noDataExpression: true,
				// Listed literally because n8n's lint reads this list; test/package/lists.test.ts fails
				// when it and actions/resources.ts disagree.
				options: [
					{ name: 'Appointment', value: 'appointment' },
					{ name: 'Appointment Reason', value: 'appointmentReason' },
					{ name: 'Appointment Reminder', value: 'appointmentReminder' },
					{ name: 'Appointment Type', value: 'appointmentType' },
					{ name: 'Balance and Claim', value: 'billing' },
					{ name: 'Bulk Export (FHIR)', value: 'bulkExport' },
					{ name: 'Change Subscription', value: 'subscription' },
					{ name: 'Chart', value: 'chart' },
					{ name: 'Custom API Call', value: 'customApiCall' },
					{ name: 'Department', value: 'department' },
					{ name: 'Document', value: 'document' },
					{ name: 'FHIR', value: 'fhir' },
					{ name: 'HL7 Message', value: 'hl7' },
					{ name: 'Insurance Package', value: 'insurancePackage' },
					{ name: 'Patient', value: 'patient' },
					{ name: 'Patient Insurance', value: 'patientInsurance' },
					{ name: 'Practice', value: 'practice' },
					{ name: 'Provider', value: 'provider' },
				],
				default: 'patient',
			},
			...RESOURCES.flatMap((r) => [operationParam(r), ...(r.fields ?? [])]),
			...RESOURCES.flatMap((r) => r.operations.flatMap((op) => op.description)),
			{
				displayName: 'Practice ID',
				name: 'practiceId',
				type: 'resourceLocator',
				default: { mode: 'id', value: '' },
				description:
					"The athena practice for this call. Empty uses the credential's practice; others must be listed in the credential's Allowed Practice IDs.",
				displayOptions: { hide: { resource: ['hl7'] } },
				modes: [
					{
						displayName: 'From List',
						name: 'list',
						type: 'list',
						typeOptions: { searchListMethod: 'searchPractices', searchable: true },
					},
					{
						displayName: 'By ID',
						name: 'id',
						type: 'string',
						placeholder: 'Credential default',
						validation: [
							{
								type: 'regex',
								properties: {
									regex: '^\\s*\\d*\\s*$',
									errorMessage: 'athena practice IDs are digits only',
								},
							},
						],
					},
				],
			},
		]),
	};

	methods = { listSearch, loadOptions };

	async execute(this: IExecuteFunctions) {
		return await route.call(this, OPERATIONS);
	}
}
