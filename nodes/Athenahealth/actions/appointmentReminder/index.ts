import type { ResourceDefinition } from '../types';
import * as create from './create.operation';
import * as del from './delete.operation';
import * as get from './get.operation';
import * as getAll from './getAll.operation';

export const appointmentReminder: ResourceDefinition = {
	name: 'Appointment Reminder',
	resource: 'appointmentReminder',
	defaultOperation: 'create',
	operations: [create, get, getAll, del],
};
