// The operations of this resource, one line each; actions/resources.ts describes the resource.

export * as getAllergies from './getAllergies.operation';
export * as getEncounter from './getEncounter.operation';
export * as getEncounters from './getEncounters.operation';
export * as getEncounterSummary from './getEncounterSummary.operation';
export * as getLabResults from './getLabResults.operation';
export * as getMedications from './getMedications.operation';
export * as getProblems from './getProblems.operation';
export * as getSocialHistory from './getSocialHistory.operation';
export * as getVitals from './getVitals.operation';
