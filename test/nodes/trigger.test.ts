// The trigger driven through n8n-core's PollContext against the sandbox's changed-data feeds.
import type { IDataObject } from 'n8n-workflow';

import { poll, runNodes, sandboxCredentials, type MemoryCredentials } from '../harness/n8n';
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
const app = (name: string) => sandboxCredentials({ url: sb.url, clientId: `${name}-client`, clientSecret: `${name}-secret` });
const key = (i: { json: IDataObject }) => `${i.json.event}:${String(i.json.appointmentid ?? i.json.patientid)}`;

/** What each scenario step should make the trigger say. */
function expectedOf(results: IDataObject[]): string[] {
	return results.flatMap((r) => {
		if (r.event === 'Appointment Rescheduled') return [`Appointment Rescheduled:${r.previousappointmentid}`, `Appointment Scheduled:${r.appointmentid}`];
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
	const actions = ['book', 'book', 'cancel', 'reschedule', 'checkin', 'updatePatient', 'addPatient', 'book', 'cancel', 'checkin'];
	for (let round = 0; round < 10; round++) {
		const results = await scenario(sb, actions.map((action) => ({ action })));
		expected.push(...expectedOf(results));
		for (const item of [...(await poll(creds, appointments, { staticData: apptState })), ...(await poll(creds, patients, { staticData: patientState }))]) {
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
	const booked = [...sb.state.appointments.values()].filter((a: any) => a.appointmentstatus === 'f').slice(0, 2);
	await scenario(sb, [{ action: 'cancel', appointmentid: booked[0].appointmentid, noshow: true }, { action: 'cancel', appointmentid: booked[1].appointmentid }]);
	const items = await poll(creds, { event: 'appointmentCancelled' }, { staticData: state });
	expect(items.map((i) => [i.json.appointmentid, i.json.noShow])).toEqual([[booked[0].appointmentid, true], [booked[1].appointmentid, false]]);
});

test('a crash after the feed was read but before the poll was saved loses nothing and repeats nothing', async () => {
	const creds = app('b');
	const state: IDataObject = {};
	await poll(creds, appointments, { staticData: state });
	const results = await scenario(sb, [{ action: 'book' }, { action: 'book' }, { action: 'checkin' }, { action: 'cancel' }, { action: 'book' }]);
	const crashed = JSON.parse(JSON.stringify(state));
	const lost = await poll(creds, appointments, { staticData: crashed }); // emitted, then n8n died: `crashed` is never saved
	expect(lost.map(key).sort()).toEqual(expectedOf(results).sort());
	expect((await counters(sb)).queueSizes['b-client|195900|appointments']).toBe(0); // athena marked them processed
	const recovered = await poll(creds, appointments, { staticData: state });
	expect(recovered.map(key).sort()).toEqual(expectedOf(results).sort());
	expect(await poll(creds, appointments, { staticData: state })).toEqual([]);
});

test('manual mode ("Fetch test event") leaves the feed untouched and never moves the checkpoint', async () => {
	const creds = app('c');
	const state: IDataObject = {};
	await poll(creds, patients, { staticData: state });
	const results = await scenario(sb, [{ action: 'addPatient' }, { action: 'updatePatient' }, { action: 'updatePatient' }]);
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
	const fresh = sandboxCredentials({ url: sb.url, clientId: 'fresh-client', clientSecret: 'fresh-secret' });
	const manual = await poll(fresh, { event: 'appointmentCheckedIn' }, { mode: 'manual' }).catch((e) => e);
	expect(manual.message).toBe('athena has no active appointments subscription for this API key yet');
	expect(manual.description).toMatch(/A manual test never subscribes/);
	expect((await control(sb, 'GET', '/_control/subscriptions')).filter((s: any) => s.key.startsWith('fresh-client'))).toEqual([]);
	await poll(fresh, { event: 'appointmentCheckedIn' }, { staticData: {} });
	const subs = (await control(sb, 'GET', '/_control/subscriptions')).filter((s: any) => s.key.startsWith('fresh-client'));
	expect(subs).toEqual([{ key: 'fresh-client|195900|appointments', events: ['CheckIn'] }]);
});

test('athena\'s 403 "requires setup" is explained: quietly while activating, as a clear error afterwards', async () => {
	const slow = sandboxCredentials({ url: sb.url, clientId: 'slow-client', clientSecret: 'slow-secret' });
	await settings(sb, { activationDelayMs: 60_000 });
	const state: IDataObject = {};
	try {
		expect(await poll(slow, { event: 'patientAdded' }, { staticData: state })).toEqual([]); // just subscribed: not thrown
		const later = await poll(slow, { event: 'patientAdded' }, { staticData: state }).catch((e) => e);
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
	await poll(slow, patients, { staticData: state });
	const ids = [...sb.state.patients.keys()];
	const steps = Array.from({ length: 10000 }, (_, n) => ({ action: 'updatePatient', patientid: ids[n % ids.length], mobilephone: `7${String(n).padStart(9, '0')}` }));
	await scenario(sb, steps);
	await settings(sb, { qps: 5 });
	await control(sb, 'POST', '/_control/reset-counters');
	Object.assign(slow.data, { requestsPerSecond: 5 });
	const seen: string[] = [];
	let polls = 0;
	try {
		while (seen.length < 10000 && polls < 20) {
			// within the budget, asserted on what the poll did (no wall clock: the machine may be loaded):
			// no more requests than 1.5 s at 5 requests/s allows
			const before = (await counters(sb)).requests;
			const items = await poll(slow, { ...patients, options: { pageSize: 1000 } }, { staticData: state, budgetMs: 1500 });
			expect((await counters(sb)).requests - before).toBeLessThanOrEqual(7);
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

test('filters: only the chosen departments and appointment types are emitted', async () => {
	const creds = app('f');
	const state: IDataObject = {};
	const params = { event: 'appointmentScheduled', filters: { departmentIds: '1', appointmentTypeIds: '2, 82' } };
	await poll(creds, params, { staticData: state });
	const open = [...sb.state.appointments.values()].filter((a: any) => a.appointmentstatus === 'o');
	const wanted = open.filter((a: any) => a.departmentid === '1' && ['2', '82'].includes(a.appointmenttypeid)).slice(0, 2);
	const otherType = open.find((a: any) => a.departmentid === '1' && !['2', '82'].includes(a.appointmenttypeid));
	const otherDept = open.find((a: any) => a.departmentid !== '1');
	await scenario(sb, [...wanted, otherType, otherDept].map((a: any) => ({ action: 'book', appointmentid: a.appointmentid })));
	const items = await poll(creds, params, { staticData: state });
	expect(items.map((i) => i.json.appointmentid).sort()).toEqual(wanted.map((a: any) => a.appointmentid).sort());
});

test('another feed (problems) is emitted as raw records, labelled with the feed', async () => {
	const creds = app('f');
	const state: IDataObject = {};
	const params = { event: 'otherFeed', otherFeed: 'chart/healthhistory/problems' };
	expect(await poll(creds, params, { staticData: state })).toEqual([]);
	const { error } = await runNodes(creds, [
		{ parameters: { resource: 'customApiCall', operation: 'call', method: 'POST', path: '/chart/7/problems', form: { field: [{ name: 'snomedcode', value: '84229001' }, { name: 'note', value: 'Fatigue' }] } } },
	]);
	expect(error).toBeUndefined();
	const items = await poll(creds, params, { staticData: state });
	expect(items).toHaveLength(1);
	expect(items[0].json).toMatchObject({ patientid: '7', code: '84229001', name: 'Fatigue', event: 'chart/healthhistory/problems change', feed: 'chart/healthhistory/problems', practiceId: '195900' });
});
