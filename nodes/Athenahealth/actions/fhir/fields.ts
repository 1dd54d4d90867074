import type { IExecuteFunctions, INodeProperties } from 'n8n-workflow';

import { listedValue } from '../../shared/ids';

// Types searched by patient (athena has no practice-wide clinical searches).
export const PATIENT_SCOPED = [
	'AllergyIntolerance', 'CarePlan', 'CareTeam', 'Condition', 'Coverage', 'Device', 'DiagnosticReport', 'DocumentReference', 'Encounter', 'FamilyMemberHistory',
	'Goal', 'Immunization', 'MedicationDispense', 'MedicationRequest', 'Observation', 'Procedure', 'QuestionnaireResponse', 'RelatedPerson', 'ServiceRequest', 'Specimen',
];

// Types athena's CapabilityStatement offers search/read for (reference §7.2).
export const FHIR_TYPE_OPTIONS = [
	{ name: 'AllergyIntolerance', value: 'AllergyIntolerance' },
	{ name: 'Appointment', value: 'Appointment' },
	{ name: 'CarePlan', value: 'CarePlan' },
	{ name: 'CareTeam', value: 'CareTeam' },
	{ name: 'Condition', value: 'Condition' },
	{ name: 'Coverage', value: 'Coverage' },
	{ name: 'Device', value: 'Device' },
	{ name: 'DiagnosticReport', value: 'DiagnosticReport' },
	{ name: 'DocumentReference', value: 'DocumentReference' },
	{ name: 'Encounter', value: 'Encounter' },
	{ name: 'FamilyMemberHistory', value: 'FamilyMemberHistory' },
	{ name: 'Goal', value: 'Goal' },
	{ name: 'Immunization', value: 'Immunization' },
	{ name: 'Location', value: 'Location' },
	{ name: 'Medication', value: 'Medication' },
	{ name: 'MedicationDispense', value: 'MedicationDispense' },
	{ name: 'MedicationRequest', value: 'MedicationRequest' },
	{ name: 'Observation', value: 'Observation' },
	{ name: 'Organization', value: 'Organization' },
	{ name: 'Patient', value: 'Patient' },
	{ name: 'Practitioner', value: 'Practitioner' },
	{ name: 'Procedure', value: 'Procedure' },
	{ name: 'Provenance', value: 'Provenance' },
	{ name: 'Questionnaire', value: 'Questionnaire' },
	{ name: 'QuestionnaireResponse', value: 'QuestionnaireResponse' },
	{ name: 'RelatedPerson', value: 'RelatedPerson' },
	{ name: 'ServiceRequest', value: 'ServiceRequest' },
	{ name: 'Specimen', value: 'Specimen' },
];

export const resourceTypeField = (operations: string[]): INodeProperties => ({
	displayName: 'Resource Type',
	name: 'resourceType',
	type: 'options',
	options: FHIR_TYPE_OPTIONS,
	default: 'Patient',
	displayOptions: { show: { resource: ['fhir'], operation: operations } },
});

/** The Resource Type parameter; it becomes a path segment, so only the listed types pass. */
export const resourceTypeOf = (ctx: IExecuteFunctions, i: number) => listedValue(ctx.getNode(), ctx.getNodeParameter('resourceType', i), FHIR_TYPE_OPTIONS, 'Resource Type', i);
