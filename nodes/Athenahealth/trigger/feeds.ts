import type { IDataObject, INodePropertyOptions } from 'n8n-workflow';

import { classifyAppointment, classifyPatient, type Classified } from './events';

// athena's changed-data feeds: one entry each (docs/development.md, "Adding a feed"). Change
// Subscription's Feed list and the trigger's Event and Feed lists are derived from this registry.

/** A choice in the trigger's Event list: a classified change of one feed. */
export interface FeedEvent {
	value: string;
	name: string;
	description?: string;
	/** athena event names to subscribe to; empty = every default event of the feed. */
	subscribe: string[];
	/** The classified event names this choice emits. */
	emits: string[];
}

export interface Feed {
	/** As the user sees it in Change Subscription's Feed list (and the trigger's, for raw feeds). */
	name: string;
	/** athena's path: /{path}/changed and /{path}/changed/subscription. */
	path: string;
	/** The trigger's named events on this feed; none: a raw feed, under Other Feed (Raw Records). */
	events?: FeedEvent[];
	/** Names the event of a changed record; `seenBefore` says whether `remember` saw its id earlier. */
	classify?: (record: IDataObject, seenBefore: boolean) => Classified;
	/** The record field whose first sighting the classifier needs (kept in the trigger's static data). */
	remember?: string;
}

const APPOINTMENT_EVENTS = [
	'Appointment Scheduled',
	'Appointment Rescheduled',
	'Appointment Cancelled',
	'Appointment Checked In',
	'Appointment Checked Out',
	'Appointment Updated',
];
const PATIENT_EVENTS = ['Patient Added', 'Patient Updated', 'Patient Merged'];
const one = (
	value: string,
	name: string,
	subscribe: string[],
	description?: string,
): FeedEvent => ({
	value,
	name,
	subscribe,
	emits: [name],
	...(description ? { description } : {}),
});

export const FEEDS: Feed[] = [
	{ name: 'Allergies', path: 'chart/healthhistory/allergies' },
	{ name: 'Claims', path: 'claims' },
	{
		name: 'Appointments',
		path: 'appointments',
		classify: (record) => classifyAppointment(record),
		events: [
			one('appointmentScheduled', 'Appointment Scheduled', ['ScheduleAppointment']),
			one('appointmentRescheduled', 'Appointment Rescheduled', [
				'ScheduleAppointment',
				'CancelAppointment',
			]),
			one(
				'appointmentCancelled',
				'Appointment Cancelled',
				['CancelAppointment'],
				'Includes a no-show flag',
			),
			one('appointmentCheckedIn', 'Appointment Checked In', ['CheckIn']),
			one('appointmentCheckedOut', 'Appointment Checked Out', ['CheckOut']),
			one('appointmentUpdated', 'Appointment Updated', ['UpdateAppointment']),
			{
				value: 'anyAppointmentChange',
				name: 'Any Appointment Change',
				subscribe: [],
				emits: [...APPOINTMENT_EVENTS, 'Open Slot Changed'],
			},
		],
	},
	{ name: 'Lab Results', path: 'labresults' },
	{ name: 'Medications', path: 'chart/healthhistory/medication' },
	{
		name: 'Patients',
		path: 'patients',
		classify: classifyPatient,
		remember: 'patientid',
		events: [
			one('patientAdded', 'Patient Added', ['AddPatient']),
			one('patientUpdated', 'Patient Updated', ['UpdatePatient']),
			one('patientMerged', 'Patient Merged', ['MergePatient']),
			{
				value: 'anyPatientChange',
				name: 'Any Patient Change',
				subscribe: [],
				emits: [...PATIENT_EVENTS, 'Patient Deleted'],
			},
		],
	},
	{ name: 'Prescriptions', path: 'prescriptions' },
	{ name: 'Problems', path: 'chart/healthhistory/problems' },
	{ name: 'Providers', path: 'providers' },
];

const byName = (a: { name: string }, b: { name: string }) => a.name.localeCompare(b.name);

/** Every named event of every feed, with its feed's path. */
export const EVENTS = FEEDS.flatMap((f) => (f.events ?? []).map((e) => ({ ...e, feed: f.path })));

export const feedOf = (path: string) => FEEDS.find((f) => f.path === path);

/** Change Subscription's Feed list: every feed. */
export const FEED_OPTIONS: INodePropertyOptions[] = FEEDS.map((f) => ({
	name: f.name,
	value: f.path,
})).sort(byName);

/** The trigger's Feed list under Other Feed (Raw Records): the feeds without named events. */
export const RAW_FEED_OPTIONS: INodePropertyOptions[] = FEEDS.filter((f) => !f.events?.length)
	.map((f) => ({ name: f.name, value: f.path }))
	.sort(byName);

/** The trigger's Event list: every named event, and Other Feed (Raw Records). */
export const OTHER_FEED = 'otherFeed';
export const EVENT_OPTIONS: INodePropertyOptions[] = [
	...EVENTS.map((e) => ({
		name: e.name,
		value: e.value,
		...(e.description ? { description: e.description } : {}),
	})),
	{ name: 'Other Feed (Raw Records)', value: OTHER_FEED },
].sort(byName);
