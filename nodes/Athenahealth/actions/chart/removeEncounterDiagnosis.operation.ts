import { updateDisplayOptions, type IExecuteFunctions } from 'n8n-workflow';

import { show } from '../fields';
import { toItems } from '../output';
import { idParam, practiceOf } from '../params';
import { chartWrite, outcome } from './writes';

export const option = {
	name: 'Remove Encounter Diagnosis',
	value: 'removeEncounterDiagnosis',
	action: 'Remove a diagnosis from an encounter',
	description: 'Remove a diagnosis from an open encounter',
};

export const toolDescription =
	'Remove a diagnosis from an open athenahealth encounter. Returns the encounter and diagnosis IDs.';

export const writes = true;

export const description = updateDisplayOptions(show('chart', 'removeEncounterDiagnosis'), [
	{
		displayName: 'Encounter ID',
		name: 'encounterId',
		type: 'string',
		default: '',
		required: true,
	},
	{
		displayName: 'Diagnosis ID',
		name: 'diagnosisId',
		type: 'string',
		default: '',
		required: true,
		description: 'The diagnosis (diagnosisid from the encounter)',
	},
]);

export async function execute(this: IExecuteFunctions, i: number) {
	const encounterId = idParam(this, 'encounterId', i, 'Encounter ID')!;
	const diagnosisId = idParam(this, 'diagnosisId', i, 'Diagnosis ID')!;
	const result = await chartWrite(
		this,
		i,
		{
			method: 'DELETE',
			path: `/chart/encounter/${encounterId}/diagnoses/${diagnosisId}`,
			practiceId: practiceOf(this, i),
		},
		{
			what: `the removal of diagnosis ${diagnosisId} from encounter ${encounterId}`,
			check: `Look at the encounter's diagnoses with Chart → Get Encounters (Show Diagnoses on).`,
		},
	);
	return toItems(
		[{ encounterid: encounterId, diagnosisid: diagnosisId, removed: true, ...outcome(result) }],
		i,
	);
}
