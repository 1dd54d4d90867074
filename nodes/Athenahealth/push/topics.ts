// athena's Event Subscription Platform topics: the one registry (the Event Trigger's topic picker,
// its offline list, how an event's focus is fetched, the README and the sandbox all derive from
// it). Topics are `<Resource>.<verb>` and are used as named, never inferred from a record's state
// (docs/athena-behaviour.md#push-topics).

export interface TopicResource {
	/** The resource part of the topic names, as athena spells it. */
	resource: string;
	verbs: string[];
	/** The athenaNet read of the focus, from its athenaNet id, where this package has that operation. */
	athenaPath?: (id: string) => string;
	/** The FHIR type the focus reference points to, when athena gives one. */
	fhirType?: string;
}

export const TOPIC_RESOURCES: TopicResource[] = [
	{
		resource: 'Appointment',
		verbs: [
			'cancel',
			'check-in',
			'check-out',
			'freeze',
			'reschedule',
			'schedule',
			'unfreeze',
			'update',
		],
		athenaPath: (id) => `/appointments/${id}`,
	},
	{ resource: 'Claim', verbs: ['create', 'delete', 'update'], athenaPath: (id) => `/claims/${id}` },
	{
		resource: 'ClinicalEncounterDiagnosis',
		verbs: ['create', 'delete', 'update'],
		fhirType: 'Condition',
	},
	{
		resource: 'Encounter',
		verbs: ['check-in', 'reopen', 'signoff'],
		athenaPath: (id) => `/chart/encounter/${id}`,
		fhirType: 'Encounter',
	},
	{
		resource: 'HistoricalMedication',
		verbs: ['create', 'delete', 'update'],
		fhirType: 'MedicationRequest',
	},
	{
		resource: 'HistoricalVaccine',
		verbs: ['create', 'delete', 'update'],
		fhirType: 'Immunization',
	},
	{ resource: 'ImagingResult', verbs: ['close', 'create', 'delete', 'reopen', 'update'] },
	{ resource: 'LabResult', verbs: ['close', 'create', 'update'] },
	{ resource: 'Order', verbs: ['cancel', 'deny', 'perform', 'signoff', 'submit', 'update'] },
	{
		resource: 'Patient',
		verbs: ['create', 'delete', 'merge', 'update'],
		athenaPath: (id) => `/patients/${id}`,
		fhirType: 'Patient',
	},
	{ resource: 'PatientCase', verbs: ['add-note', 'create', 'update'] },
	{ resource: 'PatientProblem', verbs: ['create', 'delete', 'update'], fhirType: 'Condition' },
	{
		resource: 'Prescription',
		verbs: ['create', 'delete', 'preapprove', 'refill-create', 'refill-update', 'reopen', 'update'],
		fhirType: 'MedicationRequest',
	},
	{
		resource: 'Provider',
		verbs: ['create', 'delete', 'undelete', 'update'],
		athenaPath: (id) => `/providers/${id}`,
		fhirType: 'Practitioner',
	},
	{ resource: 'ReferringProvider', verbs: ['create', 'delete', 'undelete', 'update'] },
];

/** Every documented topic id, e.g. `Appointment.check-in`. */
export const DOCUMENTED_TOPICS: string[] = TOPIC_RESOURCES.flatMap((r) =>
	r.verbs.map((v) => `${r.resource}.${v}`),
);

export const resourceOfTopic = (topic: string): TopicResource | undefined =>
	TOPIC_RESOURCES.find((r) => r.resource === topic.split('.')[0]);

/** A topic id as athena names them: `Resource.verb` (letters, digits and dashes). */
export const TOPIC_ID = /^[A-Za-z][A-Za-z0-9]*\.[a-z][a-z0-9-]*$/;

/** `check-in` → `Check-in`, for the picker's labels. */
export function topicLabel(topic: string): string {
	const [resource, verb = ''] = topic.split('.');
	const words = resource.replace(/([a-z])([A-Z])/g, '$1 $2');
	return `${words}: ${verb.replace(/-/g, ' ')}`;
}
