import { updateDisplayOptions, type IExecuteFunctions } from 'n8n-workflow';

import { kickOff } from '../../transport/bulk';
import { fhirScope, requireScopes } from '../../transport/fhir';
import { show } from '../fields';
import { practiceOf } from '../params';
import { exportRequest, startFields } from './fields';

export const option = {
	name: 'Start',
	value: 'start',
	action: 'Start a bulk export',
	description: "Kick off a FHIR $export of the practice's group",
};

export const toolDescription =
	'Start an athenahealth FHIR bulk export. Returns the status URL to poll.';

export const writes = false;

export const description = updateDisplayOptions(show('bulkExport', 'start'), startFields);

export async function execute(this: IExecuteFunctions, i: number) {
	const scope = await fhirScope(this, practiceOf(this, i), i);
	const req = exportRequest(this, i, scope.practiceId);
	requireScopes(this, scope, req.types, i);
	const { statusUrl, request } = await kickOff(this, scope, req.groupId, req.params, req.method, i);
	return [
		{ json: { statusUrl, request, groupId: req.groupId, startedAt: new Date().toISOString() } },
	];
}
