// What a user is told after a write whose answer was lost, and where errors go with n8n's
// "On Error: Continue (using error output)". Runs real workflows against the sandbox.
import { runNodes, sandboxCredentials, type MemoryCredentials } from '../harness/n8n';
import { control, counters, fault, sandbox, type Sandbox } from '../harness/sandbox';

let sb: Sandbox;
let creds: MemoryCredentials;
beforeAll(async () => {
	sb = await sandbox({ patients: 60, booked: 60, openSlots: 80, days: 10 });
	creds = sandboxCredentials({ url: sb.url });
});
afterAll(() => sb.close());
beforeEach(async () => {
	await control(sb, 'DELETE', '/_control/faults');
	await control(sb, 'POST', '/_control/reset-counters');
});

const appt = (operation: string, p: object = {}) => ({ resource: 'appointment', operation, ...p });
const byId = (value: string) => ({ __rl: true, mode: 'id', value });
const openSlots = () =>
	[...sb.state.appointments.values()].filter((a: any) => a.appointmentstatus === 'o');
// n8n's own advice for network codes (n8n-workflow COMMON_ERRORS): it must never replace ours
const N8N_ADVICE = /Retry on Fail|retry the request|closed unexpectedly|timed out, consider/i;

/** Waits until the sandbox has applied a write it held back (no upper bound: asserts what happened). */
async function until(check: () => boolean) {
	while (!check()) await new Promise((r) => setTimeout(r, 50));
}

function expectUnconfirmed(
	error: { message: string; description?: string } | undefined,
	what: RegExp,
) {
	expect(error?.message).toMatch(what);
	expect(error?.message).toMatch(/: it may have taken effect$/);
	expect(`${error?.message} ${error?.description}`).not.toMatch(N8N_ADVICE);
	expect(`${error?.message} ${error?.description}`).not.toMatch(/\bE[A-Z_]{4,}\b/); // no network codes
	expect(error?.description).toMatch(/do not repeat it before checking/);
}

test('a booking athena applies after the timeout and after the check: the error says the slot may be booked and how to check', async () => {
	const slot = openSlots()[0];
	// athena holds the PUT for 10 s, then books; the node gives up after 1 s and its check sees an
	// open slot (the long hold keeps the check before the booking even on a loaded machine)
	await fault(sb, {
		method: 'PUT',
		path: `/appointments/${slot.appointmentid}$`,
		phase: 'before',
		delayMs: 10000,
	});
	const { error } = await runNodes(creds, [
		{
			parameters: appt('book', {
				appointmentId: slot.appointmentid,
				patientId: byId('7'),
				appointmentTypeId: byId(slot.appointmenttypeid),
				options: { timeout: 1000 },
			}),
		},
	]);
	expectUnconfirmed(
		error,
		new RegExp(`^athena did not confirm the booking of slot ${slot.appointmentid} for patient 7`),
	);
	expect(error?.description).toMatch(
		new RegExp(`Appointment Get on appointment ${slot.appointmentid}`),
	);
	await until(() => sb.state.appointments.get(slot.appointmentid).appointmentstatus === 'f');
	expect((await counters(sb)).byPath['PUT /v1/{id}/appointments/{id}']).toBe(1); // never sent twice
});

test('a booking lost to a 503 names the slot and keeps the status', async () => {
	const slot = openSlots()[1];
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
	expectUnconfirmed(error, new RegExp(`slot ${slot.appointmentid}`));
	expect(error?.httpCode).toBe('503');
});

test('a late cancel: the error says the appointment may be cancelled', async () => {
	const booked = [...sb.state.appointments.values()].find((a: any) => a.appointmentstatus === 'f');
	await fault(sb, {
		method: 'PUT',
		path: `/appointments/${booked.appointmentid}/cancel$`,
		phase: 'before',
		delayMs: 10000,
	});
	const { error } = await runNodes(creds, [
		{
			parameters: appt('cancel', {
				appointmentId: booked.appointmentid,
				patientId: byId(booked.patientid),
				options: { timeout: 1000 },
			}),
		},
	]);
	expectUnconfirmed(
		error,
		new RegExp(`^athena did not confirm the cancellation of appointment ${booked.appointmentid}`),
	);
	await until(() => sb.state.appointments.get(booked.appointmentid).appointmentstatus === 'x');
});

test('a reschedule lost to a 503 names both appointments and how to check them', async () => {
	const [from, to] = openSlots()
		.filter((x: any) => x.departmentid === '1')
		.slice(5, 7);
	await runNodes(creds, [
		{
			parameters: appt('book', {
				appointmentId: from.appointmentid,
				patientId: byId('2'),
				appointmentTypeId: byId(from.appointmenttypeid),
			}),
		},
	]);
	await fault(sb, {
		method: 'PUT',
		path: `/appointments/${from.appointmentid}/reschedule$`,
		status: 503,
	});
	const { error } = await runNodes(creds, [
		{
			parameters: appt('reschedule', {
				appointmentId: from.appointmentid,
				newAppointmentId: to.appointmentid,
				patientId: byId('2'),
			}),
		},
	]);
	expectUnconfirmed(
		error,
		new RegExp(
			`^athena did not confirm the move of appointment ${from.appointmentid} to slot ${to.appointmentid}`,
		),
	);
});

test('a write without its own check (Add Note) whose answer is lost says which path to check and carry no network code', async () => {
	const a = [...sb.state.appointments.values()].find((x: any) => x.appointmentstatus === 'f');
	await fault(sb, {
		method: 'POST',
		path: `/appointments/${a.appointmentid}/notes$`,
		phase: 'after',
		reset: true,
	});
	const { error } = await runNodes(creds, [
		{ parameters: appt('addNote', { appointmentId: a.appointmentid, notetext: 'x' }) },
	]);
	expect(error?.message).toBe(
		'athena did not confirm this POST (the connection was closed before an answer came); it was not repeated because it may already have taken effect',
	);
	expect(error?.description).toMatch(
		new RegExp(`^Check whether /v1/195900/appointments/${a.appointmentid}/notes took effect`),
	);
	expect(`${error?.message} ${error?.description}`).not.toMatch(N8N_ADVICE);
	expect(`${error?.message} ${error?.description}`).not.toMatch(/\bE[A-Z_]{4,}\b/);
});

test('a write answered HTTP 500 is not repeated and says it may have taken effect', async () => {
	const a = [...sb.state.appointments.values()].find((x: any) => x.appointmentstatus === 'f');
	await fault(sb, {
		method: 'POST',
		path: `/appointments/${a.appointmentid}/notes$`,
		status: 500,
		count: 1,
	});
	const { error } = await runNodes(creds, [
		{ parameters: appt('addNote', { appointmentId: a.appointmentid, notetext: 'x' }) },
	]);
	expect(error?.message).toBe(
		'athena did not confirm this POST (HTTP 500); it was not repeated because it may already have taken effect',
	);
});

const create = (p: object) => ({
	resource: 'patient',
	operation: 'create',
	departmentId: byId('1'),
	additionalFields: { zip: '02139' },
	...p,
});

test('a patient create whose connection drops before athena answers: recovered when the patient is there, never created twice', async () => {
	const before = sb.state.patients.size;
	await fault(sb, { method: 'POST', path: '/patients$', phase: 'after', reset: true });
	const { output, error } = await runNodes(creds, [
		{ parameters: create({ firstname: 'Ada', lastname: 'Lostanswer', dob: '1970-01-02' }) },
	]);
	expect(error).toBeUndefined();
	expect(output('athenahealth')[0].json).toMatchObject({
		created: true,
		matchedExisting: false,
		recoveredAfterUnconfirmedCreate: true,
	});
	expect(sb.state.patients.size).toBe(before + 1);
	expect((await counters(sb)).byPath['POST /v1/{id}/patients']).toBe(1);
});

test('a patient create dropped with nothing visible: the error says the patient may exist and how to look, not to retry', async () => {
	await fault(sb, { method: 'POST', path: '/patients$', phase: 'before', reset: true });
	const { error } = await runNodes(creds, [
		{ parameters: create({ firstname: 'Ada', lastname: 'Neverseen', dob: '1970-01-03' }) },
	]);
	expectUnconfirmed(error, /^athena did not confirm the creation of patient Ada Neverseen/);
	expect(error?.description).toMatch(/Patient Search/);
	expect(
		((await counters(sb)).log as string[]).filter((l) => l === 'POST /v1/195900/patients'),
	).toHaveLength(1);
});

test("Patient Create reports matchedExisting when athena's match ignores accents and case", async () => {
	const first = await runNodes(creds, [
		{
			parameters: create({
				firstname: 'José',
				lastname: 'Müller',
				dob: '1961-05-06',
				additionalFields: { zip: '02139', bypasspatientmatching: true },
			}),
		},
	]);
	const existing = first.output('athenahealth')[0].json.patientid;
	expect(first.output('athenahealth')[0].json).toMatchObject({
		created: true,
		matchedExisting: false,
	});
	for (const [firstname, lastname] of [
		['Jose', 'Muller'],
		['JOSÉ', 'MÜLLER'],
		['José', 'Müller'],
	]) {
		const { output } = await runNodes(creds, [
			{ parameters: create({ firstname, lastname, dob: '05/06/1961' }) },
		]);
		expect(output('athenahealth')[0].json).toMatchObject({
			patientid: existing,
			created: false,
			matchedExisting: true,
		});
		expect(output('athenahealth')[0].json.message).toMatch(/^athena matched existing patient/);
	}
	const fresh = await runNodes(creds, [
		{ parameters: create({ firstname: 'Zoë', lastname: 'Brandnew', dob: '1990-07-08' }) },
	]);
	expect(fresh.output('athenahealth')[0].json).toMatchObject({
		created: true,
		matchedExisting: false,
		message: `Created patient ${fresh.output('athenahealth')[0].json.patientid}`,
	});
});

test('On Error "Continue (using error output)": failed items go to the error output with pairedItem, good ones to the success output', async () => {
	const { run, error } = await runNodes(
		creds,
		[
			{
				parameters: {
					resource: 'patient',
					operation: 'get',
					patientId: { __rl: true, mode: 'id', value: '={{ $json.id }}' },
				},
				onError: 'continueErrorOutput',
			},
		],
		[{ id: '1' }, { id: 'x/../1' }, { id: '999999' }, { id: '2' }],
	);
	expect(error).toBeUndefined();
	const [ok, failed] = run.data.resultData.runData.athenahealth[0].data!.main as Array<
		Array<{ json: any; pairedItem?: unknown }>
	>;
	expect(ok.map((i) => [i.json.patientid, i.pairedItem])).toEqual([
		['1', { item: 0 }],
		['2', { item: 3 }],
	]);
	expect(failed.map((i) => i.pairedItem)).toEqual([{ item: 1 }, { item: 2 }]);
	expect(failed[0].json.error).toMatch(/^Patient must be a numeric athena ID/);
	expect(failed[1].json.error).toEqual(expect.any(String));
});

test('On Error "Continue (regular output)" keeps errors on the one output', async () => {
	const { output } = await runNodes(creds, [
		{
			parameters: { resource: 'patient', operation: 'get', patientId: byId('={{ "x" }}') },
			onError: 'continueRegularOutput',
		},
	]);
	expect(output('athenahealth')).toHaveLength(1);
	expect(output('athenahealth')[0].json).toMatchObject({
		error: expect.stringMatching(/^Patient must be/),
		itemIndex: 0,
	});
});
