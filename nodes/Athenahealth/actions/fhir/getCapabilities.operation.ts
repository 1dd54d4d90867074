import type { IExecuteFunctions, INodeProperties } from 'n8n-workflow';

import { fhirRequest, fhirScope } from '../../transport/fhir';
import { practiceOf } from '../params';

export const option = {
	name: 'Get Capabilities',
	value: 'getCapabilities',
	action: "Get athena's FHIR capability statement",
	description: 'What the FHIR server supports: resource types, search parameters, operations',
};

export const toolDescription =
	"Get athenahealth's FHIR capability statement. Returns the resource types and search parameters athena supports.";

export const writes = false;

export const description: INodeProperties[] = [];

export async function execute(this: IExecuteFunctions, i: number) {
	const scope = await fhirScope(this, practiceOf(this, i), i);
	return [
		{
			json: await fhirRequest(this, scope, {
				method: 'GET',
				url: `${scope.base}/metadata`,
				itemIndex: i,
			}),
		},
	];
}
