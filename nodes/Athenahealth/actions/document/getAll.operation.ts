import { updateDisplayOptions, type IDataObject, type IExecuteFunctions } from 'n8n-workflow';

import { athenaList } from '../../transport/paginate';
import { returnAllAndLimit, show } from '../fields';
import { toItems } from '../output';
import { compact, dateValue, idParam, maxItems, practiceOf } from '../params';
import { departmentLocator, patientLocator } from '../locators';
import { DOCUMENT_CLASSES, withClassId } from './common';

export const option = {
	name: 'Get Many',
	value: 'getAll',
	action: 'Get many documents of a patient',
	description:
		"List a patient's documents (patient and department IDs, optional classes and dates); one item per document",
};

export const toolDescription =
	"List the documents in an athenahealth patient's chart. Returns documents with document ID, class, date and description.";

export const writes = false;

export const description = updateDisplayOptions(show('document', 'getAll'), [
	patientLocator(),
	departmentLocator(),
	...returnAllAndLimit,
	{
		displayName: 'Filters',
		name: 'filters',
		type: 'collection',
		placeholder: 'Add Filter',
		default: {},
		options: [
			{
				displayName: 'Document Classes',
				name: 'documentclass',
				type: 'multiOptions',
				default: [],
				options: DOCUMENT_CLASSES.map((c) => ({ name: c.name, value: c.documentclass })),
			},
			{
				displayName: 'End Date',
				name: 'enddate',
				type: 'string',
				default: '',
				placeholder: '2026-12-31',
			},
			{
				displayName: 'Show Metadata',
				name: 'showmetadata',
				type: 'boolean',
				default: false,
				description: 'Whether to add file type, file size and original file name',
			},
			{
				displayName: 'Start Date',
				name: 'startdate',
				type: 'string',
				default: '',
				placeholder: '2026-01-01',
			},
		],
	},
]);

export async function execute(this: IExecuteFunctions, i: number) {
	const patientId = idParam(this, 'patientId', i, 'Patient')!;
	const departmentid = idParam(this, 'departmentId', i, 'Department')!;
	const filters = this.getNodeParameter('filters', i, {}) as IDataObject;
	const qs = compact({
		departmentid,
		documentclass:
			Array.isArray(filters.documentclass) && filters.documentclass.length
				? filters.documentclass.join(',')
				: undefined,
		startdate: dateValue(this, filters.startdate, i, 'Start Date', { optional: true }),
		enddate: dateValue(this, filters.enddate, i, 'End Date', { optional: true }),
		showmetadata: filters.showmetadata ? true : undefined,
	});
	const records = await athenaList(this, {
		method: 'GET',
		path: `/patients/${patientId}/documents`,
		wrapper: 'documents',
		qs,
		practiceId: practiceOf(this, i),
		itemIndex: i,
		maxItems: maxItems(this, i),
	});
	return toItems(
		records.map((d) => ({ patientid: patientId, ...withClassId(d) })),
		i,
	);
}
