// The operations of this resource, one line each; actions/resources.ts describes the resource.

// athena does not let integrations edit or delete claims once submitted: claims are created whole
// (docs/athena-behaviour.md#claims); notes can be added.

export * as addClaimNote from './addClaimNote.operation';
export * as createClaim from './createClaim.operation';
export * as createClaimForAppointment from './createClaimForAppointment.operation';
export * as getBalances from './getBalances.operation';
export * as getClaim from './getClaim.operation';
export * as getClaimNotes from './getClaimNotes.operation';
export * as getClaims from './getClaims.operation';
export * as getReceipts from './getReceipts.operation';
export * as recordPayment from './recordPayment.operation';
