// The operations of this resource, one line each; actions/resources.ts describes the resource.

// Read only: athena does not let integrations edit or delete claims once submitted.

export * as getBalances from './getBalances.operation';
export * as getClaim from './getClaim.operation';
export * as getClaims from './getClaims.operation';
export * as getReceipts from './getReceipts.operation';
