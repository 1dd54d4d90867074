import { NodeApiError, updateDisplayOptions, type IExecuteFunctions, type JsonObject } from 'n8n-workflow';

import { asNodeError } from '../../transport/errors';
import { athenaList } from '../../transport/paginate';
import { idParam, maxItems, practiceOf, returnAllAndLimit, show, simplified, simplifyField, toItems } from '../common';
import { departmentLocator } from '../locators';
import { patientStatusField } from './fields';

export const description = updateDisplayOptions(show('patient', 'getAll'), [
	departmentLocator(),
	patientStatusField,
	...returnAllAndLimit,
	simplifyField,
]);

export async function execute(this: IExecuteFunctions, i: number) {
	const departmentid = idParam(this, 'departmentId', i, 'Department');
	const status = this.getNodeParameter('status', i) as string;
	try {
		const records = await athenaList(this, {
			method: 'GET',
			path: '/patients',
			wrapper: 'patients',
			qs: { departmentid, status },
			practiceId: practiceOf(this, i),
			itemIndex: i,
			maxItems: maxItems(this, i),
		});
		return toItems(simplified(this, i, 'patient', records), i);
	} catch (error) {
		// athena refuses any patient search whose whole result is over 1,000 records, even with
		// paging. No filter splits a department into parts that are known to cover every patient,
		// so the node says so instead of returning part of the department as if it were all.
		const e = error as NodeApiError;
		if (e.httpCode === '400' && /larger than 1000 records/.test(e.message)) {
			throw new NodeApiError(this.getNode(), (e.errorResponse ?? {}) as JsonObject, {
				message: `Department ${departmentid} has more than 1,000 ${status} patients, more than athena returns for one search`,
				description: `athena said: "${e.message}" Read the department in parts with Patient Search: Department ID ${departmentid} plus a Last Name or a Date of Birth, so that each search finds under 1,000 patients. Or use a Bulk Export (FHIR) of the practice.`,
				httpCode: '400',
				itemIndex: i,
			});
		}
		throw asNodeError(this.getNode(), error);
	}
}
