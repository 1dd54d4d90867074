import { updateDisplayOptions, type IDataObject, type IExecuteFunctions } from 'n8n-workflow';

import { athenaRequest } from '../../transport/request';
import { show } from '../fields';
import { single, toItems } from '../output';
import { idParam, practiceOf } from '../params';
import { patientLocator } from '../locators';

export const option = {
	name: 'Get Balances',
	value: 'getBalances',
	action: 'Get the balances of a patient',
	description:
		"Read a patient's balances (patient ID, digits); one item per provider group with the claims behind it, amounts also as numbers",
};

export const toolDescription =
	"Get an athenahealth patient's outstanding balances. Returns the balance per provider group, with amounts as numbers and the claims behind them.";

export const writes = false;

export const description = updateDisplayOptions(show('billing', 'getBalances'), [
	patientLocator(),
	{
		displayName: 'Options',
		name: 'options',
		type: 'collection',
		placeholder: 'Add Option',
		default: {},
		options: [
			{
				displayName: 'Include Claim Details',
				name: 'showbalancedetails',
				type: 'boolean',
				default: true,
				description:
					'Whether to add the claims behind each balance (athena advises collecting from these, not from the balance)',
			},
			{
				displayName: 'Include Paid Claims',
				name: 'showallclaims',
				type: 'boolean',
				default: false,
				description: 'Whether the claim details also list claims with no patient balance left',
			},
		],
	},
]);

/**
 * athena sends a balance as a string ("-978.7", "-.01") when non-zero and as the number 0 otherwise
 * (docs/athena-behaviour.md#balances).
 */
const amount = (value: unknown) =>
	value === undefined || value === null || value === '' ? undefined : Number(value);

export async function execute(this: IExecuteFunctions, i: number) {
	const patientId = idParam(this, 'patientId', i, 'Patient')!;
	const options = this.getNodeParameter('options', i, {}) as IDataObject;
	const showDetails = options.showbalancedetails !== false;
	const qs: IDataObject = {
		showbalancedetails: showDetails || undefined,
		showallclaims: (showDetails && options.showallclaims) || undefined,
	};
	const patient = single(
		await athenaRequest(this, {
			method: 'GET',
			path: `/patients/${patientId}`,
			qs,
			practiceId: practiceOf(this, i),
			itemIndex: i,
		}),
	);
	const details = (patient.claimbalancedetails as IDataObject[]) ?? [];
	// one item per provider group: its balance, and (with details) the claims that make it up
	const balances = ((patient.balances as IDataObject[]) ?? []).map((b) => {
		const group = details.find((d) => String(d.providergroupid) === String(b.providergroupid));
		return {
			patientid: patientId,
			...b,
			balanceAmount: amount(b.balance),
			...(showDetails ? { claimdetails: (group?.claimdetails as IDataObject[]) ?? [] } : {}),
		};
	});
	return toItems(balances, i);
}
