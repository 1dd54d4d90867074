import { updateDisplayOptions, type IDataObject, type IExecuteFunctions } from 'n8n-workflow';

import { athenaRequest } from '../../transport/request';
import { idParam, practiceOf, show, toItems } from '../common';
import { departmentLocator, patientLocator } from '../locators';

export const description = updateDisplayOptions(show('billing', 'getReceipts'), [patientLocator(), departmentLocator()]);

export async function execute(this: IExecuteFunctions, i: number) {
	const patientId = idParam(this, 'patientId', i, 'Patient')!;
	const departmentid = idParam(this, 'departmentId', i, 'Department')!;
	// a bare array, no wrapper and no paging (reference §3.3)
	const body = await athenaRequest(this, { method: 'GET', path: `/patients/${patientId}/receipts`, qs: { departmentid }, practiceId: practiceOf(this, i), itemIndex: i });
	const receipts = Array.isArray(body) ? (body as IDataObject[]) : [];
	return toItems(receipts.map((r) => ({ patientid: patientId, ...r, amountNumber: r.amount === undefined ? undefined : Number(r.amount) })), i);
}
