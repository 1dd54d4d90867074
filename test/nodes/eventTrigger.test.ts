// The Event Trigger (athena's push platform) in n8n-core's HookContext and WebhookContext against
// the sandbox's Subscription endpoints and notifier: subscribe and unsubscribe, signature checks,
// batching, duplicates, record fetch, under each reading of the push switches.
import crypto from 'node:crypto';

import { ExecutionLifecycleHooks, LoadOptionsContext } from 'n8n-core';
import { Workflow, type IDataObject } from 'n8n-workflow';

import { captureLogs } from '../harness/logs';
import {
	additionalData,
	loadPackage,
	nodeTypes,
	sandboxCredentials,
	type MemoryCredentials,
} from '../harness/n8n';
import { control, sandbox, scenario, settings, type Sandbox } from '../harness/sandbox';
import { eventTrigger } from '../harness/webhook';

const PUSH_SCOPES =
	'system/SubscriptionTopic.read system/Subscription.read system/Subscription.write';

let sb: Sandbox;
let creds: MemoryCredentials;
let logs: string[];
beforeAll(async () => {
	sb = await sandbox({ booked: 200, patients: 100 });
	creds = credentialsWith(PUSH_SCOPES);
	logs = captureLogs();
});
afterAll(() => sb.close());

function credentialsWith(extraScopes: string, allowed = '1128700') {
	const c = sandboxCredentials({ url: sb.url, enableFhir: true, allowedPracticeIds: allowed });
	c.data = { ...c.data, fhirExtraScopes: extraScopes };
	return c;
}

const sign = (secret: string, raw: string, method = 'sha256') =>
	`${method}=${crypto.createHmac(method, secret).update(raw).digest('hex')}`;

/** Waits until the sandbox has nothing left to deliver. */
async function settle() {
	for (let i = 0; i < 400; i++) {
		const s = await control(sb, 'GET', '/_control/push/deliveries');
		if (s.pending === 0) return s;
		await new Promise((r) => setTimeout(r, 25));
	}
	throw new Error('the sandbox kept delivering');
}

const mine = async (url: string) =>
	(await control(sb, 'GET', '/_control/push/subscriptions')).filter(
		(s: IDataObject) => (s.channel as IDataObject).endpoint === url,
	);

type Trigger = Awaited<ReturnType<typeof eventTrigger>>;
const open: Trigger[] = [];
async function trigger(parameters: IDataObject, c = creds) {
	const t = await eventTrigger(c, parameters);
	open.push(t);
	return t;
}
afterEach(async () => {
	for (const t of open.splice(0)) {
		await t.deactivate().catch(() => undefined);
		await t.close();
	}
});

describe('subscribe and unsubscribe', () => {
	test('one Subscription per topic and practice, rest-hook id-only to the production URL, filtered by ah-practice; deleted on deactivation', async () => {
		const t = await trigger({
			topics: ['Appointment.check-in', 'Patient.update'],
			practiceIds: '195900, 1128700',
		});
		expect(await t.activate()).toBe(false); // nothing yet: created
		const subs = await mine(t.url);
		expect(subs).toHaveLength(4);
		const pairs = subs.map((s: any) => [
			s.criteria.split('/SubscriptionTopic/')[1],
			s._criteria.extension[0].valueString,
		]);
		expect(pairs.sort()).toEqual(
			[
				['Appointment.check-in', 'ah-practice=Organization/a-1.Practice-1128700'],
				['Appointment.check-in', 'ah-practice=Organization/a-1.Practice-195900'],
				['Patient.update', 'ah-practice=Organization/a-1.Practice-1128700'],
				['Patient.update', 'ah-practice=Organization/a-1.Practice-195900'],
			].sort(),
		);
		for (const s of subs) {
			expect(s.channel).toMatchObject({ type: 'rest-hook', endpoint: t.url });
			expect(s.channel._payload.extension[0].valueCode).toBe('id-only');
		}
		const secret = String(t.staticData().secret);
		expect(secret).toMatch(/^[0-9a-f]{64}$/);
		// activating again (n8n restarted) finds them all: nothing is created
		expect(await t.activate('init')).toBe(true);
		expect(await mine(t.url)).toHaveLength(4);
		expect(await t.deactivate()).toBe(true);
		expect(await mine(t.url)).toHaveLength(0);
		expect(t.staticData().secret).toBeUndefined();
		expect(logs.join('\n')).not.toContain(secret);
	});

	test.each(['error', 'off', 'deleted'])(
		'a Subscription athena reports as %s is created again on the next activation, and the log says so',
		async (status) => {
			const t = await trigger({ topics: ['Appointment.check-in', 'Patient.create'] });
			await t.activate();
			const [first] = await mine(t.url);
			await control(sb, 'POST', `/_control/push/subscriptions/${first.id}`, { status });
			logs.length = 0;
			expect(await t.activate('init')).toBe(false);
			const now = await mine(t.url);
			expect(now).toHaveLength(2);
			expect(now.every((s: any) => s.status === 'active')).toBe(true);
			expect(now.map((s: any) => s.id)).not.toContain(first.id);
			const said = status === 'deleted' ? 'missing' : status;
			expect(logs.join('\n')).toContain(`Subscription ${first.id}`);
			expect(logs.join('\n')).toContain(`as ${said}`);
		},
	);

	test('bad input is refused before any request, naming the field and the fix', async () => {
		const count = async () => (await control(sb, 'GET', '/_control/counters')).requests;
		const before = await count();
		await expect((await trigger({ topics: [] })).activate()).rejects.toThrow(
			'Topics: choose at least one topic',
		);
		await expect((await trigger({ topics: ['Appointment check in'] })).activate()).rejects.toThrow(
			'is not an athena topic id',
		);
		await expect(
			(await trigger({ topics: ['Patient.update'], practiceIds: '42' })).activate(),
		).rejects.toThrow('Practice 42 is not allowed by this credential');
		const noWrite = credentialsWith('system/Subscription.read');
		await expect(
			(await trigger({ topics: ['Patient.update'] }, noWrite)).activate(),
		).rejects.toThrow('The credential does not ask for system/Subscription.write');
		expect(await count()).toBe(before);
	});
});

describe('signature', () => {
	let t: Trigger;
	let secret: string;
	const body = (eventId: string) =>
		JSON.stringify({
			resourceType: 'Bundle',
			type: 'history',
			entry: [
				{
					resource: {
						resourceType: 'SubscriptionStatus',
						type: 'event-notification',
						topic: `${sb.url}/fhir/r4/SubscriptionTopic/Patient.update`,
						eventsInNotification: 1,
						notificationEvent: [
							{
								id: eventId,
								eventNumber: '1',
								timestamp: '2026-01-02T03:04:05Z',
								focus: {
									reference: 'Patient/a-195900.E-7',
									identifier: { system: 'urn:athenahealth:athenanet:patient:195900', value: '7' },
								},
							},
						],
					},
				},
			],
		});
	beforeEach(async () => {
		t = await trigger({ topics: ['Patient.update'] });
		await t.activate();
		secret = String(t.staticData().secret);
		logs.length = 0;
	});

	test('the right signature over the raw body is accepted; the method is read from the header', async () => {
		const raw = body('ok-1');
		expect((await t.post(raw, { 'X-Hub-Signature': sign(secret, raw) })).status).toBe(200);
		const raw2 = body('ok-2');
		expect((await t.post(raw2, { 'X-Hub-Signature': sign(secret, raw2, 'sha512') })).status).toBe(
			200,
		);
		// the node answers before its execution runs, so the two executions may finish in either order
		expect((await t.waitForItems(2)).map((i) => i.eventId).sort()).toEqual(['ok-1', 'ok-2']);
	});

	test.each([
		['a wrong secret', (raw: string) => ({ raw, sig: sign('guess', raw) })],
		['no signature', (raw: string) => ({ raw, sig: undefined })],
		['an unknown method', (raw: string, s: string) => ({ raw, sig: sign(s, raw, 'md5') })],
		[
			'a body re-encoded after signing',
			(raw: string, s: string) => ({
				raw: JSON.stringify(JSON.parse(raw), null, 1),
				sig: sign(s, raw),
			}),
		],
		[
			'a malformed header',
			(raw: string, s: string) => ({ raw, sig: sign(s, raw).replace('=', ':') }),
		],
	])('%s: 401, no execution, the secret nowhere', async (_name, forge) => {
		const f = forge(body('forged'), secret);
		const answer = await t.post(f.raw, f.sig ? { 'X-Hub-Signature': f.sig } : {});
		expect(answer.status).toBe(401);
		expect(t.executions).toHaveLength(0);
		expect(answer.body).not.toContain(secret);
		expect(logs.join('\n')).toContain('refused a notification');
		expect(logs.join('\n')).not.toContain(secret);
	});

	test("the sandbox's forgeries are all refused", async () => {
		const results = await control(sb, 'POST', '/_control/push/forge', { count: 10 });
		const ours = results.filter((r: any) => r.status !== 0);
		expect(ours.length).toBeGreaterThan(0);
		for (const r of results) expect([401, 404]).toContain(r.status); // 404: another test's closed trigger
		expect(t.items().map((i) => i.eventId)).toEqual([]);
	});
});

describe.each([
	{ pushBatch: 'several', pushCounters: 'relative', pushFocus: 'both' },
	{ pushBatch: 'one', pushCounters: 'cumulative', pushFocus: 'reference' },
	{ pushBatch: 'several', pushCounters: 'cumulative', pushFocus: 'identifier' },
])('events under %o', (reading) => {
	beforeAll(() => settings(sb, reading));
	afterAll(() =>
		settings(sb, { pushBatch: 'several', pushCounters: 'relative', pushFocus: 'both' }),
	);

	test('batched and redelivered notifications: one item per event, each once, with topic, ids and commit time', async () => {
		const t = await trigger({ topics: ['Appointment.check-in'] });
		await t.activate();
		const { events } = await control(sb, 'POST', '/_control/push/emit', {
			topic: 'Appointment.check-in',
			count: 30,
			batchSizes: reading.pushBatch === 'one' ? [1] : [1, 3, 5, 7],
			redeliverEvery: 3,
		});
		const summary = await settle();
		expect(summary.redeliveries).toBeGreaterThan(0);
		const items = await t.waitForItems(events.length);
		expect(items.map((i) => i.eventId).sort()).toEqual([...events].sort());
		if (reading.pushBatch !== 'one') expect(t.executions.some((e) => e.length > 1)).toBe(true);
		const appointment = sb.state.appointments.get(
			String((items[0].ids as IDataObject).appointmentid),
		);
		expect(items[0]).toMatchObject({
			topic: 'Appointment.check-in',
			resource: 'Appointment',
			practiceId: '195900',
			focus: { athenaType: 'appointment', athenaId: appointment.appointmentid },
			ids: { appointmentid: appointment.appointmentid },
		});
		expect(String(items[0].timestamp)).toMatch(/^\d{4}-\d\d-\d\dT/);
		// the patient as athenaNet id and/or FHIR id, as the reading sends it
		const patient = String(appointment.patientid);
		if (reading.pushFocus !== 'reference')
			expect((items[0].ids as IDataObject).patientid).toBe(patient);
		if (reading.pushFocus !== 'identifier')
			expect((items[0].fhirIds as IDataObject).Patient).toBe(`a-195900.E-${patient}`);
	});

	test('Fetch Resource: the athenaNet record, or the FHIR resource, read after the answer', async () => {
		const t = await trigger({
			topics: ['Appointment.check-in', 'Patient.update'],
			options: { fetchResource: 'athenaNet' },
		});
		await t.activate();
		await control(sb, 'POST', '/_control/push/emit', { topic: 'Appointment.check-in', count: 2 });
		await settle();
		const items = await t.waitForItems(2);
		expect(items).toHaveLength(2);
		for (const i of items) {
			expect(i.recordSource).toBe('athenaNet');
			expect((i.record as IDataObject).appointmentid).toBe((i.ids as IDataObject).appointmentid);
		}
		const f = await trigger({ topics: ['Patient.update'], options: { fetchResource: 'fhir' } });
		await f.activate();
		const [p] = await scenario(sb, { action: 'updatePatient' });
		await settle();
		const [item] = await f.waitForItems(1);
		expect(item.topic).toBe('Patient.update');
		if (reading.pushFocus === 'identifier') {
			// no FHIR reference: the athenaNet record instead
			expect(item.recordSource).toBe('athenaNet');
			expect((item.record as IDataObject).patientid).toBe(p.patientid);
		} else {
			expect(item.recordSource).toBe('fhir');
			expect(item.record).toMatchObject({
				resourceType: 'Patient',
				id: `a-195900.E-${p.patientid}`,
			});
		}
	});
});

test.each(['received', 'recorded'])(
	'Answer Athena %s: 200 before the execution, one item per event',
	async (answer) => {
		const t = await trigger({ topics: ['Appointment.check-in'], options: { answer } });
		await t.activate();
		const { events } = await control(sb, 'POST', '/_control/push/emit', {
			topic: 'Appointment.check-in',
			count: 6,
			batchSizes: [2],
		});
		await settle();
		const deliveries = await control(sb, 'GET', '/_control/push/deliveries?full=1');
		const last = deliveries.slice(-3);
		for (const d of last) expect(d.attempts.map((a: any) => a.status)).toEqual([200]);
		expect((await t.waitForItems(6)).map((i) => i.eventId).sort()).toEqual([...events].sort());
	},
);

test('a check-in made through the sandbox pushes Appointment.check-in and Encounter.check-in', async () => {
	const t = await trigger({ topics: ['Appointment.check-in', 'Encounter.check-in'] });
	await t.activate();
	const [checked] = await scenario(sb, { action: 'checkin' });
	await settle();
	const items = await t.waitForItems(2);
	expect(items.map((i) => i.topic).sort()).toEqual(['Appointment.check-in', 'Encounter.check-in']);
	const encounter = items.find((i) => i.topic === 'Encounter.check-in')!;
	expect((encounter.ids as IDataObject).patientid).toBe(
		String(sb.state.appointments.get(String(checked.appointmentid)).patientid),
	);
	expect(
		(encounter.ids as IDataObject).encounterid ?? (encounter.fhirIds as IDataObject).Encounter,
	).toBeTruthy();
});

test("the topic picker reads athena's list, and offers the documented topics when the credential cannot read it", async () => {
	const { loader } = await loadPackage();
	const methods = (loader.nodeTypes.athenahealthEventTrigger.type as any).methods.loadOptions;
	const run = async (c: MemoryCredentials) => {
		const node = {
			id: 'n',
			name: 'push',
			type: 'n8n-nodes-athenahealth.athenahealthEventTrigger',
			typeVersion: 1,
			position: [0, 0] as [number, number],
			parameters: {},
			credentials: { athenahealthOAuth2Api: { id: 'cred-1', name: 'athena' } },
		};
		const wf = new Workflow({
			id: 'wf',
			nodes: [node],
			connections: {},
			active: false,
			nodeTypes: await nodeTypes(),
		});
		const hooks = new ExecutionLifecycleHooks('manual', '1', { id: 'wf', nodes: [node] } as never);
		const ctx = new LoadOptionsContext(wf, node, additionalData(c, hooks), 'parameters.topics');
		return (await methods.getTopics.call(ctx)) as Array<{ value: string; description: string }>;
	};
	const online = await run(creds);
	expect(online.map((o) => o.value)).toContain('Appointment.check-in');
	expect(online[0].description).not.toContain("athena's documentation");
	const offline = await run(credentialsWith(''));
	expect(offline.map((o) => o.value)).toContain('Encounter.signoff');
	expect(offline[0].description).toContain("athena's documentation");
});
