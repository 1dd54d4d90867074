import type { ResourceDefinition } from '../types';
import * as get from './get.operation';
import * as getAll from './getAll.operation';

export const appointmentReason: ResourceDefinition = {
	name: 'Appointment Reason',
	resource: 'appointmentReason',
	defaultOperation: 'getAll',
	operations: [get, getAll],
};
