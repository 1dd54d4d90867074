import * as appointment from './appointment';
import * as appointmentReason from './appointmentReason';
import * as appointmentReminder from './appointmentReminder';
import * as billing from './billing';
import * as bulkExport from './bulkExport';
import * as chart from './chart';
import * as customApiCall from './customApiCall';
import * as document from './document';
import * as fhir from './fhir';
import { resourceTypeField } from './fhir/fields';
import * as hl7 from './hl7';
import { messageInput } from './hl7/input';
import * as insurancePackage from './insurancePackage';
import * as patient from './patient';
import * as patientInsurance from './patientInsurance';
import * as practice from './practice';
import { appointmentType, department, provider } from './reference';
import * as subscription from './subscription';
import { DATE, ID, WRITE } from './toolText';
import type { Operation, ResourceDefinition } from './types';

// The action node's resources (docs/development.md, "Adding a resource"): each resource's folder
// lists its operations in its index.ts, one line each; here, its name in the Resource list, its
// value (saved in workflows: never change it) and the operation a new node starts on (saved
// workflows omit it: never change it either).

const list = (operations: Record<string, Operation>) => Object.values(operations);

export const RESOURCES: ResourceDefinition[] = [
	{ name: 'Patient', resource: 'patient', defaultOperation: 'get', operations: list(patient) },
	{
		name: 'Appointment',
		resource: 'appointment',
		defaultOperation: 'getOpenSlots',
		operations: list(appointment),
	},
	{
		name: 'Appointment Reminder',
		resource: 'appointmentReminder',
		defaultOperation: 'create',
		operations: list(appointmentReminder),
	},
	{
		name: 'Appointment Reason',
		resource: 'appointmentReason',
		defaultOperation: 'getAll',
		operations: list(appointmentReason),
	},
	{
		name: 'Change Subscription',
		resource: 'subscription',
		defaultOperation: 'subscribe',
		operations: list(subscription),
	},
	{
		name: 'HL7 Message',
		resource: 'hl7',
		defaultOperation: 'parse',
		operations: list(hl7),
		fields: messageInput([
			'parse',
			'getFields',
			'setFields',
			'createAck',
			'validate',
			'splitBatch',
			'toAthena',
		]),
	},
	department,
	provider,
	appointmentType,
	{
		name: 'FHIR',
		resource: 'fhir',
		defaultOperation: 'search',
		operations: list(fhir),
		fields: [resourceTypeField(['search', 'read'])],
	},
	{
		name: 'Bulk Export (FHIR)',
		resource: 'bulkExport',
		defaultOperation: 'exportAndWait',
		operations: list(bulkExport),
	},
	{
		name: 'Custom API Call',
		resource: 'customApiCall',
		defaultOperation: 'call',
		operations: list(customApiCall),
	},
	{
		name: 'Patient Insurance',
		resource: 'patientInsurance',
		defaultOperation: 'getAll',
		operations: list(patientInsurance),
	},
	{
		name: 'Insurance Package',
		resource: 'insurancePackage',
		defaultOperation: 'search',
		operations: list(insurancePackage),
	},
	{ name: 'Chart', resource: 'chart', defaultOperation: 'getProblems', operations: list(chart) },
	{
		name: 'Balance and Claim',
		resource: 'billing',
		defaultOperation: 'getBalances',
		operations: list(billing),
	},
	{
		name: 'Document',
		resource: 'document',
		defaultOperation: 'getAll',
		operations: list(document),
	},
	{
		name: 'Practice',
		resource: 'practice',
		defaultOperation: 'getAll',
		operations: list(practice),
	},
];

/** resource value → operation value → operation, for the router. */
export const OPERATIONS: Record<string, Record<string, Operation>> = Object.fromEntries(
	RESOURCES.map((r) => [
		r.resource,
		Object.fromEntries(r.operations.map((op) => [op.option.value, op])),
	]),
);

/** Every parameter name of an operation, including the options inside its collections. */
function parameterNames(fields: unknown[]): string[] {
	// (an options list's entries are choices, not parameters: they have no type)
	return (fields as Array<{ name?: string; type?: string; options?: unknown[] }>).flatMap((f) => [
		...(f.name && f.type ? [f.name] : []),
		...(Array.isArray(f.options) ? parameterNames(f.options) : []),
	]);
}

/**
 * What a model reads about an operation: its own text (what it does and returns, never which
 * inputs: each node decides which of them the model fills, and n8n lists those as the tool's
 * arguments), the form of the ids and dates among its fields, and the WRITE warning when it writes.
 */
export function toolTextOf(op: Operation): string {
	const names = parameterNames(op.description);
	const forms = [
		// a bulk export's group and FHIR's ids are FHIR ids, not athenaNet ones
		names.some((n) => /Id$/.test(n) && n !== 'groupId' && n !== 'resourceId') ? ID : undefined,
		names.some((n) => /date$|^dob$/i.test(n)) ? DATE : undefined,
	].filter(Boolean);
	return [
		op.toolDescription,
		forms.length
			? `Fill only this tool's arguments (the node sets the rest): ${forms.join('; ')}.`
			: '',
		op.writes ? WRITE : '',
	]
		.filter(Boolean)
		.join(' ');
}

/** Whether the operation offers Simplify (read from its own parameters, so it cannot disagree). */
export const hasSimplify = (op: Operation) => op.description.some((p) => p.name === 'simplify');

/** Every operation with its resource, in the node's order: what docs and tests derive from. */
export const ALL_OPERATIONS = RESOURCES.flatMap((resource) =>
	resource.operations.map((operation) => ({ resource, operation })),
);
