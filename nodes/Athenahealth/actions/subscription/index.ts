// The operations of this resource, one line each; actions/resources.ts describes the resource.

export * as getStatus from './getStatus.operation';
export * as listEvents from './listEvents.operation';
export * as subscribe from './subscribe.operation';
export * as unsubscribe from './unsubscribe.operation';
