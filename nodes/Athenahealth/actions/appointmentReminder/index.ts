// The operations of this resource, one line each; actions/resources.ts describes the resource.

export * as create from './create.operation';
export * as del from './delete.operation';
export * as get from './get.operation';
export * as getAll from './getAll.operation';
