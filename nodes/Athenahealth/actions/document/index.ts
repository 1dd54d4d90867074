import type { INodePropertyOptions } from 'n8n-workflow';

import * as get from './get.operation';
import * as getAll from './getAll.operation';
import * as upload from './upload.operation';

export const document = { getAll, get, upload };

export const documentOperations: INodePropertyOptions[] = [
	{ name: 'Get', value: 'get', action: 'Get a document', description: "Read one of a patient's documents by class and ID" },
	{ name: 'Get Many', value: 'getAll', action: 'Get many documents of a patient', description: "List a patient's documents in a department, one item per document" },
	{ name: 'Upload', value: 'upload', action: 'Upload a document', description: "Write: file a binary file (PDF, JPG, PNG, TIF or GIF) as an admin document in the patient's chart; returns its ID" },
];
