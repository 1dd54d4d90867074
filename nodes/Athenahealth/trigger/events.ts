import type { IDataObject } from 'n8n-workflow';

// athena's changed records carry no event name (docs/athena-behaviour.md): the trigger works out
// what happened from the record's fields, and says which rule it used. feeds.ts says which feed
// uses which classifier.

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
		return {
			event: 'Appointment Rescheduled',
			eventRule: 'cancelled (x) with rescheduledappointmentid',
			extra: { newappointmentid: String(r.rescheduledappointmentid) },
		};
	}
	if (status === 'x')
		return {
			event: 'Appointment Cancelled',
			eventRule: 'appointmentstatus x',
			extra: { noShow: truthy(r.cancelreasonnoshow) },
		};
	if (status === '3' || status === '4')
		return { event: 'Appointment Checked Out', eventRule: `appointmentstatus ${status}` };
	if (status === '2') return { event: 'Appointment Checked In', eventRule: 'appointmentstatus 2' };
	if (status === 'o')
		return { event: 'Open Slot Changed', eventRule: 'appointmentstatus o (open slot)' };
	if (r.scheduleddatetime && minute(r.scheduleddatetime) === minute(r.lastmodified)) {
		return {
			event: 'Appointment Scheduled',
			eventRule: 'appointmentstatus f, scheduleddatetime = lastmodified',
		};
	}
	return {
		event: 'Appointment Updated',
		eventRule: 'appointmentstatus f, modified after it was scheduled',
	};
}

export function classifyPatient(r: IDataObject, seenBefore: boolean): Classified {
	if (r.mergedintopatientid || r.mergedpatientid)
		return { event: 'Patient Merged', eventRule: 'mergedintopatientid present' };
	if (String(r.status ?? '') === 'deleted')
		return { event: 'Patient Deleted', eventRule: 'status deleted' };
	const registered =
		typeof r.registrationdate === 'string' ? r.registrationdate.slice(0, 10) : undefined;
	if (
		!seenBefore &&
		registered &&
		typeof r.lastmodified === 'string' &&
		r.lastmodified.startsWith(registered)
	) {
		return {
			event: 'Patient Added',
			eventRule: 'registrationdate = lastmodified date, first sighting',
		};
	}
	return {
		event: 'Patient Updated',
		eventRule: seenBefore ? 'patient seen before' : 'registered before this change',
	};
}
