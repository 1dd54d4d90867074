// The operations of this resource, one line each; actions/resources.ts describes the resource.

export * as get from './get.operation';
export * as getAll from './getAll.operation';
export * as getClinicalSummary from './getClinicalSummary.operation';
export * as importCcda from './importCcda.operation';
export * as upload from './upload.operation';
