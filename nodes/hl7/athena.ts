import type { Hl7Message } from './codec';

// athena's HL7 field conventions (docs/athena-behaviour.md#hl7-field-conventions) turned into the
// same patient and appointment shapes the athenaNet REST operations return, so HL7-fed and REST-fed
// workflows share steps.

type Flat = Record<string, string | boolean | undefined>;

/** HL7 DTM (YYYYMMDD[HHMM[SS]]) → athena's mm/dd/yyyy and HH:MM. */
export function hl7Date(value: string | undefined): { date?: string; time?: string } {
	const m = /^(\d{4})(\d{2})(\d{2})(?:(\d{2})(\d{2}))?/.exec(value ?? '');
	if (!m) return {};
	return { date: `${m[2]}/${m[3]}/${m[1]}`, time: m[4] ? `${m[4]}:${m[5]}` : undefined };
}

const EVENTS: Record<string, string> = {
	'ADT^A04': 'Patient Added',
	'ADT^A28': 'Patient Added',
	'ADT^A08': 'Patient Updated',
	'ADT^A31': 'Patient Updated',
	'ADT^A40': 'Patient Merged',
	'ADT^A01': 'Patient Admitted',
	'ADT^A03': 'Patient Discharged',
	'SIU^S12': 'Appointment Scheduled',
	'SIU^S13': 'Appointment Rescheduled',
	'SIU^S14': 'Appointment Updated',
	'SIU^S15': 'Appointment Cancelled',
	'SIU^S26': 'Appointment No Show',
};

function compact(o: Flat): Flat {
	const out: Flat = {};
	for (const [k, v] of Object.entries(o)) if (v !== undefined && v !== '') out[k] = v;
	return out;
}

const digits = (v: string | undefined) => (v ?? '').replace(/\D/g, '') || undefined;

export function athenaPatient(m: Hl7Message): Flat {
	const first = (...paths: string[]) => paths.map((p) => m.get(p)).find((v) => v);
	const phones = m.repetitions('PID.13');
	let homephone: string | undefined;
	let mobilephone: string | undefined;
	let email: string | undefined;
	phones.forEach((_, r) => {
		const use = m.get(`PID.13[${r + 1}].2`);
		const type = m.get(`PID.13[${r + 1}].3`);
		if (use === 'NET' || type === 'Internet') email ??= m.get(`PID.13[${r + 1}].4`);
		else if (type === 'CP' || use === 'ORN') mobilephone ??= digits(m.get(`PID.13[${r + 1}].1`));
		else homephone ??= digits(m.get(`PID.13[${r + 1}].1`));
	});
	return compact({
		patientid: first('PID.2.1', 'PID.3.1', 'PID.4.1'),
		lastname: m.get('PID.5.1'),
		firstname: m.get('PID.5.2'),
		middlename: m.get('PID.5.3'),
		suffix: m.get('PID.5.4'),
		dob: hl7Date(m.get('PID.7.1')).date,
		sex: m.get('PID.8'),
		address1: m.get('PID.11.1'),
		address2: m.get('PID.11.2'),
		city: m.get('PID.11.3'),
		state: m.get('PID.11.4'),
		zip: m.get('PID.11.5'),
		homephone,
		mobilephone,
		workphone: digits(m.get('PID.14.1')),
		email,
		language6392code: m.get('PID.15.1'),
		maritalstatus: m.get('PID.16.1'),
		ssn: m.get('PID.19')
			? `*****${(m.get('PID.19') ?? '').replace(/\D/g, '').slice(-4)}`
			: undefined,
		departmentid: m.get('PV1.3.1') || undefined,
		primaryproviderid: m.get('PD1.4.1'),
	});
}

export function athenaAppointment(m: Hl7Message): Flat {
	const trigger = m.get('MSH.9.2');
	const start = hl7Date(m.get('SCH.11.4') || m.get('AIL.6.1') || m.get('AIG.8.1'));
	const cancelled = trigger === 'S15' || trigger === 'S26';
	return compact({
		appointmentid: m.get('SCH.1.1') || m.get('SCH.2.1') || m.get('PV1.19.1'),
		date: start.date,
		starttime: start.time,
		duration: m.get('SCH.9'),
		departmentid: m.get('AIL.3.1') || m.get('PV1.3.1'),
		providerid: m.get('PV1.7.1'),
		providerusername: m.get('AIG.3.1'),
		patientid: m.get('PID.2.1') || m.get('PID.3.1') || m.get('PID.4.1'),
		appointmenttype: m.get('SCH.8.2'),
		appointmenttypeshortname: m.get('SCH.8.1'),
		appointmentnote: m.get('SCH.7.1'),
		appointmentstatus: cancelled ? 'x' : 'f',
		cancelreasonid: cancelled ? m.get('SCH.6.1') : undefined,
		cancelreasonname: cancelled ? m.get('SCH.6.2') : undefined,
		cancelreasonnoshow: cancelled ? m.get('SCH.25.1') === 'NOSHOW' || trigger === 'S26' : undefined,
		scheduledby: m.get('SCH.16.1'),
	});
}

/**
 * The athena facts of a message: practice, event, patient, appointment
 * (docs/athena-behaviour.md#hl7-field-conventions).
 */
export function athenaFacts(m: Hl7Message): Record<string, unknown> {
	const type = `${m.get('MSH.9.1') ?? ''}^${m.get('MSH.9.2') ?? ''}`;
	const facts: Record<string, unknown> = {
		practiceId: m.get('MSH.4.1'),
		sendingApplication: m.get('MSH.3.1'),
		fromAthena: m.get('MSH.3.1') === 'ATHENANET',
		messageType: type,
		event: EVENTS[type] ?? type,
		controlId: m.get('MSH.10'),
		patient: m.count('PID') ? athenaPatient(m) : undefined,
	};
	if (type.startsWith('SIU')) facts.appointment = athenaAppointment(m);
	return facts;
}
