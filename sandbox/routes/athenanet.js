'use strict';
// athenaNet REST under /v1/{practiceid}: reference data, patients, appointments, check-in,
// notes and reminders, with athena's response shapes and error bodies (docs/athena-behaviour.md).

const { listResponse } = require('../paging');
const { athenaDate, athenaDateTime, dayOf, parts } = require('../clock');

class AthenaError extends Error {
	constructor(status, body) {
		super(typeof body === 'string' ? body : body.error);
		this.status = status;
		this.body = body;
	}
}
const fail = (status, body) => {
	throw new AthenaError(status, body);
};
const missing = (...fields) =>
	fail(400, { missingfields: fields, error: 'Additional fields are required.' });
const invalid = (detail) =>
	fail(400, { detailedmessage: detail, error: 'The data provided is invalid.' });

const fold = (s) =>
	String(s ?? '')
		.normalize('NFD')
		.replace(/[\u0300-\u036f]/g, '')
		.toLowerCase();
const truthy = (v) => ['true', '1', 'y', 'yes'].includes(String(v ?? '').toLowerCase());
const list = (v) =>
	v === undefined || v === ''
		? undefined
		: String(v)
				.split(',')
				.map((s) => s.trim())
				.filter(Boolean);
const nowText = () => athenaDateTime(parts(new Date()));

const PATIENT_LIMITS = {
	lastname: 30,
	address1: 100,
	address2: 100,
	city: 30,
	guarantorcity: 30,
	state: 10,
	zip: 10,
	guarantorzip: 10,
	ssn: 13,
	email: 50,
	employername: 100,
	contactname: 50,
};
const PATIENT_FIELDS = [
	'firstname',
	'lastname',
	'middlename',
	'suffix',
	'dob',
	'sex',
	'email',
	'homephone',
	'mobilephone',
	'workphone',
	'address1',
	'address2',
	'city',
	'state',
	'zip',
	'departmentid',
	'ssn',
	'status',
	'guarantorfirstname',
	'guarantorlastname',
	'guarantordob',
	'guarantoremail',
	'language6392code',
	'contactpreference_appointment_sms',
	'preferredname',
	'notes',
];
const SEARCH_FIELDS = [
	'guarantorfirstname',
	'dob',
	'firstname',
	'workphone',
	'departmentid',
	'guarantorsuffix',
	'guarantorlastname',
	'mobilephone',
	'middlename',
	'suffix',
	'guarantormiddlename',
	'lastname',
	'homephone',
	'anyphone',
];

const byStart = (a, b) =>
	dayOf(a.date) - dayOf(b.date) ||
	(a.starttime < b.starttime ? -1 : a.starttime > b.starttime ? 1 : 0) ||
	Number(a.appointmentid) - Number(b.appointmentid);

function validatePatientFields(p) {
	for (const [field, max] of Object.entries(PATIENT_LIMITS)) {
		if (p[field] !== undefined && String(p[field]).length > max)
			invalid(`The ${field} field is limited to ${max} characters.`);
	}
	for (const field of PATIENT_FIELDS) {
		if (
			p[field] !== undefined &&
			!PATIENT_LIMITS[field] &&
			!['notes'].includes(field) &&
			String(p[field]).length > 20 &&
			!['email', 'guarantoremail'].includes(field)
		)
			invalid(`The ${field} field is limited to 20 characters.`);
	}
	if (p.dob !== undefined && (dayOf(p.dob) === undefined || isFutureDay(p.dob)))
		fail(400, { error: 'Improper DOB.' });
}

// a date of birth after today is "Improper DOB." too (athena's answer to a bad dob, seen for future dates)
const isFutureDay = (text) => dayOf(text) > Math.floor((Date.now() + 14 * 3600000) / 86400000);

function register(router, sb) {
	const { state } = sb;
	const route = (method, path, handler) =>
		router.add(method, new RegExp(`^/v1/(\\d+)${path}$`), handler);

	const patient = (id) =>
		state.patients.get(String(id)) ||
		fail(404, {
			detailedmessage: 'The specified patient does not exist in that department.',
			error: 'The Patient ID or Department ID is invalid.',
		});
	const appointment = (id) =>
		state.appointments.get(String(id)) || fail(404, { error: 'The appointment is not available.' });
	const department = (id) => state.departments.find((d) => d.departmentid === String(id));
	const touch = (rec) => {
		rec.lastmodified = nowText();
		rec.lastmodifiedby = `API-${sb.clientNumber}`;
		// the FHIR view's meta.lastUpdated (what a bulk export's _since compares); not an athenaNet field
		Object.defineProperty(rec, 'fhirLastUpdated', {
			value: new Date().toISOString(),
			enumerable: false,
			writable: true,
			configurable: true,
		});
	};
	const withPatient = (appt, show) =>
		show && appt.patientid
			? { ...appt, patient: { ...state.patients.get(appt.patientid) } }
			: { ...appt };

	// ---- practice and reference data
	router.add('GET', /^\/v1\/(1)\/practiceinfo$/, (ctx) =>
		listResponse(
			ctx,
			'practiceinfo',
			[
				{
					practiceid: '195900',
					name: 'athenahealth MDP Sandbox',
					hasclinicals: 'true',
					iscoordinatorsender: 'false',
					experiencemode: 'ENTERPRISE',
				},
				{
					practiceid: '1128700',
					name: 'MDP-Hospital Test 1128700',
					hasclinicals: 'true',
					iscoordinatorsender: 'false',
					experiencemode: 'HOSPITAL',
				},
			],
			'normal',
			{},
			sb.practiceFlags,
		),
	);
	route('GET', '/ping', () => ({ pong: 'true' }));
	route('GET', '/practiceinfo', (ctx) =>
		listResponse(
			ctx,
			'practiceinfo',
			[
				{
					practiceid: ctx.practice,
					name: ctx.practice === '195900' ? 'athenahealth MDP Sandbox' : `Practice ${ctx.practice}`,
					hasclinicals: 'true',
				},
			],
			'normal',
			{},
			sb.practiceFlags,
		),
	);
	route('GET', '/departments', (ctx) => {
		const withProviders = truthy(ctx.params.providerlist);
		const rows = state.departments.map((d) =>
			withProviders
				? {
						...d,
						providerlist: state.providers
							.filter((p) => p.homedepartment === d.departmentid)
							.map((p) => p.providerid),
					}
				: d,
		);
		return listResponse(ctx, 'departments', rows);
	});
	route('GET', '/departments/(\\d+)', (ctx) => [
		department(ctx.m[2]) || fail(404, { error: 'The department ID is invalid.' }),
	]);
	route('GET', '/providers', (ctx) => listResponse(ctx, 'providers', state.providers));
	route('GET', '/providers/(\\d+)', (ctx) => [
		state.providers.find((p) => p.providerid === ctx.m[2]) ||
			fail(404, { error: 'The provider ID is invalid.' }),
	]);
	route('GET', '/appointmenttypes', (ctx) =>
		listResponse(
			ctx,
			'appointmenttypes',
			truthy(ctx.params.hidegeneric)
				? state.appointmenttypes.filter((t) => t.generic !== 'true')
				: state.appointmenttypes,
		),
	);
	route('GET', '/appointmenttypes/(\\d+)', (ctx) => [
		state.appointmenttypes.find((t) => t.appointmenttypeid === ctx.m[2]) ||
			fail(404, { error: 'The appointment type ID is invalid.' }),
	]);
	route('GET', '/patientappointmentreasons(?:/(newpatient|existingpatient))?', (ctx) => {
		const need = ['departmentid', 'providerid'].filter((f) => !ctx.params[f]);
		if (need.length) missing(...need);
		const kind =
			ctx.m[2] === 'newpatient' ? 'new' : ctx.m[2] === 'existingpatient' ? 'existing' : undefined;
		return listResponse(
			ctx,
			'patientappointmentreasons',
			state.reasons.filter((r) => !kind || r.reasontype === kind || r.reasontype === 'all'),
		);
	});
	route('GET', '/appointmentcancelreasons', (ctx) =>
		listResponse(ctx, 'appointmentcancelreasons', state.cancelReasons),
	);

	// ---- patients
	route('GET', '/patients', (ctx) => {
		const q = ctx.params;
		// email and zip narrow a search but are not in athena's list of identifying fields
		if (!SEARCH_FIELDS.some((f) => q[f])) {
			fail(400, {
				fields: SEARCH_FIELDS,
				error:
					'Data for one or more of the fields listed above are required to successfully find a patient record.Note: invalid phone numbers are ignored.',
			});
		}
		const eq = (a, b) => String(a ?? '').toLowerCase() === String(b).toLowerCase();
		const starts = (a, b) =>
			sb.settings.patientNameMatch === 'exact'
				? eq(a, b)
				: String(a ?? '')
						.toLowerCase()
						.startsWith(String(b).toLowerCase());
		const digits = (s) => String(s ?? '').replace(/\D/g, '');
		let rows = [...state.patients.values()].filter(
			(p) => p.status !== 'deleted' || q.status === 'deleted',
		);
		if (q.firstname) rows = rows.filter((p) => starts(p.firstname, q.firstname));
		if (q.lastname) rows = rows.filter((p) => starts(p.lastname, q.lastname));
		if (q.middlename) rows = rows.filter((p) => starts(p.middlename, q.middlename));
		if (q.dob) {
			if (dayOf(q.dob) === undefined) invalid(`Expecting format date, but value is ${q.dob}`);
			if (isFutureDay(q.dob)) fail(400, { error: 'Improper DOB.' });
			rows = rows.filter((p) => dayOf(p.dob) === dayOf(q.dob));
		}
		if (q.departmentid) rows = rows.filter((p) => list(q.departmentid).includes(p.departmentid));
		if (q.status) rows = rows.filter((p) => eq(p.status, q.status));
		if (q.email) rows = rows.filter((p) => eq(p.email, q.email));
		if (q.zip) rows = rows.filter((p) => String(p.zip).slice(0, 5) === String(q.zip).slice(0, 5));
		for (const f of ['homephone', 'mobilephone', 'workphone'])
			if (q[f]) rows = rows.filter((p) => digits(p[f]) === digits(q[f]));
		if (q.anyphone)
			rows = rows.filter((p) =>
				[p.homephone, p.mobilephone, p.workphone].some(
					(x) => x && digits(x) === digits(q.anyphone),
				),
			);
		if (rows.length > 1000)
			fail(400, {
				error:
					'The given search parameters would produce a total data set larger than 1000 records.Please refine your search and try again.',
			});
		return listResponse(ctx, 'patients', rows, 'patients');
	});
	route('GET', '/patients/search', (ctx) => {
		const term = String(ctx.params.searchterm ?? '')
			.trim()
			.toLowerCase();
		if (!term) missing('searchterm');
		const max = Number(ctx.params.maxresults) || 50;
		const rows = [...state.patients.values()].filter(
			(p) =>
				p.status !== 'deleted' &&
				(p.patientid === term ||
					`${p.firstname} ${p.lastname}`.toLowerCase().includes(term) ||
					`${p.lastname}, ${p.firstname}`.toLowerCase().includes(term)),
		);
		return { patients: rows.slice(0, max), totalcount: Math.min(rows.length, max) };
	});
	route('GET', '/patients/enhancedbestmatch', (ctx) => {
		const q = ctx.params;
		const need = ['firstname', 'lastname', 'dob'].filter((f) => !q[f]);
		if (need.length) missing(...need);
		if (dayOf(q.dob) === undefined) invalid(`Expecting format date, but value is ${q.dob}`);
		const min = Number(q.minscore ?? 0);
		const scored = [...state.patients.values()]
			.filter((p) => p.status !== 'deleted')
			.map((p) => {
				let score = 0;
				if (fold(p.lastname) === fold(q.lastname)) score += 10;
				if (fold(p.firstname) === fold(q.firstname)) score += 7;
				if (dayOf(p.dob) === dayOf(q.dob)) score += 6;
				if (q.zip && String(p.zip).slice(0, 5) === String(q.zip).slice(0, 5)) score += 2;
				if (q.email && String(p.email).toLowerCase() === String(q.email).toLowerCase()) score += 3;
				return { ...p, score: String(score) };
			})
			.filter((p) => Number(p.score) >= Math.max(min, truthy(q.returnbestmatches) ? 16 : 13))
			.sort((a, b) => Number(b.score) - Number(a.score));
		return scored.slice(0, 5);
	});
	route('GET', '/patients/(\\d+)', (ctx) => {
		const p = patient(ctx.m[2]);
		if (ctx.params.departmentid && !department(ctx.params.departmentid))
			fail(400, { error: 'The Patient ID or Department ID is invalid.' });
		return [{ ...p, ...sb.patientExtras?.(p.patientid, ctx.params) }];
	});
	route('POST', '/patients', (ctx) => {
		const q = ctx.params;
		const need = ['firstname', 'lastname', 'dob', 'departmentid'].filter((f) => !q[f]);
		if (need.length)
			fail(400, {
				invalidfields: [],
				missingfields: need,
				error: 'Additional fields are required.',
			});
		if (
			!['email', 'guarantoremail', 'ssn', 'homephone', 'mobilephone', 'workphone', 'zip'].some(
				(f) => q[f],
			)
		)
			fail(400, {
				detailedmessage:
					'At least one of email, guarantoremail, ssn, homephone, mobilephone, workphone or zip is required.',
				error: 'Additional fields are required.',
			});
		validatePatientFields(q);
		if (!department(q.departmentid)) fail(400, { error: 'The department ID is invalid.' });
		if (!truthy(q.bypasspatientmatching)) {
			// athena's best match ignores accents and case: "Jose Muller" matches "José Müller"
			const match = [...state.patients.values()].find(
				(p) =>
					p.status !== 'deleted' &&
					fold(p.firstname) === fold(q.firstname) &&
					fold(p.lastname) === fold(q.lastname) &&
					dayOf(p.dob) === dayOf(q.dob),
			);
			if (match) return [{ patientid: match.patientid }];
		}
		const id = String(state.nextPatientId++);
		const rec = {
			patientid: id,
			status: 'active',
			primarydepartmentid: q.departmentid,
			race: [],
			registrationdate: athenaDate(parts(new Date())),
		};
		for (const f of PATIENT_FIELDS) if (q[f] !== undefined) rec[f] = q[f];
		touch(rec);
		state.patients.set(id, rec);
		sb.changed(ctx.practice, 'patients', 'AddPatient', rec);
		return [{ patientid: id }];
	});
	route('PUT', '/patients/(\\d+)', (ctx) => {
		const p = patient(ctx.m[2]);
		validatePatientFields(ctx.params);
		for (const f of PATIENT_FIELDS) if (ctx.params[f] !== undefined) p[f] = ctx.params[f];
		touch(p);
		sb.changed(
			ctx.practice,
			'patients',
			p.status === 'deleted' ? 'DeletePatient' : 'UpdatePatient',
			p,
		);
		return [{ patientid: p.patientid }];
	});

	// ---- appointments
	route('GET', '/appointments/open', (ctx) => {
		const q = ctx.params;
		if (!q.departmentid) missing('departmentid');
		const reasons = list(q.reasonid);
		if (!q.appointmenttypeid && !reasons) return { totalcount: 0, appointments: [] };
		if (reasons && !reasons.includes('-1') && !q.providerid) missing('providerid');
		const start = q.startdate ? dayOf(q.startdate) : sb.today();
		const end = q.enddate ? dayOf(q.enddate) : start + 7;
		if (start === undefined) invalid(`Expecting format date, but value is ${q.startdate}`);
		if (end === undefined) invalid(`Expecting format date, but value is ${q.enddate}`);
		const depts = list(q.departmentid);
		const provs = list(q.providerid);
		const earliest = Date.now() + 24 * 3600 * 1000;
		const rows = [...state.appointments.values()].filter((a) => {
			if (a.appointmentstatus !== 'o' || !depts.includes(a.departmentid)) return false;
			const day = dayOf(a.date);
			if (day < start || day > end) return false;
			if (provs && !provs.includes(a.providerid)) return false;
			if (q.appointmenttypeid && a.appointmenttypeid !== q.appointmenttypeid) return false;
			if (reasons && !reasons.includes('-1') && !a.reasonid.some((r) => reasons.includes(r)))
				return false;
			if (a.frozen === 'true' && !truthy(q.showfrozenslots)) return false;
			if (!truthy(q.bypassscheduletimechecks)) {
				const startsAt =
					day * 86400000 +
					Number(a.starttime.slice(0, 2)) * 3600000 +
					Number(a.starttime.slice(3)) * 60000 +
					5 * 3600000;
				if (startsAt < earliest || day > sb.today() + 90) return false;
			}
			return true;
		});
		rows.sort(byStart);
		return listResponse(ctx, 'appointments', rows, 'big');
	});
	route('POST', '/appointments/open', (ctx) => {
		const q = ctx.params;
		const need = ['departmentid', 'providerid', 'appointmentdate', 'appointmenttime'].filter(
			(f) => !q[f],
		);
		if (need.length) missing(...need);
		if (!q.appointmenttypeid && !q.reasonid)
			fail(400, {
				detailedmessage: 'An appointment type or reason must be provided.',
				error: 'Additional fields are required.',
			});
		if (dayOf(q.appointmentdate) === undefined)
			invalid(`Expecting format date, but value is ${q.appointmentdate}`);
		const type =
			state.appointmenttypes.find((t) => t.appointmenttypeid === q.appointmenttypeid) ||
			state.appointmenttypes[0];
		const ids = {};
		for (const time of list(q.appointmenttime)) {
			if (!/^\d{2}:\d{2}$/.test(time)) invalid(`Expecting format HH24:MI, but value is ${time}`);
			const id = String(state.nextAppointmentId++);
			const appt = {
				appointmentid: id,
				date: q.appointmentdate,
				starttime: time,
				duration: type.duration,
				departmentid: q.departmentid,
				providerid: q.providerid,
				appointmenttypeid: type.appointmenttypeid,
				appointmenttype: type.name,
				patientappointmenttypename: type.patientdisplayname,
				appointmentstatus: 'o',
				reasonid: q.reasonid ? list(q.reasonid) : [],
				frozen: 'false',
			};
			touch(appt);
			state.appointments.set(id, appt);
			sb.changed(ctx.practice, 'appointments', 'AddAppointmentSlot', appt);
			ids[id] = time;
		}
		return { appointmentids: ids };
	});
	route('GET', '/appointments/booked', (ctx) => {
		const q = ctx.params;
		const need = ['startdate', 'enddate'].filter((f) => !q[f]);
		if (need.length) missing(...need);
		const start = dayOf(q.startdate);
		const end = dayOf(q.enddate);
		if (start === undefined || end === undefined)
			invalid(
				`Expecting format date, but value is ${start === undefined ? q.startdate : q.enddate}`,
			);
		const fromLm = q.startlastmodified ? sb.parseAthenaDateTime(q.startlastmodified) : undefined;
		if (q.endlastmodified && !q.startlastmodified) missing('startlastmodified');
		const toLm = q.endlastmodified ? sb.parseAthenaDateTime(q.endlastmodified) : undefined;
		const depts = list(q.departmentid);
		const provs = list(q.providerid);
		const pats = list(q.patientid);
		const statuses = list(q.appointmentstatus);
		const showCancelled = truthy(q.showcancelled);
		const rows = [];
		for (const a of state.appointments.values()) {
			if (a.appointmentstatus === 'o') continue;
			if (a.appointmentstatus === 'x' && !showCancelled && !(statuses && statuses.includes('x')))
				continue;
			const day = dayOf(a.date);
			if (day < start || day > end) continue;
			if (depts && !depts.includes(a.departmentid)) continue;
			if (provs && !provs.includes(a.providerid)) continue;
			if (pats && !pats.includes(a.patientid)) continue;
			if (q.appointmenttypeid && a.appointmenttypeid !== q.appointmenttypeid) continue;
			if (statuses && !statuses.includes(a.appointmentstatus)) continue;
			if (fromLm !== undefined || toLm !== undefined) {
				const lm = sb.parseAthenaDateTime(a.lastmodified);
				if (fromLm !== undefined && lm < fromLm) continue;
				if (toLm !== undefined && lm > toLm) continue;
			}
			rows.push(a);
		}
		rows.sort(byStart);
		return listResponse(ctx, 'appointments', rows, 'big', {}, (a) =>
			withPatient(a, truthy(q.showpatientdetail)),
		);
	});
	route('GET', '/appointments/(\\d+)', (ctx) => [
		withPatient(appointment(ctx.m[2]), truthy(ctx.params.showpatientdetail)),
	]);
	route('PUT', '/appointments/(\\d+)', (ctx) => {
		const q = ctx.params;
		const appt = appointment(ctx.m[2]);
		if (!q.patientid) missing('patientid');
		if (!q.appointmenttypeid && !q.reasonid)
			fail(400, {
				detailedmessage: 'An appointment type or reason must be provided.',
				error: 'Additional fields are required.',
			});
		patient(q.patientid);
		if (appt.appointmentstatus !== 'o' || appt.frozen === 'true') {
			fail(409, {
				detailedmessage:
					'The appointment ID is already booked or is not marked as being available to be scheduled via the API.',
				error: 'That appointment time was already booked or not available for booking.',
			});
		}
		const type = q.appointmenttypeid
			? state.appointmenttypes.find((t) => t.appointmenttypeid === q.appointmenttypeid)
			: undefined;
		if (q.appointmenttypeid && !type)
			invalid(`The appointment type ${q.appointmenttypeid} does not exist.`);
		Object.assign(appt, {
			appointmentstatus: 'f',
			patientid: String(q.patientid),
			scheduledby: `API-${sb.clientNumber}`,
			scheduleddatetime: nowText(),
		});
		if (type)
			Object.assign(appt, {
				appointmenttypeid: type.appointmenttypeid,
				appointmenttype: type.name,
				patientappointmenttypename: type.patientdisplayname,
			});
		if (q.reasonid) appt.reasonid = list(q.reasonid);
		if (q.bookingnote) sb.addNote(appt.appointmentid, q.bookingnote);
		touch(appt);
		sb.changed(ctx.practice, 'appointments', 'ScheduleAppointment', appt);
		return [{ ...appt }];
	});
	route('DELETE', '/appointments/(\\d+)', (ctx) => {
		const appt = appointment(ctx.m[2]);
		if (appt.appointmentstatus !== 'o')
			fail(400, { error: 'Only open appointment slots can be deleted.' });
		state.appointments.delete(appt.appointmentid);
		sb.changed(ctx.practice, 'appointments', 'DeleteAppointment', {
			...appt,
			appointmentstatus: 'o',
			deleted: 'true',
		});
		return { success: 'true' };
	});
	const cancel = (ctx, appt, reasonId, reasonText) => {
		const reason =
			state.cancelReasons.find((r) => r.appointmentcancelreasonid === String(reasonId ?? '-5')) ||
			state.cancelReasons[0];
		Object.assign(appt, {
			appointmentstatus: 'x',
			cancelleddatetime: nowText(),
			cancelledby: `API-${sb.clientNumber}`,
			cancelreasonid: reason.appointmentcancelreasonid,
			cancelreasonname: reason.name,
			cancelreasonnoshow: reason.noshow,
			cancelreasonslotavailable: reason.slotavailable,
		});
		sb.addNote(
			appt.appointmentid,
			`API appointment cancellation. Reported reason for cancellation: ${reasonText || reason.name}`,
		);
		touch(appt);
		sb.changed(ctx.practice, 'appointments', 'CancelAppointment', appt);
	};
	route('PUT', '/appointments/(\\d+)/cancel', (ctx) => {
		const q = ctx.params;
		const appt = appointment(ctx.m[2]);
		if (!q.patientid) missing('patientid');
		if (appt.patientid !== String(q.patientid))
			fail(400, { error: 'The patient ID does not match the appointment.' });
		if (appt.appointmentstatus === 'x')
			fail(400, { error: 'The appointment is already cancelled.' });
		if (['2', '3', '4'].includes(appt.appointmentstatus))
			fail(400, { error: 'The appointment is either already canceled or checked in.' });
		cancel(ctx, appt, q.appointmentcancelreasonid, q.cancellationreason);
		return { status: 'x' };
	});
	route('PUT', '/appointments/(\\d+)/reschedule', (ctx) => {
		const q = ctx.params;
		const need = ['newappointmentid', 'patientid'].filter((f) => !q[f]);
		if (need.length) missing(...need);
		const old = appointment(ctx.m[2]);
		const next = appointment(q.newappointmentid);
		if (old.patientid !== String(q.patientid) || old.appointmentstatus !== 'f')
			fail(400, { error: 'The appointment cannot be rescheduled.' });
		if (next.appointmentstatus !== 'o')
			fail(409, {
				detailedmessage:
					'The appointment ID is already booked or is not marked as being available to be scheduled via the API.',
				error: 'That appointment time was already booked or not available for booking.',
			});
		Object.assign(next, {
			appointmentstatus: 'f',
			patientid: old.patientid,
			appointmenttypeid: old.appointmenttypeid,
			appointmenttype: old.appointmenttype,
			scheduledby: `API-${sb.clientNumber}`,
			scheduleddatetime: nowText(),
			rescheduledfromappointmentid: old.appointmentid,
		});
		touch(next);
		old.rescheduledappointmentid = next.appointmentid;
		cancel(ctx, old, q.appointmentcancelreasonid, q.reschedulereason || 'Rescheduled');
		sb.changed(ctx.practice, 'appointments', 'ScheduleAppointment', next);
		return [
			{
				appointmentid: next.appointmentid,
				departmentid: next.departmentid,
				providerid: next.providerid,
				appointmentstatus: 'f',
				duration: next.duration,
				patientid: next.patientid,
				appointmenttypeid: next.appointmenttypeid,
				date: next.date,
				starttime: next.starttime,
			},
		];
	});

	// ---- check-in / check-out
	const alreadyIn = () => fail(404, { error: 'This appointment has already been checked in.' });
	route('GET', '/appointments/(\\d+)/checkin', (ctx) => {
		const appt = appointment(ctx.m[2]);
		const p = state.patients.get(appt.patientid) || {};
		return [
			{ name: 'Check In', required: true, complete: appt.appointmentstatus === '2', fields: [] },
			{
				name: 'Patient Information',
				required: true,
				complete: Boolean(p.state && p.zip),
				fields: [
					{
						field: 'state',
						valid: Boolean(p.state),
						...(p.state ? {} : { error: 'A State is required.' }),
					},
					{
						field: 'zip',
						valid: Boolean(p.zip),
						...(p.zip ? {} : { error: 'A Zip is required.' }),
					},
				],
			},
			{ name: 'Insurance', required: false, complete: false, fields: [] },
		];
	});
	route('POST', '/appointments/(\\d+)/startcheckin', (ctx) => {
		const appt = appointment(ctx.m[2]);
		if (['2', '3', '4'].includes(appt.appointmentstatus)) alreadyIn();
		if (appt.appointmentstatus !== 'f')
			fail(400, { error: 'The appointment is either already canceled or checked in.' });
		appt.startcheckin = nowText();
		return { success: 'true' };
	});
	route('POST', '/appointments/(\\d+)/cancelcheckin', (ctx) => {
		const appt = appointment(ctx.m[2]);
		if (['2', '3', '4'].includes(appt.appointmentstatus)) alreadyIn();
		delete appt.startcheckin;
		return { success: 'true' };
	});
	route('POST', '/appointments/(\\d+)/checkin', (ctx) => {
		const appt = appointment(ctx.m[2]);
		if (['2', '3', '4'].includes(appt.appointmentstatus)) alreadyIn();
		if (appt.appointmentstatus !== 'f')
			fail(400, { error: 'The appointment is either already canceled or checked in.' });
		if (!appt.startcheckin)
			return {
				success: 'false',
				errormessage: 'Check-in has not been started for this appointment.',
			};
		Object.assign(appt, {
			appointmentstatus: '2',
			stopcheckin: nowText(),
			encounterid: String(Number(appt.appointmentid) + 1000000),
			encounterstatus: 'READYFORSTAFF',
		});
		touch(appt);
		sb.changed(ctx.practice, 'appointments', 'CheckIn', appt);
		return { success: 'true', message: 'Check-in complete.' };
	});
	route('POST', '/appointments/(\\d+)/checkout', (ctx) => {
		const appt = appointment(ctx.m[2]);
		if (appt.appointmentstatus !== '2')
			return {
				success: 'false',
				errormessage: 'The appointment must be checked in before it can be checked out.',
			};
		Object.assign(appt, {
			appointmentstatus: '3',
			checkoutdatetime: nowText(),
			encounterstatus: 'CHECKEDOUT',
		});
		touch(appt);
		sb.changed(ctx.practice, 'appointments', 'CheckOut', appt);
		return { success: 'true', errormessage: '' };
	});

	// ---- appointment notes
	route('GET', '/appointments/(\\d+)/notes', (ctx) => {
		appointment(ctx.m[2]);
		return listResponse(ctx, 'notes', state.notes.get(ctx.m[2]) || []);
	});
	route('POST', '/appointments/(\\d+)/notes', (ctx) => {
		appointment(ctx.m[2]);
		if (!ctx.params.notetext) missing('notetext');
		sb.addNote(ctx.m[2], ctx.params.notetext, truthy(ctx.params.displayonschedule));
		return { success: 'true' };
	});

	// ---- appointment reminders (recall ticklers, not notifications)
	const reminder = (id) => {
		const r = state.reminders.get(String(id));
		if (!r) fail(404, { error: 'The appointment reminder ID is invalid.' });
		return r;
	};
	route('GET', '/appointments/appointmentreminders', (ctx) => {
		const q = ctx.params;
		const need = ['departmentid', 'startdate', 'enddate'].filter((f) => !q[f]);
		if (need.length) missing(...need);
		const start = dayOf(q.startdate);
		const end = dayOf(q.enddate);
		if (start === undefined || end === undefined) invalid('Expecting format date');
		const rows = [...state.reminders.values()].filter(
			(r) =>
				r.departmentid === String(q.departmentid) &&
				dayOf(r.approximatedate) >= start &&
				dayOf(r.approximatedate) <= end &&
				(!q.patientid || r.patientid === String(q.patientid)) &&
				(!q.providerid || r.providerid === String(q.providerid)) &&
				(!q.appointmenttypeid || r.appointmenttypeid === String(q.appointmenttypeid)) &&
				(r.status !== 'Deleted' || truthy(q.showdeleted)),
		);
		return listResponse(ctx, 'reminders', rows);
	});
	route('POST', '/appointments/appointmentreminders', (ctx) => {
		const q = ctx.params;
		if (!q.patientid)
			fail(400, { error: 'A patient ID must be provided to create an appointment reminder.' });
		const need = ['approximatedate', 'departmentid'].filter((f) => !q[f]);
		if (need.length) missing(...need);
		if (dayOf(q.approximatedate) === undefined)
			invalid(`Expecting format date, but value is ${q.approximatedate}`);
		patient(q.patientid);
		const id = String(13000 + state.reminders.size + 1);
		state.reminders.set(id, {
			appointmentreminderid: id,
			patientid: String(q.patientid),
			departmentid: String(q.departmentid),
			approximatedate: q.approximatedate,
			status: 'Scheduled',
			...(q.appointmenttypeid ? { appointmenttypeid: q.appointmenttypeid } : {}),
			...(q.providerid ? { providerid: q.providerid } : {}),
			...(q.note ? { note: q.note } : {}),
			...(q.patientinstructions ? { patientinstructions: q.patientinstructions } : {}),
		});
		return { success: 'true', appointmentreminderid: id };
	});
	route('GET', '/appointments/appointmentreminders/(\\d+)', (ctx) => ({ ...reminder(ctx.m[2]) }));
	route('PUT', '/appointments/appointmentreminders/(\\d+)', (ctx) => {
		const r = reminder(ctx.m[2]);
		for (const f of [
			'approximatedate',
			'note',
			'patientinstructions',
			'providerid',
			'appointmenttypeid',
		])
			if (ctx.params[f] !== undefined) r[f] = ctx.params[f];
		return { success: 'true' };
	});
	route('DELETE', '/appointments/appointmentreminders/(\\d+)', (ctx) => {
		const r = reminder(ctx.m[2]);
		if (r.status === 'Deleted')
			fail(400, { error: 'That appointment reminder has already been deleted.' });
		r.status = 'Deleted';
		return { success: 'true' };
	});
	// POST /chart/{id}/problems (a documented HTTP-200 failure body) is in chartWrites.js.
	// A documented bare-value endpoint: 1 on success, a bare string on failure.
	route('PUT', '/appointments/booked/(\\d+)', (ctx) => {
		const appt = appointment(ctx.m[2]);
		if (
			ctx.params.providerid &&
			!state.providers.some((p) => p.providerid === String(ctx.params.providerid))
		)
			return 'Invalid PROVIDERID input';
		for (const f of ['appointmenttypeid', 'departmentid', 'providerid'])
			if (ctx.params[f]) appt[f] = String(ctx.params[f]);
		touch(appt);
		sb.changed(ctx.practice, 'appointments', 'UpdateAppointment', appt);
		return 1;
	});
}

module.exports = { register, AthenaError, fail, missing, truthy, list };
