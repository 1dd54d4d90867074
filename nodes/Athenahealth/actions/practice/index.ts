// The operations of this resource, one line each; actions/resources.ts describes the resource.

export * as get from './get.operation';
export * as getAll from './getAll.operation';
export * as getAppPublicKey from './getAppPublicKey.operation';
export * as checkOnboarding from './checkOnboarding.operation';
