import type { IDataObject } from 'n8n-workflow';

// athena's changed records carry no event name (reference §4.4): the trigger works out what happened
// from the record's fields, and says which rule it used.

export interface TriggerEvent {
	value: string;
	name: string;
	feed: string;
	/** athena event names to subscribe to; empty = every default event of the feed. */
	subscribe: string[];
	/** The classified event names this choice emits; empty = every record, unlabelled (other feeds). */
	emits: string[];
}

export const EVENTS: TriggerEvent[] = [
	{ value: 'appointmentScheduled', name: 'Appointment Scheduled', feed: 'appointments', subscribe: ['ScheduleAppointment'], emits: ['Appointment Scheduled'] },
	{ value: 'appointmentRescheduled', name: 'Appointment Rescheduled', feed: 'appointments', subscribe: ['ScheduleAppointment', 'CancelAppointment'], emits: ['Appointment Rescheduled'] },
	{ value: 'appointmentCancelled', name: 'Appointment Cancelled', feed: 'appointments', subscribe: ['CancelAppointment'], emits: ['Appointment Cancelled'] },
	{ value: 'appointmentCheckedIn', name: 'Appointment Checked In', feed: 'appointments', subscribe: ['CheckIn'], emits: ['Appointment Checked In'] },
	{ value: 'appointmentCheckedOut', name: 'Appointment Checked Out', feed: 'appointments', subscribe: ['CheckOut'], emits: ['Appointment Checked Out'] },
	{ value: 'appointmentUpdated', name: 'Appointment Updated', feed: 'appointments', subscribe: ['UpdateAppointment'], emits: ['Appointment Updated'] },
	{
		value: 'anyAppointmentChange',
		name: 'Any Appointment Change',
		feed: 'appointments',
		subscribe: [],
		emits: ['Appointment Scheduled', 'Appointment Rescheduled', 'Appointment Cancelled', 'Appointment Checked In', 'Appointment Checked Out', 'Appointment Updated', 'Open Slot Changed'],
	},
	{ value: 'patientAdded', name: 'Patient Added', feed: 'patients', subscribe: ['AddPatient'], emits: ['Patient Added'] },
	{ value: 'patientUpdated', name: 'Patient Updated', feed: 'patients', subscribe: ['UpdatePatient'], emits: ['Patient Updated'] },
	{ value: 'patientMerged', name: 'Patient Merged', feed: 'patients', subscribe: ['MergePatient'], emits: ['Patient Merged'] },
	{ value: 'anyPatientChange', name: 'Any Patient Change', feed: 'patients', subscribe: [], emits: ['Patient Added', 'Patient Updated', 'Patient Merged', 'Patient Deleted'] },
];


const truthy = (v: unknown) => v === true || v === 'true' || v === 'Y';
const minute = (v: unknown) => (typeof v === 'string' ? v.slice(0, 16) : undefined);

export interface Classified {
	event: string;
	eventRule: string;
	extra?: IDataObject;
}

export function classifyAppointment(r: IDataObject): Classified {
	const status = String(r.appointmentstatus ?? '');
	if (status === 'x' && r.rescheduledappointmentid) {
		return { event: 'Appointment Rescheduled', eventRule: 'cancelled (x) with rescheduledappointmentid', extra: { newappointmentid: String(r.rescheduledappointmentid) } };
	}
	if (status === 'x') return { event: 'Appointment Cancelled', eventRule: 'appointmentstatus x', extra: { noShow: truthy(r.cancelreasonnoshow) } };
	if (status === '3' || status === '4') return { event: 'Appointment Checked Out', eventRule: `appointmentstatus ${status}` };
	if (status === '2') return { event: 'Appointment Checked In', eventRule: 'appointmentstatus 2' };
	if (status === 'o') return { event: 'Open Slot Changed', eventRule: 'appointmentstatus o (open slot)' };
	if (r.scheduleddatetime && minute(r.scheduleddatetime) === minute(r.lastmodified)) {
		return { event: 'Appointment Scheduled', eventRule: 'appointmentstatus f, scheduleddatetime = lastmodified' };
	}
	return { event: 'Appointment Updated', eventRule: 'appointmentstatus f, modified after it was scheduled' };
}

export function classifyPatient(r: IDataObject, seenBefore: boolean): Classified {
	if (r.mergedintopatientid || r.mergedpatientid) return { event: 'Patient Merged', eventRule: 'mergedintopatientid present' };
	if (String(r.status ?? '') === 'deleted') return { event: 'Patient Deleted', eventRule: 'status deleted' };
	const registered = typeof r.registrationdate === 'string' ? r.registrationdate.slice(0, 10) : undefined;
	if (!seenBefore && registered && typeof r.lastmodified === 'string' && r.lastmodified.startsWith(registered)) {
		return { event: 'Patient Added', eventRule: 'registrationdate = lastmodified date, first sighting' };
	}
	return { event: 'Patient Updated', eventRule: seenBefore ? 'patient seen before' : 'registered before this change' };
}
