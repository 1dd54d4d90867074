import type { INodePropertyOptions } from 'n8n-workflow';

import * as cancel from './cancel.operation';
import * as downloadFiles from './downloadFiles.operation';
import * as exportAndWait from './exportAndWait.operation';
import * as getStatus from './getStatus.operation';
import * as start from './start.operation';

export const bulkExport = { start, getStatus, downloadFiles, exportAndWait, cancel };

export const bulkExportOperations: INodePropertyOptions[] = [
	{ name: 'Cancel', value: 'cancel', action: 'Cancel a bulk export', description: 'Tell athena to stop the export and delete its files (DELETE)' },
	{ name: 'Download Files', value: 'downloadFiles', action: 'Download bulk export files', description: 'Download the files of a finished export, resuming where an earlier run stopped' },
	{ name: 'Export and Wait', value: 'exportAndWait', action: 'Export and wait for the files', description: 'Start an export, wait until it is ready, and download its files' },
	{ name: 'Get Status', value: 'getStatus', action: 'Get the status of a bulk export', description: 'Ask once whether the export is ready; gives the progress or the file list' },
	{ name: 'Start', value: 'start', action: 'Start a bulk export', description: "Kick off a FHIR $export of the practice's group" },
];
