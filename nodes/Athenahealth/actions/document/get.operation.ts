import { updateDisplayOptions, type IExecuteFunctions } from 'n8n-workflow';

import { athenaRequest } from '../../transport/request';
import { show } from '../fields';
import { single, toItems } from '../output';
import { idParam, inputError, practiceOf } from '../params';
import { patientLocator } from '../locators';
import { DOCUMENT_CLASSES, withClassId } from './common';

export const option = {
	name: 'Get',
	value: 'get',
	action: 'Get a document',
	description:
		"Read one of a patient's documents (patient ID, document class and its ID, digits); returns the document",
};

export const toolDescription =
	"Get one document from an athenahealth patient's chart. Returns its class, date, description and status.";

export const writes = false;

export const description = updateDisplayOptions(show('document', 'get'), [
	patientLocator(),
	{
		displayName: 'Document Class',
		name: 'documentClass',
		type: 'options',
		default: 'admin',
		options: [
			{ name: 'Admin', value: 'admin' },
			{ name: 'Clinical Document', value: 'clinicaldocument' },
			{ name: 'Encounter Document', value: 'encounterdocument' },
			{ name: 'Imaging Result', value: 'imagingresult' },
			{ name: 'Lab Result', value: 'labresult' },
		],
	},
	{
		displayName: 'Document ID',
		name: 'documentId',
		type: 'string',
		default: '',
		required: true,
		placeholder: '117707',
		description:
			'The ID for its class (classdocumentid from Get Many, e.g. the adminid of an admin document)',
	},
]);

export async function execute(this: IExecuteFunctions, i: number) {
	const patientId = idParam(this, 'patientId', i, 'Patient')!;
	const documentClass = this.getNodeParameter('documentClass', i) as string;
	// the class is a path segment: only the known ones go through
	if (!DOCUMENT_CLASSES.some((c) => c.value === documentClass))
		throw inputError(
			this,
			i,
			`Document Class "${documentClass}" is not one athena serves here`,
			`Use one of ${DOCUMENT_CLASSES.map((c) => c.name).join(', ')}.`,
		);
	const id = idParam(this, 'documentId', i, 'Document ID')!;
	const body = await athenaRequest(this, {
		method: 'GET',
		path: `/patients/${patientId}/documents/${documentClass}/${id}`,
		practiceId: practiceOf(this, i),
		itemIndex: i,
	});
	return toItems([{ patientid: patientId, ...withClassId(single(body)) }], i);
}
