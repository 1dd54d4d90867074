import { updateDisplayOptions, type IExecuteFunctions } from 'n8n-workflow';

import { cancelExport, statusUrlOf } from '../../transport/bulk';
import { fhirScope } from '../../transport/fhir';
import { show } from '../fields';
import { practiceOf } from '../params';
import { checkpoints } from './download';
import { statusUrlField } from './fields';

export const option = {
	name: 'Cancel',
	value: 'cancel',
	action: 'Cancel a bulk export',
	description: 'Tell athena to stop the export and delete its files (DELETE)',
};

export const toolDescription =
	'Cancel a running athenahealth FHIR bulk export. Returns the result.';

export const writes = true;

export const description = updateDisplayOptions(show('bulkExport', 'cancel'), [statusUrlField]);

export async function execute(this: IExecuteFunctions, i: number) {
	const scope = await fhirScope(this, practiceOf(this, i), i);
	const statusUrl = statusUrlOf(this, scope, this.getNodeParameter('statusUrl', i), i);
	await cancelExport(this, scope, statusUrl, i);
	delete checkpoints(this)[statusUrl];
	return [{ json: { statusUrl, cancelled: true } }];
}
