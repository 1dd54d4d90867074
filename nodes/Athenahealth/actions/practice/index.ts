import type { INodePropertyOptions } from 'n8n-workflow';

import * as get from './get.operation';
import * as getAll from './getAll.operation';

export const practice = { getAll, get };

export const practiceOperations: INodePropertyOptions[] = [
	{ name: 'Get', value: 'get', action: 'Get a practice', description: 'Read one practice (the Practice ID below, or the credential\'s)' },
	{ name: 'Get Many', value: 'getAll', action: 'Get many practices', description: 'List the practices this credential can reach, and whether the credential allows calls to each' },
];
