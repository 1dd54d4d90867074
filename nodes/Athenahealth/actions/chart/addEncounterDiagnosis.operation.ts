import { updateDisplayOptions, type IDataObject, type IExecuteFunctions } from 'n8n-workflow';

import { ICD10 } from '../billing/common';
import { show } from '../fields';
import { toItems } from '../output';
import { compact, idParam, inputError, practiceOf } from '../params';
import { chartWrite, idFrom, lateralityField, outcome, snomedParam } from './writes';

export const option = {
	name: 'Add Encounter Diagnosis',
	value: 'addEncounterDiagnosis',
	action: 'Add a diagnosis to an encounter',
	description: 'Add a diagnosis (SNOMED code, optional ICD-10 codes) to an open encounter',
};

export const toolDescription =
	'Add a diagnosis (SNOMED code with optional ICD-10 codes) to an open athenahealth encounter. Returns the new diagnosis ID.';

export const writes = true;

export const description = updateDisplayOptions(show('chart', 'addEncounterDiagnosis'), [
	{
		displayName: 'Encounter ID',
		name: 'encounterId',
		type: 'string',
		default: '',
		required: true,
		description:
			'The encounter (encounterid from Get Encounters); athena changes open encounters only',
	},
	{
		displayName: 'SNOMED Code',
		name: 'snomedCode',
		type: 'string',
		default: '',
		required: true,
		placeholder: 'e.g. 44054006',
	},
	{
		displayName: 'Additional Fields',
		name: 'additionalFields',
		type: 'collection',
		placeholder: 'Add Field',
		default: {},
		options: [
			{
				displayName: 'ICD-10 Codes',
				name: 'icd10codes',
				type: 'string',
				default: '',
				placeholder: 'E11.9',
				description: 'Comma-separated ICD-10 codes for the diagnosis',
			},
			lateralityField(),
			{ displayName: 'Note', name: 'note', type: 'string', default: '' },
		],
	},
]);

export async function execute(this: IExecuteFunctions, i: number) {
	const encounterId = idParam(this, 'encounterId', i, 'Encounter ID')!;
	const snomedcode = snomedParam(this, 'snomedCode', i, 'SNOMED Code');
	const extra = this.getNodeParameter('additionalFields', i, {}) as IDataObject;
	const codes = String(extra.icd10codes ?? '')
		.split(',')
		.map((c) => c.trim().toUpperCase())
		.filter(Boolean);
	const bad = codes.find((c) => !ICD10.test(c));
	if (bad)
		throw inputError(
			this,
			i,
			`ICD-10 Codes: "${bad}" is not an ICD-10 code`,
			'Use codes such as E11.9 or I10 (with or without the dot), comma-separated.',
		);
	const result = await chartWrite(
		this,
		i,
		{
			method: 'POST',
			path: `/chart/encounter/${encounterId}/diagnoses`,
			form: compact({
				...extra,
				snomedcode,
				icd10codes: codes.length ? codes.join(',') : undefined,
			}),
			practiceId: practiceOf(this, i),
		},
		{
			what: `the addition of diagnosis ${snomedcode} to encounter ${encounterId}`,
			check: `Look at the encounter's diagnoses with Chart → Get Encounters (Show Diagnoses on) before adding it again.`,
		},
	);
	return toItems(
		[
			{
				encounterid: encounterId,
				diagnosisid: idFrom(result.body.diagnosisid),
				snomedcode,
				icd10codes: codes,
				added: true,
				...outcome(result),
			},
		],
		i,
	);
}
