import type { INodePropertyOptions } from 'n8n-workflow';

import * as get from './get.operation';
import * as getAll from './getAll.operation';
import * as upload from './upload.operation';

export const document = { getAll, get, upload };

export const documentOperations: INodePropertyOptions[] = [
	{ name: 'Get', value: 'get', action: 'Get a document', description: "Read one of a patient's documents (patient ID, document class and its ID, digits); returns the document" },
	{ name: 'Get Many', value: 'getAll', action: 'Get many documents of a patient', description: "List a patient's documents (patient and department IDs, optional classes and dates); one item per document" },
	{ name: 'Upload', value: 'upload', action: 'Upload a document', description: "Write: file an input binary (PDF, JPG, PNG, TIF or GIF) as an admin document for a patient and department (IDs, digits) with a subclass; returns its ID" },
];
