import type { INodeProperties } from 'n8n-workflow';

// What a model reads when the node runs as a tool (AI Agent, MCP Server Trigger). n8n's automatic
// tool description is only the operation's action ("Book an appointment in athenahealth"); a model
// also needs the inputs and their form, what comes back, and which calls change athena (so an agent
// can ask the user first). The node declares its own `toolDescription`, shown only in tool use
// ('@tool'), one per operation: n8n then adds none of its own and sends this text, editable per node.

const WRITE = 'WRITE: this changes data in athena; confirm with the user before calling.';
const ID = 'athena IDs are digits only, e.g. 1 or 60178';
const DATE = 'dates as YYYY-MM-DD';

export const toolDescriptions: Record<string, Record<string, string>> = {
	patient: {
		get: `Get one athenahealth patient by patient ID (${ID}). Returns the patient's name, date of birth, sex, contact details, department and status.`,
		search: `Search athenahealth patients. Needs at least one of first name, last name, date of birth (${DATE}), phone or department ID; email and ZIP only narrow a search. Returns matching patients (patient ID, name, date of birth, contact details).`,
		findBestMatch: `Find the athenahealth patients that best match a first name, last name and date of birth (${DATE}). Returns candidates with athena's match score, best first.`,
		getAll: `List the patients registered in one athenahealth department (department ID, ${ID}). Returns patients with ID, name, date of birth and contact details.`,
		create: `Register a new patient in athenahealth. Needs first name, last name, date of birth (${DATE}) and department ID (${ID}). Returns the patient with the new patient ID (or the existing patient athena matched). ${WRITE}`,
		update: `Change fields of an existing athenahealth patient by patient ID (${ID}); only the given fields change. Returns the patient ID. ${WRITE}`,
	},
	appointment: {
		getOpenSlots: `Find open (bookable) appointment slots in an athenahealth department. Needs the department ID and an appointment type ID or a reason ID (-1 means any) (${ID}); optional start and end date (${DATE}). Returns slots with appointment ID (the slot to book), date (MM/DD/YYYY), start time, duration, provider ID and appointment type ID.`,
		book: `Book a patient into an open athenahealth slot. Needs the slot's appointment ID from the open slots, the patient ID and the appointment type ID (${ID}). Returns the booked appointment (appointment ID, date, start time, patient ID, status f = booked). ${WRITE}`,
		reschedule: `Move a booked athenahealth appointment into another open slot. Needs the booked appointment ID, the new open slot's appointment ID and the patient ID (${ID}). Returns the new appointment. ${WRITE}`,
		cancel: `Cancel a booked athenahealth appointment. Needs the appointment ID and the patient ID (${ID}); a cancellation reason is optional. Returns the appointment with status x (cancelled). ${WRITE}`,
		checkIn: `Check a patient in for an athenahealth appointment by appointment ID (${ID}). Returns the result and any unmet check-in requirements. ${WRITE}`,
		checkOut: `Check a patient out of an athenahealth appointment by appointment ID (${ID}). Returns the result. ${WRITE}`,
		get: `Get one athenahealth appointment by appointment ID (${ID}). Returns date, start time, duration, department, provider, patient, appointment type and status (f booked, x cancelled, 2 checked in, 3 checked out, o open).`,
		getManyBooked: `List booked athenahealth appointments between a start and an end date (${DATE}), optionally for one department, provider or patient ID (${ID}). Returns appointments with appointment ID, date, start time, patient ID, provider ID and status.`,
		addNote: `Add a text note to an athenahealth appointment by appointment ID (${ID}). Returns whether athena stored it. ${WRITE}`,
		getNotes: `Get the notes of an athenahealth appointment by appointment ID (${ID}). Returns the notes.`,
		createOpenSlot: `Create open appointment slots in athenahealth for a department and provider (${ID}) on a date (${DATE}) at given times (HH:MM). Returns the new slot IDs. ${WRITE}`,
	},
	appointmentReminder: {
		create: `Create an athenahealth appointment reminder (a recall) for a patient in a department (${ID}) around an approximate date (${DATE}). Returns the reminder ID. ${WRITE}`,
		get: `Get one athenahealth appointment reminder by reminder ID (${ID}). Returns the reminder's patient, department and date.`,
		getAll: `List athenahealth appointment reminders of a department (${ID}) between a start and end date (${DATE}). Returns reminders with reminder ID, patient ID and date.`,
		delete: `Delete an athenahealth appointment reminder by reminder ID (${ID}). Returns whether athena deleted it. ${WRITE}`,
	},
	appointmentReason: {
		get: `Get one athenahealth appointment reason by reason ID for a department and provider (${ID}). Returns the reason's name and its appointment type.`,
		getAll: `List the appointment reasons patients can book with a department and provider (${ID}). Returns reasons with reason ID and name.`,
	},
	department: {
		get: `Get one athenahealth department by department ID (${ID}). Returns its name, address, phone and time zone.`,
		getAll: 'List the departments (practice locations) of the athenahealth practice. Returns departments with department ID and name.',
	},
	provider: {
		get: `Get one athenahealth provider by provider ID (${ID}). Returns the provider's name, type and specialty.`,
		getAll: 'List the providers of the athenahealth practice. Returns providers with provider ID, name and specialty.',
	},
	appointmentType: {
		get: `Get one athenahealth appointment type by appointment type ID (${ID}). Returns its name and duration.`,
		getAll: 'List the appointment types of the athenahealth practice. Returns types with appointment type ID, name and duration.',
	},
	subscription: {
		subscribe: `Subscribe the athenahealth practice to a changed-data feed. Returns the subscription status. ${WRITE}`,
		getStatus: 'Get the status of an athenahealth changed-data feed subscription. Returns whether it is active and its events.',
		listEvents: 'Read the pending changes of an athenahealth changed-data feed. Reading consumes them: another reader will not see them again. Returns the changed records.',
		unsubscribe: `Unsubscribe the athenahealth practice from a changed-data feed. Returns the result. ${WRITE}`,
	},
	fhir: {
		search: `Search athenahealth FHIR R4 resources of one type, usually for a patient (a patient ID as digits or athena's FHIR id such as a-195900.E-60178). Returns the matching FHIR resources.`,
		read: "Read one athenahealth FHIR R4 resource by its FHIR id (athena's form such as a-195900.E-60178, or a bare patient ID). Returns the resource.",
		getCapabilities: "Get athenahealth's FHIR capability statement. Returns the resource types and search parameters athena supports.",
	},
	bulkExport: {
		start: 'Start an athenahealth FHIR bulk export. Returns the status URL to poll.',
		getStatus: 'Get the status of an athenahealth FHIR bulk export by its status URL. Returns progress, or the file list when done.',
		downloadFiles: 'Download the files of a finished athenahealth FHIR bulk export as binary data. Not meant for agents: the files go to the workflow, not to the model.',
		exportAndWait: 'Run an athenahealth FHIR bulk export and wait for its files. Not meant for agents: large binary output.',
		cancel: `Cancel a running athenahealth FHIR bulk export by its status URL. Returns the result. ${WRITE}`,
	},
	hl7: {
		parse: 'Parse an HL7 v2 message (text) into JSON. Works offline; nothing is sent to athena. Returns the segments and fields.',
		build: 'Build an HL7 v2 message from a message type and field values. Works offline. Returns the message text.',
		getFields: 'Read fields of an HL7 v2 message by path, such as PID-5.1. Works offline. Returns the values.',
		setFields: 'Set fields of an HL7 v2 message by path, such as PID-5.1. Works offline. Returns the changed message.',
		createAck: 'Create the HL7 v2 acknowledgment (AA, AE or AR) for a message. Works offline. Returns the ACK text.',
		validate: 'Check an HL7 v2 message for structure errors and required segments. Works offline. Returns whether it is valid and the problems.',
		splitBatch: 'Split an HL7 v2 batch file into its messages. Works offline. Returns one item per message.',
		toAthena: "Convert an athena HL7 v2 message (ADT or SIU) into athenaNet JSON fields. Works offline. Returns the patient or appointment record.",
	},
	customApiCall: {
		call: `Call any athenaNet endpoint of the practice by path, such as /patients/1. GET reads; POST, PUT and DELETE are writes: confirm with the user before calling them. Returns athena's response.`,
	},
};

/** One `toolDescription` per operation, shown only when the node is a tool. */
export function toolDescriptionFields(): INodeProperties[] {
	return Object.entries(toolDescriptions).flatMap(([resource, operations]) =>
		Object.entries(operations).map(([operation, text]) => ({
			displayName: 'Tool Description',
			name: 'toolDescription',
			type: 'string' as const,
			typeOptions: { rows: 3 },
			default: text,
			description: 'What the model reads about this tool: what it does, its inputs and what it returns',
			displayOptions: { show: { '@tool': [true], resource: [resource], operation: [operation] } },
		})),
	);
}

// Defaults that differ in tool use: records a model reads stay compact.
const TOOL_DEFAULTS: Record<string, boolean | number> = { simplify: true, limit: 10 };

/** Splits each parameter with a tool default into a workflow copy and a tool copy. */
export function withToolDefaults(properties: INodeProperties[]): INodeProperties[] {
	return properties.flatMap((p) => {
		if (!(p.name in TOOL_DEFAULTS)) return [p];
		const onlyIf = (tool: boolean) => ({ ...p.displayOptions, show: { ...p.displayOptions?.show, '@tool': [tool] } });
		return [
			{ ...p, displayOptions: onlyIf(false) },
			{ ...p, default: TOOL_DEFAULTS[p.name], displayOptions: onlyIf(true) },
		];
	});
}
