import { updateDisplayOptions, type IDataObject, type IExecuteFunctions } from 'n8n-workflow';

import { athenaRequest } from '../../transport/request';
import { show } from '../fields';
import { toItems } from '../output';
import { inputError, practiceOf } from '../params';

// athena's allergy reference search answers a bare array of {allergenid, allergenname, …} and needs
// at least 2 characters (docs/athena-behaviour.md#chart-writes)

export const option = {
	name: 'Search Allergens',
	value: 'searchAllergens',
	action: 'Search allergens',
	description:
		"Find allergen IDs (for Update Allergies) in athena's allergy reference by part of the name",
};

export const toolDescription =
	"Search athenahealth's allergy reference by part of an allergen's name (at least 2 characters). Returns allergens with allergen ID and name, " +
	'the IDs Update Allergies needs.';

export const writes = false;

export const description = updateDisplayOptions(show('chart', 'searchAllergens'), [
	{
		displayName: 'Allergen Name',
		name: 'allergenName',
		type: 'string',
		default: '',
		required: true,
		placeholder: 'latex',
		description: 'Part of the allergen name, at least 2 characters',
	},
]);

export async function execute(this: IExecuteFunctions, i: number) {
	const text = String(this.getNodeParameter('allergenName', i, '')).trim();
	if (text.length < 2)
		throw inputError(
			this,
			i,
			'Allergen Name needs at least 2 characters',
			`Got ${text ? `"${text}"` : 'nothing'}. athena searches its allergy reference only with 2 or more characters.`,
		);
	const rows = await athenaRequest(this, {
		method: 'GET',
		path: '/reference/allergies',
		qs: { searchvalue: text },
		practiceId: practiceOf(this, i),
		itemIndex: i,
	});
	return toItems((Array.isArray(rows) ? rows : []) as IDataObject[], i);
}
