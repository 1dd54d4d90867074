import type { INodePropertyOptions } from 'n8n-workflow';

import * as create from './create.operation';
import * as findBestMatch from './findBestMatch.operation';
import * as get from './get.operation';
import * as getAll from './getAll.operation';
import * as search from './search.operation';
import * as update from './update.operation';

export const patient = { get, search, findBestMatch, create, update, getAll };

export const patientOperations: INodePropertyOptions[] = [
	{ name: 'Create', value: 'create', action: 'Create a patient', description: 'Create a patient (athena returns an existing match instead of a duplicate)' },
	{ name: 'Find Best Match', value: 'findBestMatch', action: 'Find the best matching patients', description: "Use athena's enhanced best match by name and date of birth, with scores" },
	{ name: 'Get', value: 'get', action: 'Get a patient', description: 'Get one patient by ID' },
	{ name: 'Get Many', value: 'getAll', action: 'Get many patients', description: 'List the patients of a department' },
	{ name: 'Search', value: 'search', action: 'Search patients', description: 'Search by name, date of birth, phone, email, ZIP or department' },
	{ name: 'Update', value: 'update', action: 'Update a patient', description: 'Change only the given fields of a patient' },
];
