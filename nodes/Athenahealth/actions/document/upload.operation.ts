import { updateDisplayOptions, type IDataObject, type IExecuteFunctions } from 'n8n-workflow';

import { asNodeError, isAmbiguousFailure, unconfirmedWriteError } from '../../transport/errors';
import { athenaRequest } from '../../transport/request';
import { show } from '../fields';
import { toItems } from '../output';
import { compact, dateValue, idParam, inputError, practiceOf } from '../params';
import { departmentLocator, patientLocator } from '../locators';

export const option = {
	name: 'Upload',
	value: 'upload',
	action: 'Upload a document',
	description:
		'Write: file an input binary (PDF, JPG, PNG, TIF or GIF) as an admin document for a patient and department (IDs, digits) with a subclass; returns its ID',
};

export const toolDescription =
	"File a document (an n8n binary file: PDF, JPG, PNG, TIF or GIF) into an athenahealth patient's chart. Returns the new document ID.";

export const writes = true;

// athena publishes no upload limit (docs/athena-behaviour.md#document-upload); 3 MB keeps the
// base64 form body (a third larger) well inside what gateways commonly accept. Users can raise it.
const DEFAULT_MAX_MB = 3;

const SUBCLASSES = [
	'BILLING',
	'CONSENT',
	'HIPAA',
	'INSURANCEAPPROVAL',
	'INSURANCECARD',
	'INSURANCEDENIAL',
	'LEGAL',
	'MEDICALRECORDREQ',
	'REFERRAL',
	'SIGNEDFORMSLETTERS',
	'VACCINATIONRECORD',
];

// athena's attachment types; PDF is the one its docs recommend
const TYPES: Record<string, string> = {
	pdf: 'PDF',
	jpg: 'JPG',
	jpeg: 'JPG',
	png: 'PNG',
	tif: 'TIF',
	tiff: 'TIF',
	gif: 'GIF',
};
const MIME: Record<string, string> = {
	'application/pdf': 'pdf',
	'image/jpeg': 'jpg',
	'image/png': 'png',
	'image/tiff': 'tif',
	'image/gif': 'gif',
};

export const description = updateDisplayOptions(show('document', 'upload'), [
	patientLocator(),
	departmentLocator(),
	{
		displayName: 'Input Binary Field',
		name: 'binaryPropertyName',
		type: 'string',
		default: 'data',
		required: true,
		description: 'The binary property of the input item that holds the file',
	},
	{
		displayName: 'Document Subclass',
		name: 'documentSubclass',
		type: 'options',
		default: 'ADMIN_CONSENT',
		options: [
			{ name: 'Billing', value: 'ADMIN_BILLING' },
			{ name: 'Consent', value: 'ADMIN_CONSENT' },
			{ name: 'HIPAA', value: 'ADMIN_HIPAA' },
			{ name: 'Insurance Approval', value: 'ADMIN_INSURANCEAPPROVAL' },
			{ name: 'Insurance Card', value: 'ADMIN_INSURANCECARD' },
			{ name: 'Insurance Denial', value: 'ADMIN_INSURANCEDENIAL' },
			{ name: 'Legal', value: 'ADMIN_LEGAL' },
			{ name: 'Medical Record Request', value: 'ADMIN_MEDICALRECORDREQ' },
			{ name: 'Referral', value: 'ADMIN_REFERRAL' },
			{ name: 'Signed Forms and Letters', value: 'ADMIN_SIGNEDFORMSLETTERS' },
			{ name: 'Vaccination Record', value: 'ADMIN_VACCINATIONRECORD' },
		],
		description: 'Where athena files the admin document',
	},
	{
		displayName: 'Options',
		name: 'options',
		type: 'collection',
		placeholder: 'Add Option',
		default: {},
		options: [
			{
				displayName: 'Close on Upload',
				name: 'autoclose',
				type: 'boolean',
				default: false,
				description: 'Whether to file the document closed instead of leaving it open in the inbox',
			},
			{
				displayName: 'Document Date',
				name: 'documentdate',
				type: 'string',
				default: '',
				placeholder: '2026-12-01',
			},
			{ displayName: 'Internal Note', name: 'internalnote', type: 'string', default: '' },
			{
				displayName: 'Max File Size (MB)',
				name: 'maxFileSizeMb',
				type: 'number',
				default: DEFAULT_MAX_MB,
				typeOptions: { minValue: 0.1, maxValue: 50, numberPrecision: 1 },
				description: 'Larger files are refused before sending (athena publishes no limit)',
			},
			{
				displayName: 'Provider ID',
				name: 'providerid',
				type: 'string',
				default: '',
				description: 'The provider (digits) the document is assigned to',
			},
		],
	},
]);

export async function execute(this: IExecuteFunctions, i: number) {
	const patientId = idParam(this, 'patientId', i, 'Patient')!;
	const departmentid = idParam(this, 'departmentId', i, 'Department')!;
	const subclass = this.getNodeParameter('documentSubclass', i) as string;
	if (!SUBCLASSES.some((s) => `ADMIN_${s}` === subclass))
		throw inputError(
			this,
			i,
			`Document Subclass "${subclass}" is not an admin subclass athena knows`,
			`Use one of ${SUBCLASSES.map((s) => `ADMIN_${s}`).join(', ')}.`,
		);
	const { maxFileSizeMb = DEFAULT_MAX_MB, ...options } = this.getNodeParameter(
		'options',
		i,
		{},
	) as IDataObject & { maxFileSizeMb?: number };
	const property = String(this.getNodeParameter('binaryPropertyName', i, 'data')).trim();
	const binary = this.helpers.assertBinaryData(i, property);
	const extension = (
		binary.fileExtension ??
		binary.fileName?.split('.').pop() ??
		MIME[binary.mimeType] ??
		''
	).toLowerCase();
	const attachmenttype = TYPES[extension] ?? TYPES[MIME[binary.mimeType] ?? ''];
	if (!attachmenttype) {
		throw inputError(
			this,
			i,
			`The file in "${property}" is not a type athena accepts`,
			`Got ${binary.mimeType || 'an unknown type'}${extension ? ` (.${extension})` : ''}. athena takes PDF (recommended), JPG, PNG, TIF or GIF.`,
		);
	}
	const buffer = await this.helpers.getBinaryDataBuffer(i, property);
	const limit = Number(maxFileSizeMb) * 1024 * 1024;
	if (buffer.length > limit) {
		throw inputError(
			this,
			i,
			`The file is ${(buffer.length / 1048576).toFixed(1)} MB; this upload allows at most ${maxFileSizeMb} MB`,
			'Send a smaller file, or raise Max File Size (MB) under Options if your athena practice accepts larger uploads.',
		);
	}
	if (options.providerid)
		options.providerid = idParam(this, 'options.providerid', i, 'Provider ID');
	if (options.documentdate)
		options.documentdate = dateValue(this, options.documentdate, i, 'Document Date');
	const form = compact({
		departmentid,
		documentsubclass: subclass,
		attachmenttype,
		// athena reads the file base64-encoded in this form field
		// (docs/athena-behaviour.md#form-bodies)
		attachmentcontents: buffer.toString('base64'),
		// athena wants the name without its extension, at most 200 characters
		originalfilename: binary.fileName
			? binary.fileName.replace(/\.[^.]*$/, '').slice(0, 200)
			: undefined,
		...options,
		autoclose: options.autoclose ? 'true' : undefined,
	});
	let body: unknown;
	try {
		body = await athenaRequest(this, {
			method: 'POST',
			path: `/patients/${patientId}/documents/admin`,
			form,
			practiceId: practiceOf(this, i),
			itemIndex: i,
			timeoutMs: 120_000,
		});
	} catch (error) {
		if (isAmbiguousFailure(error)) {
			throw unconfirmedWriteError(
				this.getNode(),
				error,
				`the upload of an admin document for patient ${patientId}`,
				"Look at the patient's admin documents with Document → Get Many (class Admin) before uploading it again.",
				i,
			);
		}
		throw asNodeError(this.getNode(), error);
	}
	const answer = (body && typeof body === 'object' ? body : {}) as IDataObject;
	// current practices answer with the adminid; others with a generic documentid
	const id = answer.adminid ?? answer.documentid;
	return toItems(
		[
			{
				patientid: patientId,
				departmentid,
				uploaded: true,
				adminid: id === undefined ? undefined : String(id),
				documentsubclass: subclass,
				attachmenttype,
				fileSize: buffer.length,
				fileName: binary.fileName,
			},
		],
		i,
	);
}
