// The one list of FHIR types: it drives the credential's scope choices, the FHIR Search/Read
// resource types and the Bulk Export types (docs/athena-behaviour.md#fhir-types,
// docs/athena-behaviour.md#bulk-scopes).

export type FhirInteraction = 'read' | 'search-type' | 'create';

export interface FhirType {
	type: string;
	/** The interactions athena's CapabilityStatement declares for it. */
	interactions: FhirInteraction[];
	/** Its search parameters, besides _security, _count, cursor, _include/_revinclude and the tenancy ones. */
	searchParams: string[];
	/** athena's tenancy and other ah-* search parameters it takes (ah-practice among them, or not). */
	ahParams: string[];
	/** Operations athena declares on it (without the $). */
	operations: string[];
	/** FHIR Search or Read offer it (it has read or search-type). */
	search: boolean;
	/** athena's Group export can include it. */
	bulk: boolean;
	/** athena searches it by patient only. */
	patientScoped: boolean;
	/** Asked for by default (the scopes most athena apps are granted). */
	common: boolean;
}

const RS: FhirInteraction[] = ['read', 'search-type'];
const list = (text: string) => text.split(/\s+/).filter(Boolean);

const t = (
	type: string,
	interactions: FhirInteraction[],
	searchParams: string,
	ahParams: string,
	o: { bulk?: boolean; patientScoped?: boolean; common?: boolean; operations?: string } = {},
): FhirType => ({
	type,
	interactions,
	searchParams: list(searchParams),
	ahParams: list(ahParams),
	operations: list(o.operations ?? ''),
	search: interactions.includes('read') || interactions.includes('search-type'),
	bulk: o.bulk ?? false,
	patientScoped: o.patientScoped ?? false,
	common: o.common ?? false,
});
const P = { patientScoped: true };
const B = { bulk: true };
const BP = { bulk: true, patientScoped: true };
const BPC = { bulk: true, patientScoped: true, common: true };

/**
 * The 32 types of athena's CapabilityStatement (US Core 6.1.0; docs/athena-behaviour.md#fhir-types),
 * with their interactions, search parameters and ah-* parameters as athena declares them. The
 * sandbox serves the same CapabilityStatement (test/sandbox checks they agree).
 */
export const FHIR_TYPES: FhirType[] = [
	t(
		'AllergyIntolerance',
		RS,
		'patient _lastUpdated code',
		'ah-chart-sharing-group ah-practice',
		BPC,
	),
	t('Appointment', RS, '_id _query base-appointment-id group-appointment-id', 'ah-practice', {
		operations: 'self-checkin-entry-url telehealth-zoom-credentials',
	}),
	t('Binary', ['read'], '', ''),
	t(
		'CarePlan',
		RS,
		'patient category _lastUpdated _id',
		'ah-practice ah-brand ah-chart-sharing-group ah-department ah-provider-group',
		BP,
	),
	t(
		'CareTeam',
		RS,
		'patient status _lastUpdated _id',
		'ah-brand ah-chart-sharing-group ah-practice ah-department ah-provider-group',
		BP,
	),
	t(
		'Condition',
		RS,
		'_id patient encounter _lastUpdated code category',
		'ah-chart-sharing-group ah-practice ah-redact-inline-security',
		BPC,
	),
	t('Coverage', RS, 'patient _lastUpdated', 'ah-provider-group ah-practice', BP),
	t('Device', RS, 'patient _id _lastUpdated', 'ah-chart-sharing-group ah-practice', BP),
	t(
		'DiagnosticReport',
		RS,
		'_id _query encounter patient category code date result performer _lastUpdated',
		'ah-chart-sharing-group ah-include-cpt-codes-for-imaging-results ah-practice',
		BPC,
	),
	t(
		'DocumentReference',
		RS,
		'_id patient _query _sort category type date encounter author custodian _lastUpdated',
		'ah-chart-sharing-group ah-published-date-time-to-portal ah-practice',
		BPC,
	),
	t(
		'Encounter',
		RS,
		'_id patient date _lastUpdated location service-provider practitioner',
		'ah-chart-sharing-group ah-practice',
		BPC,
	),
	t(
		'FamilyMemberHistory',
		RS,
		'_id _lastUpdated code patient relationship status',
		'ah-chart-sharing-group ah-practice',
		{ ...P, operations: 'batch-write' },
	),
	t(
		'Goal',
		RS,
		'patient _id _lastUpdated',
		'ah-brand ah-chart-sharing-group ah-practice ah-department ah-provider-group',
		BP,
	),
	// the Group export itself (INFERRED: the 14 scopes this package always asked for included it)
	t('Group', [], '', '', { common: true, operations: 'export' }),
	t(
		'Immunization',
		RS,
		'encounter patient date status _id _lastUpdated vaccine-code',
		'ah-chart-sharing-group ah-practice',
		BPC,
	),
	t('Location', RS, '_id', 'ah-provider-group ah-chart-sharing-group ah-practice', {
		bulk: true,
		common: true,
	}),
	t('MeasureReport', [], '', '', { operations: 'submit-care-gaps' }),
	t('Media', ['read'], '', ''),
	t('Medication', RS, '_id ingredient-code', 'ah-practice', B),
	t(
		'MedicationDispense',
		RS,
		'_id _lastUpdated date patient status',
		'ah-chart-sharing-group ah-practice',
		P,
	),
	t(
		'MedicationRequest',
		RS,
		'patient intent status _id authoredon medication subject encounter requester code _lastUpdated ingredient-code',
		'ah-chart-sharing-group ah-practice ah-most-recent-medication-instance-and-prescribed-vaccines',
		BPC,
	),
	t(
		'Observation',
		RS,
		'_id patient date category code encounter _lastUpdated',
		'ah-chart-sharing-group ah-practice',
		BPC,
	),
	t('Organization', RS, '_id', 'ah-provider-group ah-chart-sharing-group ah-practice', {
		bulk: true,
		common: true,
	}),
	t(
		'Patient',
		RS,
		'_id identifier name birthdate gender family given _lastUpdated',
		'ah-brand ah-chart-sharing-group ah-department ah-provider-group ah-practice',
		{ bulk: true, common: true, operations: 'health-cards-issue' },
	),
	t('Practitioner', RS, '_id identifier', 'ah-provider-group ah-practice', {
		bulk: true,
		common: true,
	}),
	t(
		'Procedure',
		RS,
		'patient date encounter performer device-name _id _lastUpdated',
		'ah-chart-sharing-group ah-provider-group ah-practice',
		BPC,
	),
	t('Provenance', RS, 'target', 'ah-practice', B),
	t('Questionnaire', RS, '_id code', ''),
	t(
		'QuestionnaireResponse',
		['create', 'search-type', 'read'],
		'_id _lastUpdated authored encounter patient questionnaire questionnaireCode status',
		'ah-chart-sharing-group ah-practice',
		{ ...P, operations: 'latest-response-by-questionnaire' },
	),
	t(
		'RelatedPerson',
		RS,
		'patient _lastUpdated active name _id',
		'ah-brand ah-chart-sharing-group ah-provider-group',
		P,
	),
	t(
		'ServiceRequest',
		RS,
		'_id encounter patient status authored _lastUpdated performer requester code category',
		'ah-chart-sharing-group ah-practice ah-include-quality-codes',
		BP,
	),
	t('Specimen', RS, '_id _lastUpdated patient', 'ah-chart-sharing-group', P),
];

/** The tenancy parameters beside ah-practice (docs/athena-behaviour.md#fhir-tenancy). */
export const TENANCY_PARAMS = [
	'ah-department',
	'ah-brand',
	'ah-provider-group',
	'ah-chart-sharing-group',
] as const;

export const fhirType = (type: string) => FHIR_TYPES.find((f) => f.type === type);

export const ATHENA_SCOPE = 'athena/service/Athenanet.MDP.*';

export const readScope = (type: string) => `system/${type}.read`;

export const typeOptions = (filter: (f: FhirType) => boolean) =>
	FHIR_TYPES.filter(filter).map((f) => ({ name: f.type, value: f.type }));

export const writeScope = (type: string) => `system/${type}.write`;

/**
 * The credential's FHIR scope choices: a read scope for each type athena reads, searches or
 * exports, a write scope for each it creates (docs/athena-behaviour.md#fhir-writes); and their default.
 */
export const SCOPE_OPTIONS = [
	...FHIR_TYPES.filter((f) => f.search || f.bulk || f.operations.includes('export')).map((f) =>
		readScope(f.type),
	),
	...FHIR_TYPES.filter((f) => f.interactions.includes('create')).map((f) => writeScope(f.type)),
].map((scope) => ({ name: scope, value: scope }));
export const DEFAULT_SCOPES = FHIR_TYPES.filter((f) => f.common).map((f) => readScope(f.type));

function splitScopes(text: unknown): string[] {
	return String(text ?? '')
		.split(/[\s,]+/)
		.filter(Boolean);
}

/** The scopes a credential asks for (the credential's hidden Scope expression builds the same). */
export function credentialScopes(c: {
	enableFhir?: unknown;
	fhirScopes?: unknown;
	fhirExtraScopes?: unknown;
}): string[] {
	if (c.enableFhir !== true) return [ATHENA_SCOPE];
	const chosen = Array.isArray(c.fhirScopes) ? c.fhirScopes.map(String) : DEFAULT_SCOPES;
	return [...new Set([ATHENA_SCOPE, ...chosen, ...splitScopes(c.fhirExtraScopes)])];
}

/** Whether `scopes` cover reading `type`: system/Type or system/* with any read form (.read, .rs, .r, .s, .*). */
export function coversType(scopes: string[], type: string): boolean {
	return scopes.some((s) => {
		const m = /^system\/([A-Za-z*]+)\.(read|rs|r|s|\*)$/.exec(s);
		return !!m && (m[1] === type || m[1] === '*');
	});
}

/** Whether `scopes` cover creating `type`: system/Type or system/* with a write form (.write, .c, .cu…, .*). */
export function coversWrite(scopes: string[], type: string): boolean {
	return scopes.some((s) => {
		const m = /^system\/([A-Za-z*]+)\.(write|c[ruds]*|\*)$/.exec(s);
		return !!m && (m[1] === type || m[1] === '*');
	});
}
