import { appointment } from './appointment';
import { appointmentReason } from './appointmentReason';
import { appointmentReminder } from './appointmentReminder';
import { billing } from './billing';
import { bulkExport } from './bulkExport';
import { chart } from './chart';
import { customApiCall } from './customApiCall';
import { document } from './document';
import { fhir } from './fhir';
import { hl7 } from './hl7';
import { insurancePackage } from './insurancePackage';
import { patient } from './patient';
import { patientInsurance } from './patientInsurance';
import { practice } from './practice';
import { appointmentType, department, provider } from './reference';
import { subscription } from './subscription';
import { WRITE } from './toolText';
import type { Operation, ResourceDefinition } from './types';

/** The action node's resources, one line each (docs/development.md, "Adding a resource"). */
export const RESOURCES: ResourceDefinition[] = [
	patient,
	appointment,
	appointmentReminder,
	appointmentReason,
	subscription,
	hl7,
	department,
	provider,
	appointmentType,
	fhir,
	bulkExport,
	customApiCall,
	patientInsurance,
	insurancePackage,
	chart,
	billing,
	document,
	practice,
];

/** resource value → operation value → operation, for the router. */
export const OPERATIONS: Record<string, Record<string, Operation>> = Object.fromEntries(
	RESOURCES.map((r) => [r.resource, Object.fromEntries(r.operations.map((op) => [op.option.value, op]))]),
);

/** What a model reads about an operation: its own text, and the WRITE warning when it writes. */
export const toolTextOf = (op: Operation) => (op.writes ? `${op.toolDescription} ${WRITE}` : op.toolDescription);

/** Whether the operation offers Simplify (read from its own parameters, so it cannot disagree). */
export const hasSimplify = (op: Operation) => op.description.some((p) => p.name === 'simplify');

/** Every operation with its resource, in the node's order: what docs and tests derive from. */
export const ALL_OPERATIONS = RESOURCES.flatMap((resource) => resource.operations.map((operation) => ({ resource, operation })));
