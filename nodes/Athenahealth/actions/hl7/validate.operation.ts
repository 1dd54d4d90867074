import { updateDisplayOptions, type IExecuteFunctions } from 'n8n-workflow';
import { z } from 'zod';

import { validate } from '../../../hl7/validate';
import { show } from '../fields';
import { inputError } from '../params';
import { readMessageText } from './input';

export const option = {
	name: 'Validate',
	value: 'validate',
	action: 'Validate an HL7 message',
	description: 'A report of missing MSH fields, bad segments and required segments',
};

export const toolDescription =
	'Check an HL7 v2 message for structure errors and required segments. Works offline. Returns whether it is valid and the problems.';

export const writes = false;

const RequiredSegments = z.record(
	z.string().regex(/^[A-Z0-9]{3}(\^[A-Z0-9]{2,3})?$/, 'keys are message types such as SIU^S12'),
	z.array(z.string().regex(/^[A-Z][A-Z0-9]{2}$/, 'segment names are 3 characters, e.g. PID')),
);

export const description = updateDisplayOptions(show('hl7', 'validate'), [
	{
		displayName: 'Required Segments (JSON)',
		name: 'requiredSegments',
		type: 'json',
		default: '{ "SIU^S12": ["SCH", "PID"], "ADT^A04": ["EVN", "PID", "PV1"] }',
		description: 'Per message type, the segments that must be present',
	},
]);

export async function execute(this: IExecuteFunctions, i: number) {
	const text = await readMessageText(this, i);
	const raw = this.getNodeParameter('requiredSegments', i, '{}') as unknown;
	let parsed: unknown;
	try {
		parsed = typeof raw === 'string' ? JSON.parse(raw || '{}') : raw;
	} catch {
		throw inputError(
			this,
			i,
			'Required Segments is not valid JSON',
			'Example: { "SIU^S12": ["SCH", "PID"] }',
		);
	}
	const required = RequiredSegments.safeParse(parsed);
	if (!required.success)
		throw inputError(
			this,
			i,
			'Required Segments has the wrong shape',
			required.error.issues.map((x) => `${x.path.join('.') || 'value'}: ${x.message}`).join('; '),
		);
	return [{ json: validate(text, required.data) as never, pairedItem: { item: i } }];
}
