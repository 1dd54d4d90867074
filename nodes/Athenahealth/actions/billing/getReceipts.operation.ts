import { updateDisplayOptions, type IDataObject, type IExecuteFunctions } from 'n8n-workflow';

import { athenaRequest } from '../../transport/request';
import { show } from '../fields';
import { toItems } from '../output';
import { idParam, practiceOf } from '../params';
import { departmentLocator, patientLocator } from '../locators';

export const option = {
	name: 'Get Receipts',
	value: 'getReceipts',
	action: 'Get the receipts of a patient',
	description:
		"List a patient's card payment receipts (patient and department IDs, digits); one item per receipt",
};

export const toolDescription =
	"List an athenahealth patient's payment receipts. Returns receipts with receipt ID, date and amount.";

export const writes = false;

export const description = updateDisplayOptions(show('billing', 'getReceipts'), [
	patientLocator(),
	departmentLocator(),
]);

export async function execute(this: IExecuteFunctions, i: number) {
	const patientId = idParam(this, 'patientId', i, 'Patient')!;
	const departmentid = idParam(this, 'departmentId', i, 'Department')!;
	// a bare array, no wrapper and no paging (docs/athena-behaviour.md#receipts)
	const body = await athenaRequest(this, {
		method: 'GET',
		path: `/patients/${patientId}/receipts`,
		qs: { departmentid },
		practiceId: practiceOf(this, i),
		itemIndex: i,
	});
	const receipts = Array.isArray(body) ? (body as IDataObject[]) : [];
	return toItems(
		receipts.map((r) => ({
			patientid: patientId,
			...r,
			amountNumber: r.amount === undefined ? undefined : Number(r.amount),
		})),
		i,
	);
}
