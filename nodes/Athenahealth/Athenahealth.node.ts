import { NodeConnectionTypes, type IExecuteFunctions, type INodeType, type INodeTypeDescription } from 'n8n-workflow';

import { appointment, appointmentOperations } from './actions/appointment';
import { appointmentReminder, appointmentReminderOperations } from './actions/appointmentReminder';
import { bulkExport, bulkExportOperations } from './actions/bulkExport';
import { fhir, fhirOperations, resourceTypeField } from './actions/fhir';
import * as customApiCall from './actions/customApiCall/call.operation';
import { hl7, hl7Input, hl7Operations } from './actions/hl7';
import { patient, patientOperations } from './actions/patient';
import { appointmentType, department, provider } from './actions/reference';
import { appointmentReason } from './actions/reference/appointmentReason';
import { subscription, subscriptionOperations } from './actions/subscription';
import { referenceOperations } from './actions/reference/referenceResource';
import { route } from './actions/router';
import { toolDescriptionFields, withToolDefaults } from './actions/toolDescriptions';
import type { Resource } from './actions/types';
import { listSearch } from './methods';

const resources: Record<string, Resource> = {
	patient,
	appointment,
	appointmentReminder,
	appointmentReason,
	subscription,
	hl7,
	department,
	provider,
	appointmentType,
	fhir,
	bulkExport,
	customApiCall: { call: customApiCall },
};

const operationParam = (resource: string, options: NonNullable<INodeTypeDescription['properties'][number]['options']>, def: string) => ({
	displayName: 'Operation',
	name: 'operation',
	type: 'options' as const,
	noDataExpression: true,
	displayOptions: { show: { resource: [resource] } },
	options,
	default: def,
});

export class Athenahealth implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'athenahealth',
		name: 'athenahealth',
		icon: { light: 'file:../../icons/athenahealth.svg', dark: 'file:../../icons/athenahealth.dark.svg' },
		group: ['transform'],
		version: 1,
		subtitle: '={{$parameter["operation"] + ": " + $parameter["resource"]}}',
		description: 'Work with athenahealth (athenaOne): patients, appointments, reference data, FHIR R4, bulk exports, HL7 and custom athenaNet calls',
		defaults: { name: 'athenahealth' },
		usableAsTool: true,
		inputs: [NodeConnectionTypes.Main],
		outputs: [NodeConnectionTypes.Main],
		// HL7 Message works offline on the message it is given: no credential needed there.
		credentials: [{ name: 'athenahealthOAuth2Api', required: true, displayOptions: { hide: { resource: ['hl7'] } } }],
		properties: withToolDefaults([
			...toolDescriptionFields(),
			{
				displayName: 'Resource',
				name: 'resource',
				type: 'options',
				noDataExpression: true,
				options: [
					{ name: 'Appointment', value: 'appointment' },
					{ name: 'Appointment Reason', value: 'appointmentReason' },
					{ name: 'Appointment Reminder', value: 'appointmentReminder' },
					{ name: 'Appointment Type', value: 'appointmentType' },
					{ name: 'Bulk Export (FHIR)', value: 'bulkExport' },
					{ name: 'Change Subscription', value: 'subscription' },
					{ name: 'Custom API Call', value: 'customApiCall' },
					{ name: 'Department', value: 'department' },
					{ name: 'FHIR', value: 'fhir' },
					{ name: 'HL7 Message', value: 'hl7' },
					{ name: 'Patient', value: 'patient' },
					{ name: 'Provider', value: 'provider' },
				],
				default: 'patient',
			},
			operationParam('patient', patientOperations, 'get'),
			operationParam('appointment', appointmentOperations, 'getOpenSlots'),
			operationParam('appointmentReminder', appointmentReminderOperations, 'create'),
			operationParam('appointmentReason', referenceOperations('appointment reason', 'appointment reasons')!, 'getAll'),
			operationParam('subscription', subscriptionOperations, 'subscribe'),
			operationParam('hl7', hl7Operations, 'parse'),
			...hl7Input,
			operationParam('department', referenceOperations('department', 'departments')!, 'getAll'),
			operationParam('provider', referenceOperations('provider', 'providers')!, 'getAll'),
			operationParam('appointmentType', referenceOperations('appointment type', 'appointment types')!, 'getAll'),
			operationParam('fhir', fhirOperations, 'search'),
			resourceTypeField(['search', 'read']),
			operationParam('bulkExport', bulkExportOperations, 'exportAndWait'),
			operationParam('customApiCall', [{ name: 'Call', value: 'call', action: 'Call any athenaNet endpoint', description: 'Send a request to any athenaNet path under the practice' }], 'call'),
			...Object.values(resources).flatMap((ops) => Object.values(ops).flatMap((op) => op.description)),
			{
				displayName: 'Practice ID',
				name: 'practiceId',
				type: 'string',
				default: '',
				placeholder: 'Credential default',
				description: "The athena practice for this call. Empty uses the credential's practice; others must be listed in the credential's Allowed Practice IDs.",
				displayOptions: { hide: { resource: ['hl7'] } },
			},
		]),
	};

	methods = { listSearch };

	async execute(this: IExecuteFunctions) {
		return await route.call(this, resources);
	}
}
