// The one list of FHIR types: it drives the credential's scope choices, the FHIR Search/Read
// resource types and the Bulk Export types (docs/athena-behaviour.md#fhir-types,
// docs/athena-behaviour.md#bulk-scopes).

export interface FhirType {
	type: string;
	/** FHIR Search and Read offer it. */
	search: boolean;
	/** athena's Group export can include it. */
	bulk: boolean;
	/** athena searches it by patient only. */
	patientScoped: boolean;
	/** Asked for by default (the scopes most athena apps are granted). */
	common: boolean;
}

const t = (
	type: string,
	search: boolean,
	bulk: boolean,
	patientScoped: boolean,
	common: boolean,
): FhirType => ({ type, search, bulk, patientScoped, common });

export const FHIR_TYPES: FhirType[] = [
	t('AllergyIntolerance', true, true, true, true),
	t('Appointment', true, false, false, false),
	t('CarePlan', true, true, true, false),
	t('CareTeam', true, true, true, false),
	t('Condition', true, true, true, true),
	t('Coverage', true, true, true, false),
	t('Device', true, true, true, false),
	t('DiagnosticReport', true, true, true, true),
	t('DocumentReference', true, true, true, true),
	t('Encounter', true, true, true, true),
	t('FamilyMemberHistory', true, false, true, false),
	t('Goal', true, true, true, false),
	// the Group export itself (INFERRED: the 14 scopes this package always asked for included it)
	t('Group', false, false, false, true),
	t('Immunization', true, true, true, true),
	t('Location', true, true, false, true),
	t('Medication', true, true, false, false),
	t('MedicationDispense', true, false, true, false),
	t('MedicationRequest', true, true, true, true),
	t('Observation', true, true, true, true),
	t('Organization', true, true, false, true),
	t('Patient', true, true, false, true),
	t('Practitioner', true, true, false, true),
	t('Procedure', true, true, true, true),
	t('Provenance', true, true, false, false),
	t('Questionnaire', true, false, false, false),
	t('QuestionnaireResponse', true, false, true, false),
	t('RelatedPerson', true, false, true, false),
	t('ServiceRequest', true, true, true, false),
	t('Specimen', true, false, true, false),
];

export const ATHENA_SCOPE = 'athena/service/Athenanet.MDP.*';

export const readScope = (type: string) => `system/${type}.read`;

export const typeOptions = (filter: (f: FhirType) => boolean) =>
	FHIR_TYPES.filter(filter).map((f) => ({ name: f.type, value: f.type }));

/** The credential's FHIR scope choices and their default. */
export const SCOPE_OPTIONS = FHIR_TYPES.map((f) => ({
	name: readScope(f.type),
	value: readScope(f.type),
}));
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
