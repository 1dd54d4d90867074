import { updateDisplayOptions, type IExecuteFunctions } from 'n8n-workflow';

import { cancelExport, statusUrlOf } from '../../transport/bulk';
import { fhirScope } from '../../transport/fhir';
import { practiceOf, show } from '../common';
import { checkpoints } from './download';
import { statusUrlField } from './fields';

export const description = updateDisplayOptions(show('bulkExport', 'cancel'), [statusUrlField]);

export async function execute(this: IExecuteFunctions, i: number) {
	const scope = await fhirScope(this, practiceOf(this, i), i);
	const statusUrl = statusUrlOf(this, scope, this.getNodeParameter('statusUrl', i), i);
	await cancelExport(this, scope, statusUrl, i);
	delete checkpoints(this)[statusUrl];
	return [{ json: { statusUrl, cancelled: true } }];
}
