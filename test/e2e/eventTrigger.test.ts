// athena's push platform into a real n8n. Example 9 (a check-in made in the sandbox → the patient's
// record → a message to the front desk), and a load workflow: the Event Trigger (its Subscription
// created by n8n's activation), a Wait of 3 seconds (longer than athena's 2-second limit) and an
// HTTP Request into a sandbox sink. The sandbox pushes 500 events, batched (1 to 8 per
// notification) and some notifications delivered twice, plus forged requests. Every event reaches
// the sink exactly once, no forged one does, and every answer came inside 2 seconds.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

import { control, sandbox, scenario, type Sandbox } from '../harness/sandbox';
import { freePort, n8n, waitFor } from './helpers';

const EVENTS = 500;
const FORGED = 40;
let sb: Sandbox;
let userFolder: string;
let server: { ready: Promise<void>; stop: () => Promise<void>; output: string[] } | undefined;

// the trigger on Appointment.update → a 3-second Wait → each event's id into the sink
const workflow = JSON.parse(
	fs.readFileSync(
		path.join(n8n.ROOT, 'test', 'fixtures', 'workflows', 'push-slow-sink.json'),
		'utf8',
	),
);

beforeAll(
	async () => {
		sb = await sandbox({ qps: 0, booked: 300 });
		const bin = n8n.ensureN8n() as string;
		userFolder = fs.mkdtempSync(path.join(os.tmpdir(), 'n8n-athena-e2e-push-'));
		n8n.installPackage(userFolder);
		const example9 = JSON.parse(
			fs.readFileSync(
				path.join(n8n.ROOT, 'examples', '9-check-in-push-to-front-desk.json'),
				'utf8',
			),
		);
		n8n.importWorkflows(bin, userFolder, sb.url, [workflow, { ...example9, active: true }], {
			credential: {
				fhirExtraScopes:
					'system/SubscriptionTopic.read system/Subscription.read system/Subscription.write',
			},
		});
		const port = await freePort();
		server = n8n.startN8n(bin, userFolder, port);
		await server!.ready;
	},
	20 * 60 * 1000,
);

afterAll(async () => {
	await server?.stop();
	await sb?.close();
	if (userFolder) n8n.removeFolder(userFolder);
});

/** The Subscriptions n8n's activation created, once the webhook answers (a forged request: 401). */
async function subscriptionFor(topic: string) {
	const subscription = await waitFor(
		`the ${topic} Subscription`,
		async () =>
			(await control(sb, 'GET', '/_control/push/subscriptions')).find((s: any) =>
				s.criteria.endsWith(`/${topic}`),
			),
		300000,
	);
	// n8n registers the webhook just after it reports ready: wait until a forged request is refused
	await waitFor(
		'the webhook',
		async () => {
			const res = await fetch(subscription.channel.endpoint, { method: 'POST', body: '{}' });
			return res.status === 401 ? true : undefined;
		},
		300000,
	);
	return subscription;
}

test("example 9: a check-in pushed by athena becomes a message to the front desk with the patient's name", async () => {
	await subscriptionFor('Appointment.check-in');
	await control(sb, 'DELETE', '/_sink/front-desk');
	const [checked] = await scenario(sb, { action: 'checkin' });
	const [message] = await waitFor(
		'the front-desk message',
		async () => {
			const list = await control(sb, 'GET', '/_sink/front-desk');
			return list.length ? list : undefined;
		},
		300000,
	);
	const appointment = sb.state.appointments.get(String(checked.appointmentid));
	const patient = sb.state.patients.get(String(appointment.patientid));
	expect(message.body).toMatchObject({
		patientid: String(appointment.patientid),
		appointmentid: String(checked.appointmentid),
		text: `${patient.firstname} ${patient.lastname} has checked in (appointment ${checked.appointmentid})`,
	});
});

test(
	`n8n ${n8n.N8N_VERSION}: ${EVENTS} pushed events (batched, some delivered twice) each reach the workflow once, forged requests none, every answer inside 2 s`,
	async () => {
		// n8n's activation created the Subscription, to n8n's production webhook URL
		const subscription = await subscriptionFor('Appointment.update');
		expect(subscription.channel.endpoint).toMatch(
			/^http:\/\/localhost:\d+\/webhook\/athena-push-e2e\//,
		);
		await control(sb, 'DELETE', '/_sink/push-events');

		const { events } = await control(sb, 'POST', '/_control/push/emit', {
			topic: 'Appointment.update',
			count: EVENTS,
			batchSizes: [1, 2, 3, 5, 8],
			redeliverEvery: 4,
		});
		const forged = await control(sb, 'POST', '/_control/push/forge', { count: FORGED });
		const summary = await waitFor(
			'every notification answered',
			async () => {
				const s = await control(sb, 'GET', '/_control/push/deliveries');
				return s.pending === 0 ? s : undefined;
			},
			600000,
		);
		const sunk = await waitFor(
			'every event in the sink',
			async () => {
				const list = await control(sb, 'GET', '/_sink/push-events');
				return list.length >= EVENTS ? list : undefined;
			},
			600000,
		);
		// executions still running would add duplicates: wait one Wait longer, then count
		await new Promise((r) => setTimeout(r, 5000));
		const final = (await control(sb, 'GET', '/_sink/push-events')).map((m: any) => m.body.eventId);
		const ids = new Set(final);
		const deliveries = await control(sb, 'GET', '/_control/push/deliveries?full=1');
		const answers = deliveries.flatMap((d: any) => d.attempts);
		if (process.env.PUSH_DEBUG)
			process.stdout.write(
				JSON.stringify(
					deliveries
						.map((d: any, i: number) => ({ i, events: d.events, attempts: d.attempts }))
						.filter((d: any) => d.attempts.some((a: any) => a.ms > 700)),
				) + '\n',
			);
		const times = [...answers, ...forged]
			.map((a: any) => a.ms)
			.sort((a: number, b: number) => a - b);
		const maxMs = times[times.length - 1];
		const p50 = times[Math.floor(times.length / 2)];
		const p95 = times[Math.floor(times.length * 0.95)];
		process.stdout.write(
			`push e2e (n8n ${n8n.N8N_VERSION}): ${events.length} events in ${summary.notifications} notifications (${summary.redeliveries} delivered twice), ${ids.size} reached the sink, ${final.length - ids.size} twice; ${forged.filter((f: any) => f.status === 401).length}/${forged.length} forged refused (401); ${summary.retries} retries, ${summary.overLimit} answers over 2 s, answers in ${p50} ms (median), ${p95} ms (95th percentile), ${maxMs} ms (slowest)\n`,
		);
		expect(sunk.length).toBeGreaterThanOrEqual(EVENTS);
		expect(summary.redeliveries).toBeGreaterThan(0);
		expect(summary.notifications).toBeLessThan(EVENTS + summary.redeliveries); // some batched
		expect(summary.delivered).toBe(summary.notifications);
		expect(summary.deadLetter).toBe(0);
		expect(final).toHaveLength(EVENTS);
		expect([...ids].sort()).toEqual([...events].sort());
		for (const f of forged) {
			expect(f.status).toBe(401);
			expect(ids.has(f.eventId)).toBe(false);
		}
		// athena's 2-second limit, with a workflow that takes 3: the answer comes before the run
		expect(summary.overLimit).toBe(0);
		expect(maxMs).toBeLessThan(2000);
		for (const a of answers) expect(a.status).toBe(200);
	},
	20 * 60 * 1000,
);
