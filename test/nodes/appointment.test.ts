// Appointment, reminder, reason and subscription operations through n8n's engine against the sandbox.
import { runNodes, sandboxCredentials, type MemoryCredentials } from '../harness/n8n';
import { control, counters, fault, sandbox, settings, type Sandbox } from '../harness/sandbox';

let sb: Sandbox;
let creds: MemoryCredentials;
beforeAll(async () => {
	sb = await sandbox({ booked: 3200, openSlots: 400, daysBack: 10, days: 40 });
	creds = sandboxCredentials({ url: sb.url });
});
afterAll(() => sb.close());
beforeEach(async () => {
	await settings(sb, { qps: 0, pageCap: 0 });
	await control(sb, 'DELETE', '/_control/faults');
	await control(sb, 'POST', '/_control/reset-counters');
});

const appt = (operation: string, p: object = {}) => ({ resource: 'appointment', operation, ...p });
const byId = (value: string) => ({ __rl: true, mode: 'id', value });
const openSlots = () =>
	[...sb.state.appointments.values()].filter((a: any) => a.appointmentstatus === 'o');
const iso = (athena: string) => `${athena.slice(6)}-${athena.slice(0, 2)}-${athena.slice(3, 5)}`;

test("Get Open Slots explains athena's parameter rules before calling", async () => {
	const none = await runNodes(creds, [
		{ parameters: appt('getOpenSlots', { departmentId: byId('1'), returnAll: true }) },
	]);
	expect(none.error?.message).toBe('Choose an Appointment Type or a Reason ID');
	const reasonOnly = await runNodes(creds, [
		{
			parameters: appt('getOpenSlots', {
				departmentId: byId('1'),
				reasonId: '563',
				returnAll: true,
			}),
		},
	]);
	expect(reasonOnly.error?.message).toBe('Choose a Provider when searching by Reason ID');
	expect((await counters(sb)).requests).toBe(0);
});

test("Get Open Slots returns the department's open slots of that type in the window", async () => {
	const slot = openSlots().find((a: any) => a.departmentid === '1');
	const { output, error } = await runNodes(creds, [
		{
			parameters: appt('getOpenSlots', {
				departmentId: byId('1'),
				appointmentTypeId: byId(slot.appointmenttypeid),
				startDate: iso(slot.date),
				endDate: iso(slot.date),
				options: { bypassscheduletimechecks: true },
				returnAll: true,
			}),
		},
	]);
	expect(error).toBeUndefined();
	const ids = output('athenahealth').map((i) => i.json.appointmentid);
	const expected = openSlots()
		.filter(
			(a: any) =>
				a.departmentid === '1' &&
				a.appointmenttypeid === slot.appointmenttypeid &&
				a.date === slot.date,
		)
		.map((a: any) => a.appointmentid);
	expect(ids.sort()).toEqual(expected.sort());
	expect(output('athenahealth')[0].json.dateIso).toBe(iso(slot.date));
});

test('Book, then booking the same slot again is a clear 409 error', async () => {
	const slot = openSlots()[0];
	const booked = await runNodes(creds, [
		{
			parameters: appt('book', {
				appointmentId: slot.appointmentid,
				patientId: byId('1'),
				appointmentTypeId: byId(slot.appointmenttypeid),
			}),
		},
	]);
	expect(booked.error).toBeUndefined();
	expect(booked.output('athenahealth')[0].json).toMatchObject({
		appointmentid: slot.appointmentid,
		patientid: '1',
		appointmentstatus: 'f',
	});
	const again = await runNodes(creds, [
		{
			parameters: appt('book', {
				appointmentId: slot.appointmentid,
				patientId: byId('2'),
				appointmentTypeId: byId(slot.appointmenttypeid),
			}),
		},
	]);
	expect(again.error?.message).toBe(
		`Slot ${slot.appointmentid} is already booked or cannot be booked through the API`,
	);
	expect(again.error?.httpCode).toBe('409');
	expect(sb.state.appointments.get(slot.appointmentid).patientid).toBe('1');
});

test("Booking through a timeout that hid athena's answer results in exactly one appointment", async () => {
	const slot = openSlots()[1];
	// athena books, then the answer is lost: the client times out after 1 s
	await fault(sb, {
		method: 'PUT',
		path: `/appointments/${slot.appointmentid}$`,
		phase: 'after',
		delayMs: 2500,
	});
	const { output, error } = await runNodes(creds, [
		{
			parameters: appt('book', {
				appointmentId: slot.appointmentid,
				patientId: byId('7'),
				appointmentTypeId: byId(slot.appointmenttypeid),
				options: { timeout: 1000 },
			}),
		},
	]);
	expect(error).toBeUndefined();
	expect(output('athenahealth')[0].json).toMatchObject({
		appointmentid: slot.appointmentid,
		patientid: '7',
		recoveredAfterUnconfirmedBooking: true,
	});
	const c = await counters(sb);
	expect(c.byPath['PUT /v1/{id}/appointments/{id}']).toBe(1); // never sent twice
	expect(
		[...sb.state.appointments.values()].filter(
			(a: any) =>
				a.patientid === '7' &&
				a.scheduledby === 'API-2530' &&
				a.appointmentid === slot.appointmentid,
		),
	).toHaveLength(1);
});

test('Booking a slot that is lost to a 503 is not repeated and stays an error when nothing was booked', async () => {
	const slot = openSlots()[2];
	await fault(sb, { method: 'PUT', path: `/appointments/${slot.appointmentid}$`, status: 503 });
	const { error } = await runNodes(creds, [
		{
			parameters: appt('book', {
				appointmentId: slot.appointmentid,
				patientId: byId('7'),
				appointmentTypeId: byId(slot.appointmenttypeid),
			}),
		},
	]);
	expect(error?.httpCode).toBe('503');
	expect(sb.state.appointments.get(slot.appointmentid).appointmentstatus).toBe('o');
});

test('Reschedule moves the booking; Cancel cancels; Get shows the result', async () => {
	const [from, to] = openSlots()
		.filter((a: any) => a.departmentid === '1')
		.slice(0, 2);
	await runNodes(creds, [
		{
			parameters: appt('book', {
				appointmentId: from.appointmentid,
				patientId: byId('2'),
				appointmentTypeId: byId(from.appointmenttypeid),
			}),
		},
	]);
	const moved = await runNodes(creds, [
		{
			parameters: appt('reschedule', {
				appointmentId: from.appointmentid,
				newAppointmentId: to.appointmentid,
				patientId: byId('2'),
			}),
		},
	]);
	expect(moved.error).toBeUndefined();
	expect(moved.output('athenahealth')[0].json).toMatchObject({
		appointmentid: to.appointmentid,
		patientid: '2',
		previousappointmentid: from.appointmentid,
	});
	const cancelled = await runNodes(creds, [
		{
			parameters: appt('cancel', {
				appointmentId: to.appointmentid,
				patientId: byId('2'),
				options: { cancellationreason: 'Patient called' },
			}),
		},
	]);
	expect(cancelled.output('athenahealth')[0].json).toMatchObject({
		appointmentid: to.appointmentid,
		appointmentstatus: 'x',
	});
	const got = await runNodes(creds, [
		{ parameters: appt('get', { appointmentId: to.appointmentid, showpatientdetail: true }) },
	]);
	expect(got.output('athenahealth')[0].json).toMatchObject({
		appointmentstatus: 'x',
		cancelledby: 'API-2530',
		patient: { patientid: '2' },
	});
	expect(got.output('athenahealth')[0].json.cancelleddatetimeIso).toMatch(/^\d{4}-\d{2}-\d{2}T/);
});

test("Check In runs athena's steps and reports unmet requirements; Check Out follows; twice is athena's 404", async () => {
	const booked = [...sb.state.appointments.values()].find((a: any) => a.appointmentstatus === 'f');
	sb.state.patients.get(booked.patientid).state = '';
	const strict = await runNodes(creds, [
		{ parameters: appt('checkIn', { appointmentId: booked.appointmentid, strict: true }) },
	]);
	expect(strict.error?.message).toBe(
		`Appointment ${booked.appointmentid} has unmet check-in requirements`,
	);
	expect(strict.error?.description).toMatch(/A State is required/);
	const lenient = await runNodes(creds, [
		{ parameters: appt('checkIn', { appointmentId: booked.appointmentid }) },
	]);
	expect(lenient.output('athenahealth')[0].json).toMatchObject({
		checkedIn: true,
		unmetRequirements: [{ step: 'Patient Information', fields: ['A State is required.'] }],
	});
	expect(sb.state.appointments.get(booked.appointmentid).appointmentstatus).toBe('2');
	const twice = await runNodes(creds, [
		{ parameters: appt('checkIn', { appointmentId: booked.appointmentid }) },
	]);
	expect(twice.error?.message).toBe('This appointment has already been checked in.');
	const out = await runNodes(creds, [
		{ parameters: appt('checkOut', { appointmentId: booked.appointmentid }) },
	]);
	expect(out.error).toBeUndefined();
	expect(sb.state.appointments.get(booked.appointmentid).appointmentstatus).toBe('3');
});

test('Add Note and Get Notes', async () => {
	const a = [...sb.state.appointments.values()][5];
	await runNodes(creds, [
		{
			parameters: appt('addNote', {
				appointmentId: a.appointmentid,
				notetext: 'Bring insurance card – ñ',
				displayonschedule: true,
			}),
		},
	]);
	const { output } = await runNodes(creds, [
		{ parameters: appt('getNotes', { appointmentId: a.appointmentid }) },
	]);
	expect(output('athenahealth').map((i) => i.json.notetext)).toContain('Bring insurance card – ñ');
	const empty = await runNodes(creds, [
		{ parameters: appt('addNote', { appointmentId: a.appointmentid, notetext: '  ' }) },
	]);
	expect(empty.error?.message).toBe('Note is empty');
});

test('Create Open Slot creates one slot per time', async () => {
	const { output, error } = await runNodes(creds, [
		{
			parameters: appt('createOpenSlot', {
				departmentId: byId('1'),
				providerId: byId('71'),
				date: '2027-01-04',
				times: '8:00, 08:15',
				appointmentTypeId: byId('2'),
			}),
		},
	]);
	expect(error).toBeUndefined();
	expect(output('athenahealth').map((i) => i.json.starttime)).toEqual(['08:00', '08:15']);
	for (const item of output('athenahealth'))
		expect(sb.state.appointments.get(item.json.appointmentid)).toMatchObject({
			appointmentstatus: 'o',
			date: '01/04/2027',
		});
	const bad = await runNodes(creds, [
		{
			parameters: appt('createOpenSlot', {
				departmentId: byId('1'),
				providerId: byId('71'),
				date: '2027-01-04',
				times: '25:00',
				appointmentTypeId: byId('2'),
			}),
		},
	]);
	expect(bad.error?.message).toBe('Times must be 24-hour HH:MM values');
});

test('Get Many Booked: Return All over 3,000 appointments at 5 requests/s, every record once, no 429', async () => {
	// athena caps a page at the endpoint maximum; a lower cap here makes 3,200 records several pages
	await settings(sb, { qps: 5, pageCap: 500 });
	const slow = sandboxCredentials({ url: sb.url, requestsPerSecond: 5 });
	const expected = [...sb.state.appointments.values()]
		.filter((a: any) => a.appointmentstatus !== 'o' && a.appointmentstatus !== 'x')
		.map((a: any) => a.appointmentid);
	expect(expected.length).toBeGreaterThan(3000);
	const { output, error } = await runNodes(slow, [
		{
			parameters: appt('getManyBooked', {
				startDate: '2020-01-01',
				endDate: '2030-12-31',
				returnAll: true,
			}),
		},
	]);
	expect(error).toBeUndefined();
	const ids = output('athenahealth').map((i) => i.json.appointmentid as string);
	expect(ids).toHaveLength(expected.length);
	expect(new Set(ids).size).toBe(ids.length);
	expect([...ids].sort()).toEqual([...expected].sort());
	const c = await counters(sb);
	expect(c.served429).toBe(0);
	expect(c.byPath['GET /v1/{id}/appointments/booked']).toBe(Math.ceil(expected.length / 500));
});

test('Get Many Booked filters by patient, with patient details for reminders', async () => {
	const a = [...sb.state.appointments.values()].find((x: any) => x.appointmentstatus === 'f');
	const { output } = await runNodes(creds, [
		{
			parameters: appt('getManyBooked', {
				startDate: iso(a.date),
				endDate: iso(a.date),
				patientId: byId(a.patientid),
				options: { showpatientdetail: true },
				returnAll: true,
			}),
		},
	]);
	expect(output('athenahealth').length).toBeGreaterThan(0);
	for (const item of output('athenahealth')) {
		expect(item.json.patientid).toBe(a.patientid);
		expect((item.json.patient as any).mobilephone).toBeDefined();
	}
});

test("Appointment reminders: create, get, get many, delete (twice is athena's error)", async () => {
	const created = await runNodes(creds, [
		{
			parameters: {
				resource: 'appointmentReminder',
				operation: 'create',
				patientId: byId('1'),
				departmentId: byId('1'),
				approximateDate: '2027-05-01',
				additionalFields: { note: 'Annual' },
			},
		},
	]);
	const id = created.output('athenahealth')[0].json.appointmentreminderid as string;
	expect(id).toMatch(/^\d+$/);
	const got = await runNodes(creds, [
		{ parameters: { resource: 'appointmentReminder', operation: 'get', reminderId: id } },
	]);
	expect(got.output('athenahealth')[0].json).toMatchObject({
		appointmentreminderid: id,
		approximatedate: '05/01/2027',
		approximatedateIso: '2027-05-01',
		note: 'Annual',
	});
	const many = await runNodes(creds, [
		{
			parameters: {
				resource: 'appointmentReminder',
				operation: 'getAll',
				departmentId: byId('1'),
				startDate: '2027-01-01',
				endDate: '2027-12-31',
				returnAll: true,
			},
		},
	]);
	expect(many.output('athenahealth').map((i) => i.json.appointmentreminderid)).toContain(id);
	const del = await runNodes(creds, [
		{ parameters: { resource: 'appointmentReminder', operation: 'delete', reminderId: id } },
	]);
	expect(del.output('athenahealth')[0].json).toEqual({ appointmentreminderid: id, deleted: true });
	const again = await runNodes(creds, [
		{ parameters: { resource: 'appointmentReminder', operation: 'delete', reminderId: id } },
	]);
	expect(again.error?.message).toBe('That appointment reminder has already been deleted.');
});

test('Reference data: departments, providers, appointment types, reasons', async () => {
	const get = async (resource: string, operation: string, p: object = {}) =>
		(await runNodes(creds, [{ parameters: { resource, operation, ...p } }])).output('athenahealth');
	expect((await get('department', 'getAll', { returnAll: true })).length).toBe(13);
	expect((await get('provider', 'get', { providerId: byId('86') }))[0].json.lastname).toBe('Ahmad');
	expect(
		(await get('appointmentType', 'getAll', { returnAll: true })).map(
			(i) => i.json.appointmenttypeid,
		),
	).toContain('82');
	const reasons = await get('appointmentReason', 'getAll', {
		departmentId: byId('1'),
		providerId: byId('86'),
		returnAll: true,
	});
	expect(reasons.map((i) => i.json.reason)).toContain('Follow Up');
	expect(
		(
			await get('appointmentReason', 'get', {
				departmentId: byId('1'),
				providerId: byId('86'),
				reasonId: '901',
			})
		)[0].json.reason,
	).toBe('Annual Physical');
});

test('Change subscriptions: list events, subscribe, status, unsubscribe', async () => {
	const run = async (operation: string, p: object = {}) =>
		runNodes(creds, [
			{ parameters: { resource: 'subscription', operation, feed: 'appointments', ...p } },
		]);
	expect((await run('listEvents')).output('athenahealth').map((i) => i.json.eventname)).toContain(
		'ScheduleAppointment',
	);
	expect((await run('getStatus')).output('athenahealth')[0].json.status).toBe('INACTIVE');
	await run('subscribe', { eventName: 'CancelAppointment' });
	expect((await run('getStatus')).output('athenahealth')[0].json.status).toBe('PARTIAL');
	await run('subscribe');
	expect((await run('getStatus')).output('athenahealth')[0].json.status).toBe('ACTIVE');
	const bad = await run('subscribe', { departmentIds: '1, x' });
	expect(bad.error?.message).toMatch(/^Department IDs must be a numeric athena ID/);
	await run('unsubscribe');
	expect((await run('getStatus')).output('athenahealth')[0].json.status).toBe('INACTIVE');
});
