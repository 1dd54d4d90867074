import type { ResourceDefinition } from '../types';
import * as cancel from './cancel.operation';
import * as downloadFiles from './downloadFiles.operation';
import * as exportAndWait from './exportAndWait.operation';
import * as getStatus from './getStatus.operation';
import * as start from './start.operation';

export const bulkExport: ResourceDefinition = {
	name: 'Bulk Export (FHIR)',
	resource: 'bulkExport',
	defaultOperation: 'exportAndWait',
	operations: [start, getStatus, downloadFiles, exportAndWait, cancel],
};
