// The trigger driven through n8n-core's PollContext against the sandbox's changed-data feeds.
import type { IDataObject } from 'n8n-workflow';

import {
	executions,
	poll,
	pollOnce,
	restart,
	runNodes,
	sandboxCredentials,
	type MemoryCredentials,
} from '../harness/n8n';
import { control, counters, sandbox, scenario, settings, type Sandbox } from '../harness/sandbox';

let sb: Sandbox;
let creds: MemoryCredentials;
beforeAll(async () => {
	sb = await sandbox({ booked: 600, openSlots: 900, patients: 200 });
	creds = sandboxCredentials({ url: sb.url });
});
afterAll(() => sb.close());

const appointments = { event: 'anyAppointmentChange', source: 'feed' };
const patients = { event: 'anyPatientChange', source: 'feed' };
// athena's feeds (and replay windows) belong to the API key: each test is its own app, as two
// workflows on one feed and key would share, and split, its events.
const app = (name: string) =>
	sandboxCredentials({ url: sb.url, clientId: `${name}-client`, clientSecret: `${name}-secret` });
const key = (i: { json: IDataObject }) =>
	`${i.json.event}:${String(i.json.appointmentid ?? i.json.patientid)}`;

/** What each scenario step should make the trigger say. */
function expectedOf(results: IDataObject[]): string[] {
	return results.flatMap((r) => {
		if (r.event === 'Appointment Rescheduled')
			return [
				`Appointment Rescheduled:${r.previousappointmentid}`,
				`Appointment Scheduled:${r.appointmentid}`,
			];
		return [`${r.event}:${r.appointmentid ?? r.patientid}`];
	});
}

test('100 scenario events over 10 polls: each emitted once, with the right event name', async () => {
	const apptState: IDataObject = {};
	const patientState: IDataObject = {};
	expect(await poll(creds, appointments, { staticData: apptState })).toEqual([]); // activation: subscribes
	expect(await poll(creds, patients, { staticData: patientState })).toEqual([]);
	const emitted: string[] = [];
	const expected: string[] = [];
	const actions = [
		'book',
		'book',
		'cancel',
		'reschedule',
		'checkin',
		'updatePatient',
		'addPatient',
		'book',
		'cancel',
		'checkin',
	];
	for (let round = 0; round < 10; round++) {
		const results = await scenario(
			sb,
			actions.map((action) => ({ action })),
		);
		expected.push(...expectedOf(results));
		for (const item of [
			...(await poll(creds, appointments, { staticData: apptState })),
			...(await poll(creds, patients, { staticData: patientState })),
		]) {
			emitted.push(key(item));
			expect(item.json).toMatchObject({ practiceId: '195900', eventRule: expect.any(String) });
		}
	}
	expect(expected).toHaveLength(110); // 100 steps; each reschedule is a cancellation and a booking
	expect(emitted.sort()).toEqual(expected.sort());
	// nothing more arrives later
	expect(await poll(creds, appointments, { staticData: apptState })).toEqual([]);
});

test('cancellations carry the no-show flag', async () => {
	const creds = app('a');
	const state: IDataObject = {};
	await poll(creds, { event: 'appointmentCancelled' }, { staticData: state });
	const booked = [...sb.state.appointments.values()]
		.filter((a: any) => a.appointmentstatus === 'f')
		.slice(0, 2);
	await scenario(sb, [
		{ action: 'cancel', appointmentid: booked[0].appointmentid, noshow: true },
		{ action: 'cancel', appointmentid: booked[1].appointmentid },
	]);
	const items = await poll(creds, { event: 'appointmentCancelled' }, { staticData: state });
	expect(items.map((i) => [i.json.appointmentid, i.json.noShow])).toEqual([
		[booked[0].appointmentid, true],
		[booked[1].appointmentid, false],
	]);
});

test('a crash after the feed was read but before the poll was saved loses nothing and repeats nothing', async () => {
	const creds = app('b');
	const state: IDataObject = {};
	await poll(creds, appointments, { staticData: state });
	const saved = restart(state); // what n8n saved after activation
	const results = await scenario(sb, [
		{ action: 'book' },
		{ action: 'book' },
		{ action: 'checkin' },
		{ action: 'cancel' },
		{ action: 'book' },
	]);
	const lost = await poll(creds, appointments, { staticData: state, outcome: 'unfinished' }); // read, then n8n died before saving
	expect(lost.map(key).sort()).toEqual(expectedOf(results).sort());
	expect((await counters(sb)).queueSizes['b-client|195900|appointments']).toBe(0); // athena marked them processed
	const recovered = await poll(creds, appointments, { staticData: saved }); // n8n restarted with what it saved
	expect(recovered.map(key).sort()).toEqual(expectedOf(results).sort());
	expect(recovered.map((i) => i.json.deliveryKey)).toEqual(lost.map((i) => i.json.deliveryKey));
	expect(await poll(creds, appointments, { staticData: saved })).toEqual([]);
	expect(await poll(creds, appointments, { staticData: restart(saved) })).toEqual([]); // a second restart: nothing again
});

test('a finished execution is saved at once: the trigger emits an empty execution so that n8n saves it', async () => {
	const creds = app('d'); // a client of its own: a replay reaches back a minute
	const state: IDataObject = {};
	await poll(creds, appointments, { staticData: state });
	await scenario(sb, [{ action: 'book' }, { action: 'cancel' }]);
	const execution = (await pollOnce(creds, appointments, { staticData: state }))!;
	const atEmit = restart(state); // what n8n saved when the poll emitted
	execution.finish('success');
	await new Promise((resolve) => setImmediate(resolve));
	expect(
		executions(state)
			.map((e) => e.items.length)
			.slice(-2),
	).toEqual([2, 0]);
	const confirmed = restart(state); // what n8n saves when the empty execution is emitted
	expect(await poll(creds, appointments, { staticData: confirmed })).toEqual([]); // restarted after it: nothing again
	// killed before it: delivered once more, same keys
	expect(
		(await poll(creds, appointments, { staticData: atEmit })).map((i) => i.json.deliveryKey),
	).toEqual(execution.items.map((i) => i.json.deliveryKey));
	// switched off: no empty execution
	const off = { ...appointments, options: { saveFinishedAtOnce: false } };
	const quiet: IDataObject = {};
	await poll(creds, off, { staticData: quiet });
	await scenario(sb, [{ action: 'book' }]);
	await poll(creds, off, { staticData: quiet });
	expect(executions(quiet).map((e) => e.items.length)).toEqual([1]);
});

test('manual mode ("Fetch test event") leaves the feed untouched and never moves the checkpoint', async () => {
	const creds = app('c');
	const state: IDataObject = {};
	await poll(creds, patients, { staticData: state });
	const results = await scenario(sb, [
		{ action: 'addPatient' },
		{ action: 'updatePatient' },
		{ action: 'updatePatient' },
	]);
	const before = JSON.parse(JSON.stringify(state));
	const sample = await poll(creds, patients, { mode: 'manual', staticData: state });
	expect(sample.length).toBeGreaterThan(0);
	expect(sample.length).toBeLessThanOrEqual(5);
	expect(state).toEqual(before);
	expect((await counters(sb)).queueSizes['c-client|195900|patients']).toBe(3);
	const real = await poll(creds, patients, { staticData: state });
	expect(real.map(key).sort()).toEqual(expectedOf(results).sort());
});

test('a missing subscription is created on activation, for exactly the events needed; manual tests never subscribe', async () => {
	const fresh = sandboxCredentials({
		url: sb.url,
		clientId: 'fresh-client',
		clientSecret: 'fresh-secret',
	});
	const manual = await poll(fresh, { event: 'appointmentCheckedIn' }, { mode: 'manual' }).catch(
		(e) => e,
	);
	expect(manual.message).toBe(
		'athena has no active appointments subscription for this API key yet',
	);
	expect(manual.description).toMatch(/A manual test never subscribes/);
	expect(
		(await control(sb, 'GET', '/_control/subscriptions')).filter((s: any) =>
			s.key.startsWith('fresh-client'),
		),
	).toEqual([]);
	await poll(fresh, { event: 'appointmentCheckedIn' }, { staticData: {} });
	const subs = (await control(sb, 'GET', '/_control/subscriptions')).filter((s: any) =>
		s.key.startsWith('fresh-client'),
	);
	expect(subs).toEqual([{ key: 'fresh-client|195900|appointments', events: ['CheckIn'] }]);
});

test('athena\'s 403 "requires setup" is explained: quietly while activating, as a clear error afterwards', async () => {
	const slow = sandboxCredentials({
		url: sb.url,
		clientId: 'slow-client',
		clientSecret: 'slow-secret',
	});
	await settings(sb, { activationDelayMs: 60_000 });
	const state: IDataObject = {};
	try {
		expect(await poll(slow, { event: 'patientAdded' }, { staticData: state })).toEqual([]); // just subscribed: not thrown
		const later = await poll(slow, { event: 'patientAdded' }, { staticData: state }).catch(
			(e) => e,
		);
		expect(later.message).toBe('athena has no active patients subscription for this API key yet');
		expect(later.description).toMatch(/up to 5 minutes in production, 10–15 in preview/);
		expect(later.message).not.toMatch(/Changed messages require setup/);
	} finally {
		await settings(sb, { activationDelayMs: 0 });
	}
});

test('the last-modified fallback (no feed access) emits booked-appointment changes with the same dedupe', async () => {
	const creds = app('d');
	const state: IDataObject = {};
	const params = { event: 'appointmentScheduled', source: 'lastModified' };
	await poll(creds, params, { staticData: state });
	const results = await scenario(sb, [{ action: 'book' }, { action: 'book' }]);
	const items = await poll(creds, params, { staticData: state });
	expect(items.map(key).sort()).toEqual(expectedOf(results).sort());
	expect(await poll(creds, params, { staticData: state })).toEqual([]);
});

test('a 10,000-record backlog drains across polls within the poll budget at 5 requests/s: none lost, none repeated, no 429', async () => {
	const state: IDataObject = {};
	const slow = app('e');
	Object.assign(slow.data, { requestsPerSecond: 5 });
	await poll(slow, patients, { staticData: state });
	const ids = [...sb.state.patients.keys()];
	const steps = Array.from({ length: 10000 }, (_, n) => ({
		action: 'updatePatient',
		patientid: ids[n % ids.length],
		mobilephone: `7${String(n).padStart(9, '0')}`,
	}));
	await scenario(sb, steps);
	await settings(sb, { qps: 5 });
	await control(sb, 'POST', '/_control/reset-counters');
	const seen: string[] = [];
	let polls = 0;
	try {
		while (seen.length < 10000 && polls < 20) {
			const items = await poll(
				slow,
				{ ...patients, options: { pageSize: 1000 } },
				{ staticData: state, budgetMs: 1500 },
			);
			seen.push(...items.map((i) => `${i.json.patientid}:${i.json.mobilephone}`));
			polls++;
		}
	} finally {
		await settings(sb, { qps: 0 });
	}
	expect(polls).toBeGreaterThan(1);
	expect(seen).toHaveLength(10000);
	expect(new Set(seen).size).toBe(10000);
	expect(new Set(seen)).toEqual(new Set(steps.map((s) => `${s.patientid}:${s.mobilephone}`)));
	expect((await counters(sb)).served429).toBe(0);
});

test('a 22,000-record poll is followed by no repeats, also after n8n restarts with what it saved', async () => {
	const creds = app('other');
	const state: IDataObject = {};
	const params = { ...patients, options: { pageSize: 10000 } };
	await poll(creds, params, { staticData: state });
	const ids = [...sb.state.patients.keys()];
	await scenario(
		sb,
		Array.from({ length: 22000 }, (_, n) => ({
			action: 'updatePatient',
			patientid: ids[n % ids.length],
			mobilephone: `8${String(n).padStart(9, '0')}`,
		})),
	);
	const first = await poll(creds, params, { staticData: state });
	expect(new Set(first.map((i) => i.json.deliveryKey)).size).toBe(22000);
	expect(await poll(creds, params, { staticData: state })).toEqual([]);
	// a restart replays everything read since the last poll: all of it is known as finished
	expect(await poll(creds, params, { staticData: restart(state) })).toEqual([]);
}, 240000);

test('filters: only the chosen departments and appointment types are emitted', async () => {
	const creds = app('f');
	const state: IDataObject = {};
	const params = {
		event: 'appointmentScheduled',
		filters: { departmentIds: '1', appointmentTypeIds: '2, 82' },
	};
	await poll(creds, params, { staticData: state });
	const open = [...sb.state.appointments.values()].filter((a: any) => a.appointmentstatus === 'o');
	const wanted = open
		.filter((a: any) => a.departmentid === '1' && ['2', '82'].includes(a.appointmenttypeid))
		.slice(0, 2);
	const otherType = open.find(
		(a: any) => a.departmentid === '1' && !['2', '82'].includes(a.appointmenttypeid),
	);
	const otherDept = open.find((a: any) => a.departmentid !== '1');
	await scenario(
		sb,
		[...wanted, otherType, otherDept].map((a: any) => ({
			action: 'book',
			appointmentid: a.appointmentid,
		})),
	);
	const items = await poll(creds, params, { staticData: state });
	expect(items.map((i) => i.json.appointmentid).sort()).toEqual(
		wanted.map((a: any) => a.appointmentid).sort(),
	);
});

test('another feed (problems) is emitted as raw records, labelled with the feed', async () => {
	const creds = app('f');
	const state: IDataObject = {};
	const params = { event: 'otherFeed', otherFeed: 'chart/healthhistory/problems' };
	expect(await poll(creds, params, { staticData: state })).toEqual([]);
	const { error } = await runNodes(creds, [
		{
			parameters: {
				resource: 'customApiCall',
				operation: 'call',
				method: 'POST',
				path: '/chart/7/problems',
				form: {
					field: [
						{ name: 'departmentid', value: '1' },
						{ name: 'snomedcode', value: '84229001' },
						{ name: 'note', value: 'Fatigue' },
					],
				},
			},
		},
	]);
	expect(error).toBeUndefined();
	const items = await poll(creds, params, { staticData: state });
	expect(items).toHaveLength(1);
	expect(items[0].json).toMatchObject({
		patientid: '7',
		code: '84229001',
		name: 'Fatigue',
		event: 'chart/healthhistory/problems change',
		feed: 'chart/healthhistory/problems',
		practiceId: '195900',
	});
});
