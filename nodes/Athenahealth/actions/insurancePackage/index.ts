// The operations of this resource, one line each; actions/resources.ts describes the resource.

export * as search from './search.operation';
