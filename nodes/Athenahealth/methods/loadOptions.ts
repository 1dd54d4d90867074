import type { IDataObject, ILoadOptionsFunctions, INodePropertyOptions } from 'n8n-workflow';

import { athenaRequest } from '../transport/request';
import { searchCustomFields } from './listSearch';
import { practiceOf } from './practice';

// Short reference lists athena serves whole (bare arrays): allergy reactions and severities
// (docs/athena-behaviour.md#chart-writes). The value is the name, which the operation turns into
// athena's SNOMED code when it runs.

async function reference(
	ctx: ILoadOptionsFunctions,
	path: string,
	key: string,
): Promise<INodePropertyOptions[]> {
	const rows = (await athenaRequest(ctx, {
		method: 'GET',
		path,
		practiceId: practiceOf(ctx),
	})) as IDataObject[];
	return (Array.isArray(rows) ? rows : [])
		.map((r) => ({ name: String(r[key]), value: String(r[key]) }))
		.sort((a, b) => a.name.localeCompare(b.name));
}

export async function getAllergyReactions(this: ILoadOptionsFunctions) {
	return await reference(this, '/reference/allergies/reactions', 'reactionname');
}

export async function getAllergySeverities(this: ILoadOptionsFunctions) {
	return await reference(this, '/reference/allergies/severities', 'severity');
}

/** The practice's patient custom fields, for lists inside a collection (where a locator is not used). */
export async function getCustomFields(
	this: ILoadOptionsFunctions,
): Promise<INodePropertyOptions[]> {
	const { results } = await searchCustomFields.call(this);
	return results.map((r) => ({ name: r.name, value: r.value }));
}
