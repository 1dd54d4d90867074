// The operations of this resource, one line each; actions/resources.ts describes the resource.

export * as checkEligibility from './checkEligibility.operation';
export * as create from './create.operation';
export * as del from './delete.operation';
export * as getAll from './getAll.operation';
export * as getEligibility from './getEligibility.operation';
export * as update from './update.operation';
