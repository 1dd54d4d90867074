'use strict';
// FHIR R4 resources generated from the athenaNet seed: athena's id forms
// a-{practiceid}.{prefix}-{localid}, the ah-practice extension, US Core shapes. Deterministic:
// the same seed data always gives the same resources, computed on demand (nothing cached per patient).

const PRACTICE_EXT = 'https://fhir.athena.io/StructureDefinition/ah-practice';

// Per-patient clinical resources: [type, id prefix, how many per patient]
const CLINICAL = [
	['Encounter', 'encounter', 2],
	['Observation', 'resultamb', 3],
	['Condition', 'Problem', 2],
	['AllergyIntolerance', 'allergy', 1],
	['MedicationRequest', 'prescription', 1],
	['Immunization', 'immunization', 1],
	['DiagnosticReport', 'clinicalresult', 1],
	['DocumentReference', 'document', 1],
	['Procedure', 'procedure', 1],
];
const PER_PATIENT = Object.fromEntries(CLINICAL.map(([t, p, n]) => [t, { prefix: p, n }]));
const TYPES = ['Patient', ...CLINICAL.map(([t]) => t), 'Practitioner', 'Organization', 'Location'];

const CODES = {
	Observation: [
		['8867-4', 'Heart rate', '/min', 72],
		['8480-6', 'Systolic blood pressure', 'mm[Hg]', 121],
		['29463-7', 'Body weight', 'kg', 70.5],
	],
	Condition: [
		['44054006', 'Diabetes mellitus type 2'],
		['38341003', 'Hypertensive disorder'],
		['195967001', 'Asthma'],
	],
	AllergyIntolerance: [
		['91936005', 'Allergy to penicillin'],
		['300913006', 'Shellfish allergy'],
	],
	MedicationRequest: [
		['860975', 'Metformin 500 MG Oral Tablet'],
		['314076', 'Lisinopril 10 MG Oral Tablet'],
	],
	Immunization: [
		['140', 'Influenza, seasonal, injectable'],
		['208', 'COVID-19, mRNA'],
	],
	DiagnosticReport: [
		['24323-8', 'Comprehensive metabolic panel'],
		['58410-2', 'CBC panel'],
	],
	DocumentReference: [
		['34133-9', 'Summary of episode note'],
		['11506-3', 'Progress note'],
	],
	Procedure: [
		['73761001', 'Colonoscopy'],
		['80146002', 'Appendectomy'],
	],
};

const practiceRef = (pid) => ({
	url: PRACTICE_EXT,
	valueReference: { reference: `Organization/a-1.Practice-${pid}` },
});
const fhirDate = (athenaDate) => {
	const m = /^(\d\d)\/(\d\d)\/(\d{4})/.exec(athenaDate || '');
	return m ? `${m[3]}-${m[1]}-${m[2]}` : undefined;
};
const pad = (n) => String(n).padStart(2, '0');

function patientResource(pid, p) {
	return {
		resourceType: 'Patient',
		id: `a-${pid}.E-${p.patientid}`,
		meta: { lastUpdated: p.fhirLastUpdated ?? '2026-11-01T09:00:00.000-05:00' },
		extension: [practiceRef(pid)],
		identifier: [
			{ system: 'https://fhir.athena.io/sid/ah-patient', value: `a-${pid}.E-${p.patientid}` },
		],
		active: p.status !== 'inactive',
		name: [{ use: 'official', family: p.lastname, given: [p.firstname] }],
		telecom: [
			p.mobilephone && { system: 'phone', value: p.mobilephone, use: 'mobile' },
			p.email && { system: 'email', value: p.email },
		].filter(Boolean),
		gender: p.sex === 'F' ? 'female' : p.sex === 'M' ? 'male' : 'unknown',
		birthDate: fhirDate(p.dob),
		address: [
			{ line: [p.address1].filter(Boolean), city: p.city, state: p.state, postalCode: p.zip },
		],
		managingOrganization: { reference: `Organization/a-${pid}.Department-${p.departmentid}` },
	};
}

/** The k-th resource of `type` for a patient (k < PER_PATIENT[type].n). */
function clinicalResource(pid, type, p, k) {
	const { prefix } = PER_PATIENT[type];
	const local = Number(p.patientid) * 10 + k;
	const id = `a-${pid}.${prefix}-${local}`;
	const subject = {
		reference: `Patient/a-${pid}.E-${p.patientid}`,
		display: `${p.firstname} ${p.lastname}`,
	};
	const day = `2026-${pad(1 + (local % 12))}-${pad(1 + (local % 28))}`;
	const base = {
		resourceType: type,
		id,
		meta: { lastUpdated: `${day}T10:00:00.000-05:00` },
		extension: [practiceRef(pid)],
	};
	const codes = CODES[type];
	const [code, display, unit, value] = codes ? codes[(local + k) % codes.length] : [];
	const concept = (system) => ({ coding: [{ system, code, display }], text: display });
	switch (type) {
		case 'Encounter':
			return {
				...base,
				status: 'finished',
				class: { system: 'http://terminology.hl7.org/CodeSystem/v3-ActCode', code: 'AMB' },
				subject,
				period: { start: `${day}T09:00:00-05:00`, end: `${day}T09:30:00-05:00` },
				participant: [{ individual: { reference: `Practitioner/a-${pid}.Provider-86` } }],
				serviceProvider: { reference: `Organization/a-${pid}.Department-${p.departmentid}` },
			};
		case 'Observation':
			return {
				...base,
				identifier: [{ system: 'https://fhir.athena.io/sid/ah-observation', value: id }],
				status: 'final',
				category: [
					{
						coding: [
							{
								system: 'http://terminology.hl7.org/CodeSystem/observation-category',
								code: 'vital-signs',
							},
						],
					},
				],
				code: concept('http://loinc.org'),
				subject,
				encounter: { reference: `Encounter/a-${pid}.encounter-${Number(p.patientid) * 10}` },
				effectiveDateTime: `${day}T09:10:00-05:00`,
				issued: `${day}T09:10:00.000-05:00`,
				valueQuantity: {
					value: value + (local % 7),
					unit,
					system: 'http://unitsofmeasure.org',
					code: unit,
				},
			};
		case 'Condition':
			return {
				...base,
				clinicalStatus: {
					coding: [
						{ system: 'http://terminology.hl7.org/CodeSystem/condition-clinical', code: 'active' },
					],
				},
				category: [
					{
						coding: [
							{
								system: 'http://terminology.hl7.org/CodeSystem/condition-category',
								code: 'problem-list-item',
							},
						],
					},
				],
				code: concept('http://snomed.info/sct'),
				subject,
				onsetDateTime: `${day}T00:00:00-05:00`,
			};
		case 'AllergyIntolerance':
			return {
				...base,
				clinicalStatus: {
					coding: [
						{
							system: 'http://terminology.hl7.org/CodeSystem/allergyintolerance-clinical',
							code: 'active',
						},
					],
				},
				code: concept('http://snomed.info/sct'),
				patient: subject,
				recordedDate: day,
			};
		case 'MedicationRequest':
			return {
				...base,
				status: 'active',
				intent: 'order',
				medicationCodeableConcept: concept('http://www.nlm.nih.gov/research/umls/rxnorm'),
				subject,
				authoredOn: day,
				requester: { reference: `Practitioner/a-${pid}.Provider-86` },
			};
		case 'Immunization':
			return {
				...base,
				status: 'completed',
				vaccineCode: concept('http://hl7.org/fhir/sid/cvx'),
				patient: subject,
				occurrenceDateTime: `${day}T11:00:00-05:00`,
			};
		case 'DiagnosticReport':
			return {
				...base,
				status: 'final',
				category: [
					{ coding: [{ system: 'http://terminology.hl7.org/CodeSystem/v2-0074', code: 'LAB' }] },
				],
				code: concept('http://loinc.org'),
				subject,
				effectiveDateTime: `${day}T08:00:00-05:00`,
				issued: `${day}T12:00:00.000-05:00`,
				result: [{ reference: `Observation/a-${pid}.resultamb-${Number(p.patientid) * 10}` }],
			};
		case 'DocumentReference':
			return {
				...base,
				status: 'current',
				type: concept('http://loinc.org'),
				category: [
					{
						coding: [
							{
								system: 'http://hl7.org/fhir/us/core/CodeSystem/us-core-documentreference-category',
								code: 'clinical-note',
							},
						],
					},
				],
				subject,
				date: `${day}T15:00:00-05:00`,
				content: [
					{
						attachment: {
							contentType: 'text/plain',
							data: Buffer.from(
								`Visit note for ${p.firstname} ${p.lastname}: doing well. Café, naïve, 😀.`,
							).toString('base64'),
						},
					},
				],
			};
		case 'Procedure':
			return {
				...base,
				status: 'completed',
				code: concept('http://snomed.info/sct'),
				subject,
				performedDateTime: `${day}T13:00:00-05:00`,
			};
		default:
			throw new Error(`no generator for ${type}`);
	}
}

function practitionerResource(pid, pr) {
	return {
		resourceType: 'Practitioner',
		id: `a-${pid}.Provider-${pr.providerid}`,
		extension: [practiceRef(pid)],
		identifier: [{ system: 'http://hl7.org/fhir/sid/us-npi', value: pr.npi }],
		active: true,
		name: [{ family: pr.lastname, given: [pr.firstname], suffix: [pr.providertype] }],
	};
}

function organizationResource(pid, d) {
	if (!d)
		return {
			resourceType: 'Organization',
			id: `a-1.Practice-${pid}`,
			active: true,
			name: pid === '195900' ? 'athenahealth MDP Sandbox' : `Practice ${pid}`,
		};
	return {
		resourceType: 'Organization',
		id: `a-${pid}.Department-${d.departmentid}`,
		extension: [practiceRef(pid)],
		active: true,
		name: d.patientdepartmentname,
		telecom: [{ system: 'phone', value: d.phone }],
		address: [{ line: [d.address], city: d.city, state: d.state, postalCode: d.zip }],
		partOf: { reference: `Organization/a-1.Practice-${pid}` },
	};
}

function locationResource(pid, d) {
	return {
		resourceType: 'Location',
		id: `a-${pid}.Department-${d.departmentid}`,
		extension: [practiceRef(pid)],
		status: 'active',
		name: d.patientdepartmentname,
		address: { line: [d.address], city: d.city, state: d.state, postalCode: d.zip },
		managingOrganization: { reference: `Organization/a-${pid}.Department-${d.departmentid}` },
	};
}

/** All resources of a type for a practice, lazily, in a stable order. */
function* resourcesOf(state, pid, type) {
	if (type === 'Patient') for (const p of state.patients.values()) yield patientResource(pid, p);
	else if (PER_PATIENT[type]) {
		for (const p of state.patients.values())
			for (let k = 0; k < PER_PATIENT[type].n; k++) yield clinicalResource(pid, type, p, k);
	} else if (type === 'Practitioner')
		for (const pr of state.providers) yield practitionerResource(pid, pr);
	else if (type === 'Organization') {
		yield organizationResource(pid);
		for (const d of state.departments) yield organizationResource(pid, d);
	} else if (type === 'Location') for (const d of state.departments) yield locationResource(pid, d);
	else if (type === 'QuestionnaireResponse')
		for (const r of state.questionnaireResponses?.values() ?? [])
			if (r.id.startsWith(`a-${pid}.`)) yield r;
}

/** One resource by its athena FHIR id, or undefined. */
function readResource(state, type, id) {
	const m = /^a-(\d+)\.([A-Za-z]+)-(\d+)$/.exec(id);
	if (!m) return undefined;
	const [, pid, prefix, local] = m;
	if (type === 'Organization' && id === `a-1.Practice-${local}`) return organizationResource(local);
	if (type === 'Patient' && prefix === 'E') {
		const p = state.patients.get(local);
		return p && patientResource(pid, p);
	}
	if (PER_PATIENT[type] && prefix === PER_PATIENT[type].prefix) {
		const p = state.patients.get(String(Math.floor(Number(local) / 10)));
		const k = Number(local) % 10;
		return p && k < PER_PATIENT[type].n ? clinicalResource(pid, type, p, k) : undefined;
	}
	if (type === 'QuestionnaireResponse') return state.questionnaireResponses?.get(id);
	if (type === 'Practitioner' && prefix === 'Provider') {
		const pr = state.providers.find((x) => x.providerid === local);
		return pr && practitionerResource(pid, pr);
	}
	if ((type === 'Organization' || type === 'Location') && prefix === 'Department') {
		const d = state.departments.find((x) => x.departmentid === local);
		return d && (type === 'Location' ? locationResource(pid, d) : organizationResource(pid, d));
	}
	return undefined;
}

module.exports = { TYPES, resourcesOf, readResource };
