'use strict';
// athena's live CapabilityStatement (US Core 6.1.0): the 32 resource types with their interactions,
// search parameters (besides _security, _count, cursor, _include/_revinclude), ah-* parameters and
// operations, as athena declares them (docs/athena-behaviour.md#fhir-types). The node's registry
// (nodes/Athenahealth/shared/fhirTypes.ts) must agree: test/sandbox/capability.contract.test.ts.

const RS = ['read', 'search-type'];
const T = (type, interaction, searchParams, ahParams, operations = '') => ({
	type,
	interaction,
	searchParams: searchParams.split(' ').filter(Boolean),
	ahParams: ahParams.split(' ').filter(Boolean),
	operations: operations.split(' ').filter(Boolean),
});

const DECLARED = [
	T('AllergyIntolerance', RS, 'patient _lastUpdated code', 'ah-chart-sharing-group ah-practice'),
	T(
		'Appointment',
		RS,
		'_id _query base-appointment-id group-appointment-id',
		'ah-practice',
		'self-checkin-entry-url telehealth-zoom-credentials',
	),
	T('Binary', ['read'], '', ''),
	T(
		'CarePlan',
		RS,
		'patient category _lastUpdated _id',
		'ah-practice ah-brand ah-chart-sharing-group ah-department ah-provider-group',
	),
	T(
		'CareTeam',
		RS,
		'patient status _lastUpdated _id',
		'ah-brand ah-chart-sharing-group ah-practice ah-department ah-provider-group',
	),
	T(
		'Condition',
		RS,
		'_id patient encounter _lastUpdated code category',
		'ah-chart-sharing-group ah-practice ah-redact-inline-security',
	),
	T('Coverage', RS, 'patient _lastUpdated', 'ah-provider-group ah-practice'),
	T('Device', RS, 'patient _id _lastUpdated', 'ah-chart-sharing-group ah-practice'),
	T(
		'DiagnosticReport',
		RS,
		'_id _query encounter patient category code date result performer _lastUpdated',
		'ah-chart-sharing-group ah-include-cpt-codes-for-imaging-results ah-practice',
	),
	T(
		'DocumentReference',
		RS,
		'_id patient _query _sort category type date encounter author custodian _lastUpdated',
		'ah-chart-sharing-group ah-published-date-time-to-portal ah-practice',
	),
	T(
		'Encounter',
		RS,
		'_id patient date _lastUpdated location service-provider practitioner',
		'ah-chart-sharing-group ah-practice',
	),
	T(
		'Goal',
		RS,
		'patient _id _lastUpdated',
		'ah-brand ah-chart-sharing-group ah-practice ah-department ah-provider-group',
	),
	T(
		'Immunization',
		RS,
		'encounter patient date status _id _lastUpdated vaccine-code',
		'ah-chart-sharing-group ah-practice',
	),
	T('Location', RS, '_id', 'ah-provider-group ah-chart-sharing-group ah-practice'),
	T('Medication', RS, '_id ingredient-code', 'ah-practice'),
	T(
		'MedicationRequest',
		RS,
		'patient intent status _id authoredon medication subject encounter requester code _lastUpdated ingredient-code',
		'ah-chart-sharing-group ah-practice ah-most-recent-medication-instance-and-prescribed-vaccines',
	),
	T(
		'Observation',
		RS,
		'_id patient date category code encounter _lastUpdated',
		'ah-chart-sharing-group ah-practice',
	),
	T('Organization', RS, '_id', 'ah-provider-group ah-chart-sharing-group ah-practice'),
	T(
		'Patient',
		RS,
		'_id identifier name birthdate gender family given _lastUpdated',
		'ah-brand ah-chart-sharing-group ah-department ah-provider-group ah-practice',
		'health-cards-issue',
	),
	T('Practitioner', RS, '_id identifier', 'ah-provider-group ah-practice'),
	T(
		'Procedure',
		RS,
		'patient date encounter performer device-name _id _lastUpdated',
		'ah-chart-sharing-group ah-provider-group ah-practice',
	),
	T('Provenance', RS, 'target', 'ah-practice'),
	T(
		'ServiceRequest',
		RS,
		'_id encounter patient status authored _lastUpdated performer requester code category',
		'ah-chart-sharing-group ah-practice ah-include-quality-codes',
	),
	T('Group', [], '', '', 'export'),
	T(
		'QuestionnaireResponse',
		['create', 'search-type', 'read'],
		'_id _lastUpdated authored encounter patient questionnaire questionnaireCode status',
		'ah-chart-sharing-group ah-practice',
		'latest-response-by-questionnaire',
	),
	T('MeasureReport', [], '', '', 'submit-care-gaps'),
	T(
		'FamilyMemberHistory',
		['search-type', 'read'],
		'_id _lastUpdated code patient relationship status',
		'ah-chart-sharing-group ah-practice',
		'batch-write',
	),
	T('Media', ['read'], '', ''),
	T(
		'MedicationDispense',
		['search-type', 'read'],
		'_id _lastUpdated date patient status',
		'ah-chart-sharing-group ah-practice',
	),
	T('Questionnaire', ['search-type', 'read'], '_id code', ''),
	T('Specimen', ['search-type', 'read'], '_id _lastUpdated patient', 'ah-chart-sharing-group'),
	T(
		'RelatedPerson',
		['search-type', 'read'],
		'patient _lastUpdated active name _id',
		'ah-brand ah-chart-sharing-group ah-provider-group',
	),
];

const declared = (type) => DECLARED.find((d) => d.type === type);

module.exports = { DECLARED, declared };
