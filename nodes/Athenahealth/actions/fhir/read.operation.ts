import { updateDisplayOptions, type IExecuteFunctions } from 'n8n-workflow';

import { fhirId } from '../../shared/ids';
import { fhirRequest, fhirScope, practiceParam } from '../../transport/fhir';
import { show } from '../fields';
import { practiceOf } from '../params';
import { resourceTypeOf } from './fields';

export const option = {
	name: 'Read',
	value: 'read',
	action: 'Read a FHIR resource',
	description: 'Get one resource by its FHIR ID',
};

export const toolDescription =
	'Read one athenahealth FHIR R4 resource, such as a Patient, Encounter or Observation. Returns the resource.';

export const writes = false;

export const description = updateDisplayOptions(show('fhir', 'read'), [
	{
		displayName: 'Resource ID',
		name: 'id',
		type: 'string',
		default: '',
		required: true,
		placeholder: 'a-195900.E-60178',
		description:
			"The resource's FHIR ID in athena's form. For Patient, Practitioner and Location a bare athena ID (60178) works too.",
	},
]);

export async function execute(this: IExecuteFunctions, i: number) {
	const scope = await fhirScope(this, practiceOf(this, i), i, [resourceTypeOf(this, i)]);
	const type = resourceTypeOf(this, i);
	const id = fhirId(
		this.getNode(),
		this.getNodeParameter('id', i),
		type,
		scope.practiceId,
		'Resource ID',
		i,
	);
	const body = await fhirRequest(this, scope, {
		method: 'GET',
		url: `${scope.base}/${type}/${encodeURIComponent(id)}?ah-practice=${encodeURIComponent(practiceParam(scope.practiceId))}`,
		itemIndex: i,
	});
	return [{ json: body }];
}
