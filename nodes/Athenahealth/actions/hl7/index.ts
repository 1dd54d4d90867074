// The operations of this resource, one line each; actions/resources.ts describes the resource.

export * as ack from './ack.operation';
export * as batch from './batch.operation';
export * as build from './build.operation';
export * as getFields from './getFields.operation';
export * as parse from './parse.operation';
export * as setFields from './setFields.operation';
export * as toAthena from './toAthena.operation';
export * as validate from './validate.operation';
