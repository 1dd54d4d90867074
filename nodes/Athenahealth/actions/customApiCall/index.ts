// The operations of this resource, one line each; actions/resources.ts describes the resource.

export * as call from './call.operation';
