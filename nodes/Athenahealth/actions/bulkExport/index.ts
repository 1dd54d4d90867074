// The operations of this resource, one line each; actions/resources.ts describes the resource.

export * as cancel from './cancel.operation';
export * as downloadFiles from './downloadFiles.operation';
export * as exportAndWait from './exportAndWait.operation';
export * as getStatus from './getStatus.operation';
export * as start from './start.operation';
