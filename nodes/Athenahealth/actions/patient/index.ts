// The operations of this resource, one line each; actions/resources.ts describes the resource.

export * as create from './create.operation';
export * as createOrUpdateByExternalId from './createOrUpdateByExternalId.operation';
export * as findBestMatch from './findBestMatch.operation';
export * as findByCustomField from './findByCustomField.operation';
export * as get from './get.operation';
export * as getAll from './getAll.operation';
export * as getCustomFields from './getCustomFields.operation';
export * as search from './search.operation';
export * as setCustomFields from './setCustomFields.operation';
export * as update from './update.operation';
