import type { ResourceDefinition } from '../types';
import * as getAllergies from './getAllergies.operation';
import * as getEncounter from './getEncounter.operation';
import * as getEncounters from './getEncounters.operation';
import * as getEncounterSummary from './getEncounterSummary.operation';
import * as getLabResults from './getLabResults.operation';
import * as getMedications from './getMedications.operation';
import * as getProblems from './getProblems.operation';
import * as getVitals from './getVitals.operation';

export const chart: ResourceDefinition = {
	name: 'Chart',
	resource: 'chart',
	defaultOperation: 'getProblems',
	operations: [getProblems, getAllergies, getMedications, getVitals, getEncounter, getEncounters, getEncounterSummary, getLabResults],
};
