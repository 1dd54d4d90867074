import type { IDataObject, IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';

import { Hl7Error, Hl7Message } from '../../../hl7/codec';
import { athenaRequest } from '../../transport/request';
import { oruFromPaths, type OruLabResult, type OruMessage } from '../../shared/oru';
import { single, toItems } from '../output';
import { compact, dateValue, idParam, inputError } from '../params';
import {
	analyteValues,
	findFiled,
	readAnalytes,
	testNote,
	type FiledMatch,
} from './labResultFields';
import {
	chartTarget,
	chartWrite,
	chartWriteFields,
	idFrom,
	outcome,
	type ChartTarget,
} from './writes';

export const option = {
	name: 'File Lab Result',
	value: 'fileLabResult',
	action: 'File a lab result in a patient chart',
	description:
		'File a lab result document with analytes and an optional PDF or image, from fields or an HL7 ORU',
};

export const toolDescription =
	"File a lab result (analytes, optional attachment) in an athenahealth patient's chart, open in the " +
	'clinical inbox or closed. Skips a result already filed with the same accession ID. Returns the lab ' +
	'result ID.';

export const writes = true;

const show = (source: string) => ({ show: { source: [source] } });
const ATTACHMENT_TYPES: Record<string, string> = {
	pdf: 'PDF',
	'application/pdf': 'PDF',
	jpg: 'JPG',
	jpeg: 'JPG',
	'image/jpeg': 'JPG',
	png: 'PNG',
	'image/png': 'PNG',
	tif: 'TIF',
	tiff: 'TIF',
	'image/tiff': 'TIF',
	gif: 'GIF',
	'image/gif': 'GIF',
};

export const description = chartWriteFields('fileLabResult', [
	{
		displayName: 'Input',
		name: 'source',
		type: 'options',
		default: 'fields',
		options: [
			{
				name: 'Fields',
				value: 'fields',
				description: 'Enter the analytes and details below',
			},
			{
				name: 'HL7 ORU Message',
				value: 'hl7',
				description:
					"Take them from an ORU^R01: the HL7 MLLP Trigger's item, HL7 Message → Parse's output or a text field; one lab result per order (OBR)",
			},
		],
	},
	{
		displayName:
			"The ORU is read from the input item: the HL7 MLLP Trigger's message, the paths of HL7 Message → " +
			"Parse, or a Webhook's body. Each order (OBR) is filed as one lab result with its observations (OBX) " +
			'as analytes; an embedded PDF or image (OBX type ED, base64) is attached.',
		name: 'oruNotice',
		type: 'notice',
		default: '',
		displayOptions: show('hl7'),
	},
	{
		displayName: 'ORU Message',
		name: 'oruMessage',
		type: 'string',
		typeOptions: { rows: 3 },
		default: '',
		description:
			'The message text, when the input item holds it in no field named message, paths or body',
		displayOptions: show('hl7'),
	},
	{
		displayName: 'Patient From Message',
		name: 'patientFromMessage',
		type: 'boolean',
		default: true,
		description:
			"Whether to take the athena patient ID from the message's PID-2 (else a PID-3 labelled athena, else PID-3 or PID-4) " +
			"and file only when PID-5's family name and PID-7's birth date match athena's patient; off: use Patient below " +
			'(not checked against the message: the patient given is your decision)',
		displayOptions: show('hl7'),
	},
	{
		displayName: 'Analytes',
		name: 'analytes',
		type: 'fixedCollection',
		placeholder: 'Add Analyte',
		default: {},
		typeOptions: { multipleValues: true },
		displayOptions: show('fields'),
		options: [{ displayName: 'Analyte', name: 'analyte', values: analyteValues(false) }],
	},
	{
		displayName: 'Additional Fields',
		name: 'additionalFields',
		type: 'collection',
		placeholder: 'Add Field',
		default: {},
		displayOptions: show('fields'),
		options: [
			{
				displayName: 'Accession ID',
				name: 'accessionid',
				type: 'string',
				default: '',
				description: "The lab's accession number (also how a result already filed is recognised)",
			},
			{ displayName: 'Internal Note', name: 'internalnote', type: 'string', default: '' },
			{ displayName: 'Note to Patient', name: 'notetopatient', type: 'string', default: '' },
			{
				displayName: 'Observation Date',
				name: 'observationdate',
				type: 'string',
				default: '',
				placeholder: '2026-01-31T08:30:00',
				description: 'When the specimen was observed (a time, if given, is kept too)',
			},
			{ displayName: 'Report Status', name: 'reportstatus', type: 'string', default: '' },
			{
				displayName: 'Result Status',
				name: 'resultstatus',
				type: 'string',
				default: '',
				placeholder: 'Final',
			},
		],
	},
	{
		displayName: 'Options',
		name: 'options',
		type: 'collection',
		placeholder: 'Add Option',
		default: {},
		options: [
			{
				displayName: 'Attachment Binary Field',
				name: 'binaryPropertyName',
				type: 'string',
				default: '',
				placeholder: 'data',
				description:
					'The input binary field holding a PDF or image of the report to attach (PDF recommended)',
			},
			{
				displayName: 'Close in Clinical Inbox',
				name: 'autoclose',
				type: 'boolean',
				default: false,
				description:
					'Whether to file the result closed (already reviewed) instead of open in the clinical inbox for review',
			},
			{
				displayName: 'Document Type ID',
				name: 'documenttypeid',
				type: 'string',
				default: '',
				description: "The practice's lab result document type (digits)",
			},
			{ displayName: 'Facility ID', name: 'facilityid', type: 'string', default: '' },
			{
				displayName: 'Priority',
				name: 'priority',
				type: 'options',
				default: '',
				options: [
					{ name: '(Default)', value: '' },
					{ name: 'High', value: '1' },
					{ name: 'Normal', value: '2' },
				],
			},
			{ displayName: 'Provider ID', name: 'providerid', type: 'string', default: '' },
			{
				displayName: 'Skip When Already Filed',
				name: 'skipIfFiled',
				type: 'boolean',
				default: true,
				description:
					'Whether to look for a result with the same accession ID (and date) first and not file it twice, e.g. when a lab re-sends; ' +
					'from an ORU the ordered test (OBR-4) and result status must match too (a corrected result is filed)',
			},
			{
				displayName: 'Tie to Order ID',
				name: 'tietoorderid',
				type: 'string',
				default: '',
				description: 'The athena order this result answers (digits)',
			},
		],
	},
]);

// Patient is shown for Fields, and for an ORU whose patient is not taken from the message.
const patient = description.find((p) => p.name === 'patientId');
if (patient) {
	patient.required = false;
	patient.description = 'Required unless the patient is taken from the HL7 message';
}

/** The ORU of the input item, as a path map. */
function oruPaths(ctx: IExecuteFunctions, i: number): Record<string, string> {
	const typed = String(ctx.getNodeParameter('oruMessage', i, '') ?? '');
	const json = ctx.getInputData()[i]?.json ?? {};
	const text = typed.trim()
		? typed
		: typeof json.message === 'string'
			? json.message
			: typeof json.body === 'string'
				? json.body
				: undefined;
	if (text) {
		try {
			return Hl7Message.parse(text).pathMap();
		} catch (error) {
			throw inputError(
				ctx,
				i,
				`The ORU message cannot be read: ${error instanceof Hl7Error ? error.message : String(error)}`,
				'Check that the input is one HL7 v2 ORU^R01 message starting with MSH.',
			);
		}
	}
	if (json.paths && typeof json.paths === 'object') return json.paths as Record<string, string>;
	throw inputError(
		ctx,
		i,
		'No HL7 message in the input item',
		'Connect an HL7 MLLP Trigger or HL7 Message → Parse (with Include Path Map on), or map the message text into ORU Message.',
	);
}

async function fileOne(
	ctx: IExecuteFunctions,
	i: number,
	t: ChartTarget,
	fields: IDataObject,
	options: IDataObject,
	attachment?: { attachmenttype: string; base64: string },
	match: FiledMatch = {},
): Promise<IDataObject> {
	const accessionid = fields.accessionid ? String(fields.accessionid) : undefined;
	const date = fields.observationdate as string | undefined;
	let corrects: string | undefined;
	if (options.skipIfFiled !== false && accessionid) {
		const found = await findFiled(ctx, i, t, accessionid, date, match);
		const existing = found.id;
		corrects = found.corrects;
		if (existing)
			return {
				labresultid: existing,
				accessionid,
				filed: false,
				alreadyFiled: true,
				message: `Lab result ${existing} with accession ID ${accessionid} is already in the chart; not filed again`,
			};
	}
	const rest = { ...options };
	delete rest.skipIfFiled;
	delete rest.binaryPropertyName;
	const form = compact({
		...rest,
		...fields,
		departmentid: t.departmentId,
		autoclose: options.autoclose ? 'true' : undefined,
		attachmenttype: attachment?.attachmenttype,
		// athena reads files base64-encoded in this form field (docs/athena-behaviour.md#form-bodies)
		attachmentcontents: attachment?.base64,
	});
	const result = await chartWrite(
		ctx,
		i,
		{
			method: 'POST',
			path: `/patients/${t.patientId}/documents/labresult`,
			form,
			practiceId: t.practiceId,
			timeoutMs: attachment ? 120_000 : undefined,
		},
		{
			what: `the filing of a lab result${accessionid ? ` (accession ID ${accessionid})` : ''} for patient ${t.patientId}`,
			check: accessionid
				? `Look for it with Chart → Get Lab Results (patient ${t.patientId}); running this node again with Skip ` +
					`When Already Filed on files it only if it is not there.`
				: `Look for it with Chart → Get Lab Results (patient ${t.patientId}) before filing it again; with an Accession ID the node can check by itself.`,
			verify: accessionid
				? async () => {
						const { id } = await findFiled(ctx, i, t, accessionid, date, match);
						return id ? { labresultid: id } : undefined;
					}
				: undefined,
		},
	);
	let labresultid = idFrom(result.body.labresultid);
	let checked = false;
	if (result.recovered && result.recovered !== true)
		labresultid = idFrom(result.recovered.labresultid);
	else if (!labresultid && accessionid) {
		// some answers carry only success (docs/athena-behaviour.md#chart-writes): read the id back
		labresultid = (await findFiled(ctx, i, t, accessionid, date, match)).id;
		checked = true;
	}
	return {
		labresultid,
		accessionid,
		filed: true,
		alreadyFiled: false,
		corrects,
		...outcome(result, checked),
	};
}

async function attachmentOf(ctx: IExecuteFunctions, i: number, property: string) {
	const binary = ctx.helpers.assertBinaryData(i, property);
	const extension = (binary.fileExtension ?? binary.fileName?.split('.').pop() ?? '').toLowerCase();
	const attachmenttype = ATTACHMENT_TYPES[extension] ?? ATTACHMENT_TYPES[binary.mimeType];
	if (!attachmenttype)
		throw inputError(
			ctx,
			i,
			`The file in "${property}" is not a type athena accepts`,
			`Got ${binary.mimeType || 'an unknown type'}. athena takes PDF (recommended), JPG, PNG, TIF or GIF.`,
		);
	const buffer = await ctx.helpers.getBinaryDataBuffer(i, property);
	return { attachmenttype, base64: buffer.toString('base64') };
}

function checkedOptions(ctx: IExecuteFunctions, i: number): IDataObject {
	const options = { ...(ctx.getNodeParameter('options', i, {}) as IDataObject) };
	for (const [key, label] of [
		['documenttypeid', 'Document Type ID'],
		['facilityid', 'Facility ID'],
		['providerid', 'Provider ID'],
		['tietoorderid', 'Tie to Order ID'],
	] as const)
		if (options[key] !== undefined && options[key] !== '')
			options[key] = idParam(ctx, `options.${key}`, i, label);
	return options;
}

export async function execute(this: IExecuteFunctions, i: number): Promise<INodeExecutionData[]> {
	const source = this.getNodeParameter('source', i, 'fields') as string;
	const options = checkedOptions(this, i);
	const property = String(options.binaryPropertyName ?? '').trim();
	const fileAttachment = property ? await attachmentOf(this, i, property) : undefined;
	if (source === 'hl7') return await fromOru(this, i, options, fileAttachment);

	const t = chartTarget(this, i);
	const analytes = readAnalytes(this, i, 'analytes', false);
	const extra = this.getNodeParameter('additionalFields', i, {}) as IDataObject;
	if (!analytes.length && !fileAttachment)
		throw inputError(
			this,
			i,
			'Add at least one analyte or an attachment',
			'A lab result needs analytes (Analytes) or a report file (Options → Attachment Binary Field).',
		);
	const when = extra.observationdate
		? dateValue(this, extra.observationdate, i, 'Observation Date', { withTime: true })
		: undefined;
	const [observationdate, time] = when ? when.split(' ') : [];
	const fields = compact({
		...extra,
		accessionid: extra.accessionid ? String(extra.accessionid).trim() : undefined,
		observationdate,
		// athena takes the time as hh24:mi (docs/athena-behaviour.md#lab-results)
		observationtime: time && time !== '00:00:00' ? time.slice(0, 5) : undefined,
		analytes: analytes.length ? analytes : undefined,
	});
	const filed = await fileOne(this, i, t, fields, options, fileAttachment);
	return toItems(
		[{ patientid: t.patientId, departmentid: t.departmentId, ...filed, analytes: analytes.length }],
		i,
	);
}

async function fromOru(
	ctx: IExecuteFunctions,
	i: number,
	options: IDataObject,
	fileAttachment?: { attachmenttype: string; base64: string },
): Promise<INodeExecutionData[]> {
	const oru = oruFromPaths(oruPaths(ctx, i));
	if (!/^ORU/.test(oru.messageType))
		throw inputError(
			ctx,
			i,
			`The HL7 message is ${oru.messageType || 'of no type'}, not an ORU^R01 result`,
			'File Lab Result reads lab results (ORU^R01). Route other messages elsewhere (e.g. an If node on messageType).',
		);
	if (!oru.results.length)
		throw inputError(ctx, i, 'The ORU message has no results (no OBX segments)');
	let t: ChartTarget;
	if (ctx.getNodeParameter('patientFromMessage', i, true)) {
		if (!oru.patientid || !/^\d{1,18}$/.test(oru.patientid.trim()))
			throw inputError(
				ctx,
				i,
				'The ORU message does not carry an athena patient ID in PID-2, PID-3 or PID-4',
				`Got ${oru.patientid ? `"${oru.patientid}"` : 'nothing'}. Turn off Patient From Message and map the athena patient ID into Patient.`,
			);
		t = {
			...chartTarget(ctx, i, false),
			patientId: oru.patientid.trim(),
		};
		// a lab's MRN can equal some athena patient's ID: file only into a chart whose patient
		// matches the message (docs/athena-behaviour.md#oru-to-lab-result)
		await checkPatient(ctx, i, t, oru);
	} else t = chartTarget(ctx, i);
	const out: IDataObject[] = [];
	for (const r of oru.results) {
		const fields = labFields(r);
		const filed = await fileOne(ctx, i, t, fields, options, r.attachment ?? fileAttachment, {
			testkey: r.testkey,
			resultstatus: r.resultstatus,
		});
		out.push({
			patientid: t.patientId,
			departmentid: t.departmentId,
			...filed,
			orderedtest: r.orderedtest,
			analytes: r.analytes.length,
			attachment: r.attachment ? r.attachment.attachmenttype : undefined,
			controlId: oru.controlId,
		});
	}
	return toItems(out, i);
}

/** One ORU order in File Lab Result's fields. */
export function labFields(r: OruLabResult): IDataObject {
	return compact({
		accessionid: r.accessionid,
		observationdate: r.observationdate,
		observationtime: r.observationtime,
		resultstatus: r.resultstatus,
		// the ordered test is kept in the internal note: how a result already filed is recognised
		internalnote:
			[r.internalnote, r.testkey ? testNote(r.testkey) : undefined].filter(Boolean).join('\n') ||
			undefined,
		analytes: r.analytes.length ? (r.analytes as unknown as IDataObject[]) : undefined,
	});
}

/** Accents off, lower case: how names are compared. */
const fold = (v: unknown) =>
	String(v ?? '')
		.normalize('NFD')
		.replace(/[\u0300-\u036f]/g, '')
		.trim()
		.toLowerCase();

/**
 * The message's PID-5 family name and PID-7 birth date against athena's patient: the ID taken from
 * the message is used only when both are there and match (docs/athena-behaviour.md#oru-to-lab-result).
 */
async function checkPatient(ctx: IExecuteFunctions, i: number, t: ChartTarget, oru: OruMessage) {
	const refuse = (why: string) =>
		inputError(
			ctx,
			i,
			`PID names/birth date do not match athena patient ${t.patientId}; nothing filed`,
			`${why} The ID came from ${oru.patientidfrom ?? 'the PID segment'}; a lab's own record number there can ` +
				"equal another patient's athena ID. Check the patient, then turn off Patient From Message and set Patient.",
		);
	if (!oru.familyname || !oru.birthdate)
		throw refuse('The message carries no family name (PID-5) or no birth date (PID-7).');
	const p = single(
		await athenaRequest(ctx, {
			method: 'GET',
			path: `/patients/${t.patientId}`,
			practiceId: t.practiceId,
			itemIndex: i,
		}),
	);
	const dob = /^(\d{2})\/(\d{2})\/(\d{4})/.exec(String(p.dob ?? ''));
	const athenaDob = dob ? `${dob[3]}${dob[1]}${dob[2]}` : '';
	if (fold(p.lastname) !== fold(oru.familyname.split('^')[0]) || athenaDob !== oru.birthdate)
		throw refuse("The family name or birth date differs from athena's record.");
}
