import type { ResourceDefinition } from '../types';
import * as getBalances from './getBalances.operation';
import * as getClaim from './getClaim.operation';
import * as getClaims from './getClaims.operation';
import * as getReceipts from './getReceipts.operation';

// Read only: athena does not let integrations edit or delete claims once submitted.
export const billing: ResourceDefinition = {
	name: 'Balance and Claim',
	resource: 'billing',
	defaultOperation: 'getBalances',
	operations: [getBalances, getReceipts, getClaim, getClaims],
};
