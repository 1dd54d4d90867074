import type { INodePropertyOptions } from 'n8n-workflow';

import * as getAllergies from './getAllergies.operation';
import * as getEncounter from './getEncounter.operation';
import * as getEncounters from './getEncounters.operation';
import * as getEncounterSummary from './getEncounterSummary.operation';
import * as getLabResults from './getLabResults.operation';
import * as getMedications from './getMedications.operation';
import * as getProblems from './getProblems.operation';
import * as getVitals from './getVitals.operation';

export const chart = { getProblems, getAllergies, getMedications, getVitals, getEncounter, getEncounters, getEncounterSummary, getLabResults };

export const chartOperations: INodePropertyOptions[] = [
	{ name: 'Get Allergies', value: 'getAllergies', action: 'Get the allergies of a patient', description: "Read a patient's allergies (patient and department IDs, digits); one item per allergy with the chart's NKDA flag" },
	{ name: 'Get Encounter', value: 'getEncounter', action: 'Get an encounter', description: 'Read one encounter by its ID (digits); returns the encounter' },
	{ name: 'Get Encounter Summary', value: 'getEncounterSummary', action: 'Get the summary of an encounter', description: "Read an encounter's clinical summary (encounter ID, digits); returns summaryhtml" },
	{ name: 'Get Lab Results', value: 'getLabResults', action: 'Get the lab results of a patient', description: "Read a patient's lab results (patient and department IDs, optional date range); one item per result with its analytes" },
	{ name: 'Get Many Encounters', value: 'getEncounters', action: 'Get many encounters of a patient', description: "List a patient's encounters (patient and department IDs, optional date range); one item per encounter" },
	{ name: 'Get Medications', value: 'getMedications', action: 'Get the medications of a patient', description: "Read a patient's medications (patient and department IDs); one item per medication entry" },
	{ name: 'Get Problems', value: 'getProblems', action: 'Get the problems of a patient', description: "Read a patient's problem list (patient and department IDs, digits); one item per problem" },
	{ name: 'Get Vitals', value: 'getVitals', action: 'Get the vitals of a patient', description: "Read a patient's vitals (patient and department IDs, optional date range); one item per recorded value" },
];
