import { updateDisplayOptions, type IExecuteFunctions } from 'n8n-workflow';

import { athenaFacts } from '../../../hl7/athena';
import { encodingCharacters } from '../../../hl7/codec';
import { show } from '../fields';
import { readMessage } from './input';

export const option = {
	name: 'Parse',
	value: 'parse',
	action: 'Parse an HL7 message',
	description: 'Turn a message into JSON: segments, paths and athena fields',
};

export const toolDescription =
	'Parse an HL7 v2 message (text) into JSON. Works offline; nothing is sent to athena. Returns the segments and fields.';

export const writes = false;

export const description = updateDisplayOptions(show('hl7', 'parse'), [
	{
		displayName: 'Options',
		name: 'options',
		type: 'collection',
		placeholder: 'Add Option',
		default: {},
		options: [
			{
				displayName: 'Athena Fields',
				name: 'athena',
				type: 'boolean',
				default: true,
				description:
					"Whether to add patient ID, appointment ID, department, provider and event read with athena's conventions",
			},
			{
				displayName: 'Formatting Escapes',
				name: 'formatting',
				type: 'options',
				default: 'keep',
				options: [
					{ name: 'Keep (\\.br\\, \\H\\ … As Written)', value: 'keep' },
					{ name: 'Convert (\\.br\\ to a Line Break, Others Dropped)', value: 'convert' },
				],
			},
			{
				displayName: 'Include Path Map',
				name: 'paths',
				type: 'boolean',
				default: true,
				description: 'Whether to add every value by path, e.g. "PID.5.1"',
			},
			{
				displayName: 'Include Segments',
				name: 'segments',
				type: 'boolean',
				default: true,
				description: 'Whether to add the decoded segment list',
			},
		],
	},
]);

export async function execute(this: IExecuteFunctions, i: number) {
	const m = await readMessage(this, i);
	const o = this.getNodeParameter('options', i, {}) as {
		athena?: boolean;
		formatting?: 'keep' | 'convert';
		paths?: boolean;
		segments?: boolean;
	};
	const decode = { formatting: o.formatting ?? 'keep' };
	const json: Record<string, unknown> = {
		messageType: [m.get('MSH.9.1'), m.get('MSH.9.2')].filter(Boolean).join('^'),
		controlId: m.get('MSH.10'),
		version: m.get('MSH.12.1'),
		sendingApplication: m.get('MSH.3.1'),
		sendingFacility: m.get('MSH.4.1'),
		delimiters: m.delimiters.field + encodingCharacters(m.delimiters),
		segmentNames: m.segmentNames(),
	};
	if (o.athena !== false) json.athena = athenaFacts(m);
	if (o.paths !== false) json.paths = m.pathMap(decode);
	if (o.segments !== false) json.segments = m.lines.map((_, n) => m.segmentJson(n, decode));
	return [{ json: json as never, pairedItem: { item: i } }];
}
