import type { ILoadOptionsFunctions, INodePropertyOptions } from 'n8n-workflow';

import { searchCustomFields } from './listSearch';

/** The practice's patient custom fields, for lists inside a collection (where a locator is not used). */
export async function getCustomFields(
	this: ILoadOptionsFunctions,
): Promise<INodePropertyOptions[]> {
	const { results } = await searchCustomFields.call(this);
	return results.map((r) => ({ name: r.name, value: r.value }));
}
