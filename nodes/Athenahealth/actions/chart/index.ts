// The operations of this resource, one line each; actions/resources.ts describes the resource.

export * as addEncounterDiagnosis from './addEncounterDiagnosis.operation';
export * as addHistoricalMedication from './addHistoricalMedication.operation';
export * as addProblem from './addProblem.operation';
export * as addVitals from './addVitals.operation';
export * as deactivateProblem from './deactivateProblem.operation';
export * as deleteProblemAddedInError from './deleteProblemAddedInError.operation';
export * as fileLabResult from './fileLabResult.operation';
export * as getAllergies from './getAllergies.operation';
export * as getEncounter from './getEncounter.operation';
export * as getEncounters from './getEncounters.operation';
export * as getEncounterSummary from './getEncounterSummary.operation';
export * as getLabResults from './getLabResults.operation';
export * as getMedications from './getMedications.operation';
export * as getProblems from './getProblems.operation';
export * as getSocialHistory from './getSocialHistory.operation';
export * as getVitals from './getVitals.operation';
export * as removeEncounterDiagnosis from './removeEncounterDiagnosis.operation';
export * as removeHistoricalMedication from './removeHistoricalMedication.operation';
export * as searchAllergens from './searchAllergens.operation';
export * as updateAllergies from './updateAllergies.operation';
export * as updateHistoricalMedication from './updateHistoricalMedication.operation';
export * as updateLabResultAnalytes from './updateLabResultAnalytes.operation';
export * as updateProblem from './updateProblem.operation';
