import { Hl7Error, Hl7Message } from './codec';

export interface ValidationReport {
	valid: boolean;
	messageType?: string;
	errors: Array<{ path?: string; message: string }>;
	warnings: Array<{ path?: string; message: string }>;
	segments: string[];
}

const REQUIRED_MSH: Array<[string, string]> = [
	['MSH.7', 'date/time of message'],
	['MSH.9.1', 'message type'],
	['MSH.10', 'message control ID'],
	['MSH.11', 'processing ID'],
	['MSH.12', 'version ID'],
];

/**
 * A report, not a verdict: parse problems, missing MSH fields, malformed segment names, and any
 * segments the caller requires for this message type (e.g. {"SIU^S12": ["SCH", "PID"]}).
 */
export function validate(text: string, required: Record<string, string[]> = {}): ValidationReport {
	const report: ValidationReport = { valid: true, errors: [], warnings: [], segments: [] };
	let msg: Hl7Message;
	try {
		msg = Hl7Message.parse(text);
	} catch (error) {
		report.valid = false;
		report.errors.push({ message: (error as Hl7Error).message });
		return report;
	}
	report.segments = msg.segmentNames();
	for (const [path, label] of REQUIRED_MSH)
		if (!msg.get(path)) report.errors.push({ path, message: `${path} (${label}) is required` });
	const type = [msg.get('MSH.9.1'), msg.get('MSH.9.2')].filter(Boolean).join('^');
	report.messageType = type || undefined;
	const version = msg.get('MSH.12.1') ?? '';
	if (version && !/^2\.\d(\.\d)?$/.test(version))
		report.warnings.push({
			path: 'MSH.12',
			message: `version "${version}" is not an HL7 v2 version`,
		});
	if (
		msg.get('MSH.7') &&
		!/^\d{4}(\d{2}){0,5}(\.\d{1,4})?([+-]\d{4})?$/.test(msg.get('MSH.7.1') ?? '')
	)
		report.warnings.push({
			path: 'MSH.7',
			message: 'date/time is not in HL7 DTM form (YYYYMMDD[HHMM[SS]][+ZZZZ])',
		});
	for (const seg of required[type] ?? required[msg.get('MSH.9.1') ?? ''] ?? []) {
		if (!report.segments.includes(seg))
			report.errors.push({ path: seg, message: `segment ${seg} is required for ${type}` });
	}
	report.valid = report.errors.length === 0;
	return report;
}
