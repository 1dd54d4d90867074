import type { ResourceDefinition } from '../types';
import * as checkEligibility from './checkEligibility.operation';
import * as create from './create.operation';
import * as del from './delete.operation';
import * as getAll from './getAll.operation';
import * as getEligibility from './getEligibility.operation';
import * as update from './update.operation';

export const patientInsurance: ResourceDefinition = {
	name: 'Patient Insurance',
	resource: 'patientInsurance',
	defaultOperation: 'getAll',
	operations: [getAll, create, update, del, checkEligibility, getEligibility],
};
