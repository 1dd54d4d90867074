import {
	NodeOperationError,
	updateDisplayOptions,
	type IDataObject,
	type IExecuteFunctions,
} from 'n8n-workflow';

import { athenaRequest } from '../../transport/request';
import { show } from '../fields';
import { dateParam, idParam, inputError, practiceOf } from '../params';
import { departmentLocator, patientLocator } from '../locators';

export const option = {
	name: 'Get Clinical Summary (CCDA)',
	value: 'getClinicalSummary',
	action: "Get a patient's clinical summary",
	description: "Read a patient's CCDA, as XML text or as an XML file",
};

export const toolDescription =
	"Get an athenahealth patient's clinical summary as a CCDA (HL7 C-CDA XML). Returns the XML as text or as a file.";

export const writes = false;

export const description = updateDisplayOptions(show('document', 'getClinicalSummary'), [
	patientLocator(),
	departmentLocator(),
	{
		displayName: 'Output',
		name: 'output',
		type: 'options',
		default: 'text',
		options: [
			{ name: 'XML Text', value: 'text', description: 'The CCDA in the item\'s "ccda" field' },
			{ name: 'Binary File', value: 'binary', description: 'An XML file in a binary property' },
		],
	},
	{
		displayName: 'Put Output File in Field',
		name: 'binaryPropertyName',
		type: 'string',
		default: 'data',
		displayOptions: { show: { output: ['binary'] } },
	},
	{
		displayName: 'Options',
		name: 'options',
		type: 'collection',
		placeholder: 'Add Option',
		default: {},
		options: [
			{
				displayName: 'Purpose',
				name: 'purpose',
				type: 'string',
				default: 'internal',
				description: 'The purpose athena asks for (internal unless athena told you otherwise)',
			},
			{
				displayName: 'Start Date',
				name: 'startdate',
				type: 'string',
				default: '',
				placeholder: '2026-01-01T00:00:00',
				description: "Not supported: athena's date range belongs to its data-portability format",
			},
			{
				displayName: 'End Date',
				name: 'enddate',
				type: 'string',
				default: '',
				placeholder: '2026-12-31T23:59:59',
				description: "Not supported: athena's date range belongs to its data-portability format",
			},
		],
	},
]);

/** The XML in athena's answer: "the CCDA format (XML) wrapped in a JSON response" (docs/athena-behaviour.md#ccda). */
function xmlOf(body: unknown): string | undefined {
	if (typeof body === 'string') return body.trim().startsWith('<') ? body : undefined;
	const record = Array.isArray(body) ? body[0] : body;
	if (!record || typeof record !== 'object') return undefined;
	for (const v of Object.values(record as IDataObject))
		if (typeof v === 'string' && v.trim().startsWith('<')) return v;
	return undefined;
}

export async function execute(this: IExecuteFunctions, i: number) {
	const patientid = idParam(this, 'patientId', i, 'Patient')!;
	const departmentid = idParam(this, 'departmentId', i, 'Department')!;
	const options = this.getNodeParameter('options', i, {}) as IDataObject;
	const startdate = dateParam(this, 'options.startdate', i, 'Start Date', {
		optional: true,
		withTime: true,
	});
	const enddate = dateParam(this, 'options.enddate', i, 'End Date', {
		optional: true,
		withTime: true,
	});
	// the range belongs to athena's data-portability format, whose `format` value is not known
	// here; sent without it, it would be ignored or refused (docs/athena-behaviour.md#ccda)
	if (startdate || enddate)
		throw inputError(
			this,
			i,
			'Start Date and End Date are not supported for the clinical summary',
			'athena takes a date range only with its data-portability format, which this operation does not ask for. ' +
				"Remove the dates to get the patient's summary.",
		);
	const body = await athenaRequest(this, {
		method: 'GET',
		path: `/patients/${patientid}/ccda`,
		qs: {
			departmentid,
			purpose: String(options.purpose || 'internal'),
			startdate,
			enddate,
		},
		practiceId: practiceOf(this, i),
		itemIndex: i,
	});
	const xml = xmlOf(body);
	if (!xml)
		throw new NodeOperationError(
			this.getNode(),
			`athena's answer for patient ${patientid} holds no CCDA`,
			{
				itemIndex: i,
				description:
					'The answer had no XML text. Check that the practice has clinicals enabled for this department.',
			},
		);
	const json = { patientid, departmentid, contentType: 'application/xml', size: xml.length };
	if (this.getNodeParameter('output', i, 'text') === 'binary') {
		const property =
			String(this.getNodeParameter('binaryPropertyName', i, 'data')).trim() || 'data';
		const binary = await this.helpers.prepareBinaryData(
			Buffer.from(xml, 'utf8'),
			`ccda-${patientid}.xml`,
			'application/xml',
		);
		return [{ json, binary: { [property]: binary }, pairedItem: { item: i } }];
	}
	return [{ json: { ...json, ccda: xml }, pairedItem: { item: i } }];
}
