import { NodeOperationError, updateDisplayOptions, type IExecuteFunctions } from 'n8n-workflow';

import { getStatus, statusUrlOf } from '../../transport/bulk';
import { fhirScope } from '../../transport/fhir';
import { show } from '../fields';
import { practiceOf } from '../params';
import { deliverFiles } from './download';
import { downloadFields, statusUrlField } from './fields';

export const option = {
	name: 'Download Files',
	value: 'downloadFiles',
	action: 'Download bulk export files',
	description: 'Download the files of a finished export, resuming where an earlier run stopped',
};

export const toolDescription =
	'Download the files of a finished athenahealth FHIR bulk export as binary data. Not meant for agents: the files go to the workflow, not to the model.';

export const writes = false;

export const description = updateDisplayOptions(show('bulkExport', 'downloadFiles'), [
	statusUrlField,
	...downloadFields,
]);

export async function execute(this: IExecuteFunctions, i: number) {
	const scope = await fhirScope(this, practiceOf(this, i), i);
	const statusUrl = statusUrlOf(this, scope, this.getNodeParameter('statusUrl', i), i);
	const status = await getStatus(this, scope, statusUrl, i);
	if (status.state !== 'complete') {
		throw new NodeOperationError(
			this.getNode(),
			`The export is not ready yet (${status.progress ?? 'in progress'})`,
			{
				itemIndex: i,
				description:
					'Use Get Status until it says complete, or Export and Wait, which waits for you.',
			},
		);
	}
	return await deliverFiles(this, scope, statusUrl, status.manifest, i);
}
