import type { INodePropertyOptions } from 'n8n-workflow';

import * as getBalances from './getBalances.operation';
import * as getClaim from './getClaim.operation';
import * as getClaims from './getClaims.operation';
import * as getReceipts from './getReceipts.operation';

// Read only: athena does not let integrations edit or delete claims once submitted.
export const billing = { getBalances, getReceipts, getClaim, getClaims };

export const billingOperations: INodePropertyOptions[] = [
	{ name: 'Get Balances', value: 'getBalances', action: 'Get the balances of a patient', description: "Read a patient's balances (patient ID, digits); one item per provider group with the claims behind it, amounts also as numbers" },
	{ name: 'Get Claim', value: 'getClaim', action: 'Get a claim', description: 'Read one claim by its ID (digits); returns the claim (read only)' },
	{ name: 'Get Many Claims', value: 'getClaims', action: 'Get many claims', description: 'List claims by patient or department ID (digits) or a service or created date range; one item per claim (read only)' },
	{ name: 'Get Receipts', value: 'getReceipts', action: 'Get the receipts of a patient', description: "List a patient's card payment receipts (patient and department IDs, digits); one item per receipt" },
];
