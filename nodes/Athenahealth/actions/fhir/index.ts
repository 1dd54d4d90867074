// The operations of this resource, one line each; actions/resources.ts describes the resource.

export * as createQuestionnaireResponse from './createQuestionnaireResponse.operation';
export * as getCapabilities from './getCapabilities.operation';
export * as read from './read.operation';
export * as search from './search.operation';
