import { updateDisplayOptions, type IExecuteFunctions } from 'n8n-workflow';

import { getStatus, statusUrlOf } from '../../transport/bulk';
import { fhirScope } from '../../transport/fhir';
import { show } from '../fields';
import { practiceOf } from '../params';
import { statusUrlField } from './fields';

export const option = {
	name: 'Get Status',
	value: 'getStatus',
	action: 'Get the status of a bulk export',
	description: 'Ask once whether the export is ready; gives the progress or the file list',
};

export const toolDescription =
	'Get the progress of an athenahealth FHIR bulk export. Returns progress, or the file list when done.';

export const writes = false;

export const description = updateDisplayOptions(show('bulkExport', 'getStatus'), [statusUrlField]);

export async function execute(this: IExecuteFunctions, i: number) {
	const scope = await fhirScope(this, practiceOf(this, i), i);
	const statusUrl = statusUrlOf(this, scope, this.getNodeParameter('statusUrl', i), i);
	const status = await getStatus(this, scope, statusUrl, i);
	if (status.state === 'in-progress') {
		const retryAfterSeconds =
			status.retryAfterMs === undefined ? undefined : Math.ceil(status.retryAfterMs / 1000);
		return [
			{ json: { statusUrl, status: 'in-progress', progress: status.progress, retryAfterSeconds } },
		];
	}
	const { manifest } = status;
	return [
		{
			json: {
				statusUrl,
				status: 'complete',
				transactionTime: manifest.transactionTime,
				requiresAccessToken: manifest.requiresAccessToken,
				output: manifest.output,
				error: manifest.error,
				...(manifest.extension ? { extension: manifest.extension } : {}),
			},
		},
	];
}
