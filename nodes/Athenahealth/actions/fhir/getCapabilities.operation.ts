import type { IExecuteFunctions, INodeProperties } from 'n8n-workflow';

import { fhirRequest, fhirScope } from '../../transport/fhir';
import { practiceOf } from '../common';

export const description: INodeProperties[] = [];

export async function execute(this: IExecuteFunctions, i: number) {
	const scope = await fhirScope(this, practiceOf(this, i), i);
	return [{ json: await fhirRequest(this, scope, { method: 'GET', url: `${scope.base}/metadata`, itemIndex: i }) }];
}
