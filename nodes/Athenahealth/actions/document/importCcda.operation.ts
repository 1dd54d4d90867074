import { updateDisplayOptions, type IDataObject, type IExecuteFunctions } from 'n8n-workflow';

import { asNodeError, isAmbiguousFailure, unconfirmedWriteError } from '../../transport/errors';
import { athenaList } from '../../transport/paginate';
import { athenaRequest } from '../../transport/request';
import { show } from '../fields';
import { toItems } from '../output';
import { idParam, inputError, practiceOf } from '../params';
import { departmentLocator, patientLocator } from '../locators';

export const option = {
	name: 'Import CCDA',
	value: 'importCcda',
	action: 'Import a CCDA into a patient chart',
	description: "Import a CCDA (C-CDA XML, from a binary property or text) into a patient's chart",
};

export const toolDescription =
	"Import a CCDA (HL7 C-CDA XML document from another system) into an athenahealth patient's chart. Returns whether athena accepted it.";

export const writes = true;

export const description = updateDisplayOptions(show('document', 'importCcda'), [
	patientLocator(),
	departmentLocator(),
	{
		displayName: 'Source',
		name: 'source',
		type: 'options',
		default: 'binary',
		options: [
			{ name: 'Binary File', value: 'binary' },
			{ name: 'XML Text', value: 'text' },
		],
	},
	{
		displayName: 'Input Binary Field',
		name: 'binaryPropertyName',
		type: 'string',
		default: 'data',
		displayOptions: { show: { source: ['binary'] } },
		description: 'The binary property of the input item that holds the CCDA XML file',
	},
	{
		displayName: 'CCDA XML',
		name: 'ccdaText',
		type: 'string',
		typeOptions: { rows: 6 },
		default: '',
		displayOptions: { show: { source: ['text'] } },
	},
]);

const MAX_BYTES = 20 * 1024 * 1024;

export async function execute(this: IExecuteFunctions, i: number) {
	const patientid = idParam(this, 'patientId', i, 'Patient')!;
	const departmentid = idParam(this, 'departmentId', i, 'Department')!;
	let xml: string;
	if (this.getNodeParameter('source', i, 'binary') === 'text') {
		xml = String(this.getNodeParameter('ccdaText', i, ''));
	} else {
		const property = String(this.getNodeParameter('binaryPropertyName', i, 'data')).trim();
		this.helpers.assertBinaryData(i, property);
		xml = (await this.helpers.getBinaryDataBuffer(i, property)).toString('utf8');
	}
	xml = xml.replace(/^\uFEFF/, '').trim();
	if (!/<ClinicalDocument[\s/>]/.test(xml))
		throw inputError(
			this,
			i,
			'This is not a CCDA',
			'A CCDA is an HL7 C-CDA XML document whose root element is ClinicalDocument.',
		);
	if (xml.length > MAX_BYTES)
		throw inputError(
			this,
			i,
			'The CCDA is larger than 20 MB',
			'athena imports one document per call.',
		);
	const practiceId = practiceOf(this, i);
	// an import becomes one of the patient's clinical documents; listed before and after a lost
	// answer, a new one is the import (docs/athena-behaviour.md#ccda)
	const documents = async () =>
		(
			await athenaList(this, {
				method: 'GET',
				path: `/patients/${patientid}/documents`,
				qs: { departmentid, documentclass: 'CLINICALDOCUMENT' },
				practiceId,
				itemIndex: i,
			})
		).map((d: IDataObject) => String(d.clinicaldocumentid ?? d.documentid));
	// not listed before: after a lost answer, no document can be told to be the new one
	const listed = await documents().catch(() => undefined);
	const before = new Set(listed);
	let recovered = false;
	try {
		await athenaRequest(this, {
			method: 'PUT',
			path: `/patients/${patientid}/ccda`,
			form: { departmentid, ccda: xml },
			practiceId,
			itemIndex: i,
			// importing twice would file the document twice: never repeated blindly
			idempotent: false,
			timeoutMs: 120_000,
		});
	} catch (error) {
		if (!isAmbiguousFailure(error)) throw asNodeError(this.getNode(), error);
		const added = listed ? (await documents().catch(() => [])).filter((id) => !before.has(id)) : [];
		if (added.length !== 1)
			throw unconfirmedWriteError(
				this.getNode(),
				error,
				`the CCDA import for patient ${patientid}`,
				`The CCDA may have been imported. Look at the patient's clinical documents (Document → Get Many, class Clinical Document) before importing it again.`,
				i,
			);
		recovered = true;
	}
	return toItems(
		[
			{
				patientid,
				departmentid,
				imported: true,
				size: xml.length,
				...(recovered ? { recoveredAfterUnconfirmedImport: true } : {}),
				message: `athena accepted the CCDA for patient ${patientid}${recovered ? ' (found after the answer was lost)' : ''}`,
			},
		],
		i,
	);
}
