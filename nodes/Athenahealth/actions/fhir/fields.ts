import type { IExecuteFunctions, INodeProperties } from 'n8n-workflow';

import { FHIR_TYPES, typeOptions } from '../../shared/fhirTypes';
import { listedValue } from '../../shared/ids';

// Types searched by patient (athena has no practice-wide clinical searches).
export const PATIENT_SCOPED = FHIR_TYPES.filter((f) => f.search && f.patientScoped).map(
	(f) => f.type,
);

// Types athena's CapabilityStatement offers search/read for (docs/athena-behaviour.md#fhir-types).
export const FHIR_TYPE_OPTIONS = typeOptions((f) => f.search);

export const resourceTypeField = (operations: string[]): INodeProperties => ({
	displayName: 'Resource Type',
	name: 'resourceType',
	type: 'options',
	options: FHIR_TYPE_OPTIONS,
	default: 'Patient',
	displayOptions: { show: { resource: ['fhir'], operation: operations } },
});

/** The Resource Type parameter; it becomes a path segment, so only the listed types pass. */
export const resourceTypeOf = (ctx: IExecuteFunctions, i: number) =>
	listedValue(
		ctx.getNode(),
		ctx.getNodeParameter('resourceType', i),
		FHIR_TYPE_OPTIONS,
		'Resource Type',
		i,
	);
