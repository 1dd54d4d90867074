// The README's examples, run by a real n8n against the sandbox: 1, 4, 5, 11, 12 with `n8n execute`; 3 (webhook) and 2 (trigger) on a running server.
import fs from 'node:fs';
import path from 'node:path';

import { control, sandbox, scenario, type Sandbox } from '../harness/sandbox';
import { freePort, n8n, prepareN8n, waitFor } from './helpers';

let sb: Sandbox;
let bin: string;
let userFolder: string;
let server: { ready: Promise<void>; stop: () => Promise<void>; output: string[] } | undefined;
let port: number;

beforeAll(
	async () => {
		sb = await sandbox({ qps: 20, booked: 400, openSlots: 400, bulkDurationMs: 1500 });
		({ bin, userFolder } = prepareN8n(sb.url, true));
	},
	20 * 60 * 1000,
);

afterAll(async () => {
	await server?.stop();
	await sb?.close();
	n8n.removeFolder(userFolder);
});

/** Items a node output in an `n8n execute` run. */
const itemsOf = (run: any, node: string) =>
	(run.data.resultData.runData[node]?.[0]?.data?.main?.[0] ?? []).map((i: any) => i.json);

// Examples 1, 4 and 5 start from a Manual Trigger: n8n runs them once with `n8n execute`, before the
// server starts (both would use the same task-runner port).
describe('run once with n8n execute', () => {
	test(
		"example 1: one reminder to each patient booked tomorrow, to the patient's phone",
		async () => {
			await control(sb, 'DELETE', '/_sink/sms');
			const { run } = await n8n.execute(bin, userFolder, 'athenaExample1Remind');
			expect(run.data.resultData.error).toBeUndefined();
			const appointments = itemsOf(run, "Tomorrow's Appointments");
			expect(appointments.length).toBeGreaterThan(0);
			// "tomorrow" is n8n's (its timezone): compare with the sandbox's bookings on the date n8n used
			const date = appointments[0].date;
			const booked = [...sb.state.appointments.values()].filter(
				(a: any) => a.date === date && a.appointmentstatus === 'f',
			);
			expect(appointments.map((a: any) => a.appointmentid).sort()).toEqual(
				booked.map((a: any) => a.appointmentid).sort(),
			);
			const sms = await control(sb, 'GET', '/_sink/sms');
			expect(sms.map((m: any) => m.body.patientid).sort()).toEqual(
				[...new Set(booked.map((a: any) => a.patientid))].sort(),
			);
			for (const m of sms)
				expect(m.body.to).toBe(sb.state.patients.get(m.body.patientid).mobilephone);
		},
		10 * 60 * 1000,
	);

	test(
		"example 4: Bulk Export and Wait, then n8n's file node writes one NDJSON file per type",
		async () => {
			const { run } = await n8n.execute(bin, userFolder, 'athenaExample4Export');
			expect(run.data.resultData.error).toBeUndefined();
			const dir = n8n.exportDir(userFolder);
			const files = fs.readdirSync(dir).sort();
			expect(files).toEqual([
				'Condition-1.ndjson',
				'Encounter-1.ndjson',
				'Immunization-1.ndjson',
				'Observation-1.ndjson',
				'Patient-1.ndjson',
			]);
			const patients = fs
				.readFileSync(path.join(dir, 'Patient-1.ndjson'), 'utf8')
				.trim()
				.split('\n')
				.map((l) => JSON.parse(l));
			expect(patients.map((p) => p.id).sort()).toEqual(
				[...sb.state.patients.keys()].map((id) => `a-195900.E-${id}`).sort(),
			);
			expect((await control(sb, 'GET', '/_control/counters')).bulkDeletes).toBeGreaterThanOrEqual(
				1,
			);
		},
		10 * 60 * 1000,
	);

	test(
		'example 5: finds or creates the patient, then books the first open slot for them',
		async () => {
			const { run } = await n8n.execute(bin, userFolder, 'athenaExample5Book');
			expect(run.data.resultData.error).toBeUndefined();
			const [patient] = itemsOf(run, 'Find or Create Patient');
			const [booking] = itemsOf(run, 'Book');
			expect(booking).toMatchObject({ patientid: patient.patientid, appointmentstatus: 'f' });
			// the slot is in the future (from tomorrow on, in n8n's timezone), never earlier today
			const [mm, dd, yyyy] = String(booking.date).split('/').map(Number);
			const [tm, td, ty] = new Intl.DateTimeFormat('en-US', {
				timeZone: 'America/New_York',
				year: 'numeric',
				month: '2-digit',
				day: '2-digit',
			})
				.format(new Date())
				.split('/')
				.map(Number);
			expect(Date.UTC(yyyy, mm - 1, dd)).toBeGreaterThan(Date.UTC(ty, tm - 1, td));
			expect(sb.state.appointments.get(booking.appointmentid)).toMatchObject({
				patientid: patient.patientid,
				appointmentstatus: 'f',
			});
			expect(sb.state.patients.get(patient.patientid)).toMatchObject({
				firstname: 'Renée',
				lastname: 'Example-Núñez',
			});
		},
		10 * 60 * 1000,
	);

	test(
		'example 11: one athena patient per external id, run twice; the second run changes only what changed',
		async () => {
			const holders = (id: string) =>
				[...sb.state.patientCustomFields.entries()]
					.filter(([, m]: [string, Map<string, any>]) => m.get('1')?.customfieldvalue === id)
					.map(([pid]) => pid);
			const first = await n8n.execute(bin, userFolder, 'athenaExample11Upsert');
			expect(first.run.data.resultData.error).toBeUndefined();
			const made = itemsOf(first.run, 'Create or Update by External ID');
			expect(made.map((r: any) => r.action)).toEqual([
				'created',
				'created',
				'created',
				'unchanged',
			]);
			expect(made[3].patientid).toBe(made[0].patientid);
			for (const id of ['EHR-1001', 'EHR-1002', 'EHR-1003']) expect(holders(id)).toHaveLength(1);
			const patients = sb.state.patients.size;
			// athena drifts: someone changes EHR-1002's mobile phone in athena
			sb.state.patients.get(String(made[1].patientid)).mobilephone = '5550000000';
			const second = await n8n.execute(bin, userFolder, 'athenaExample11Upsert');
			expect(second.run.data.resultData.error).toBeUndefined();
			const again = itemsOf(second.run, 'Create or Update by External ID');
			expect(again.map((r: any) => [r.action, r.updatedFields])).toEqual([
				['unchanged', []],
				['updated', ['mobilephone']],
				['unchanged', []],
				['unchanged', []],
			]);
			expect(sb.state.patients.size).toBe(patients);
			expect(sb.state.patients.get(String(made[1].patientid)).mobilephone).toBe('5550191002');
		},
		10 * 60 * 1000,
	);

	test(
		"example 12: tomorrow's appointments beside the other system's list, one drift of each kind in the sink",
		async () => {
			await control(sb, 'DELETE', '/_sink/drift');
			const { run } = await n8n.execute(bin, userFolder, 'athenaExample12Reconcile');
			expect(run.data.resultData.error).toBeUndefined();
			const tomorrow = itemsOf(run, 'athena Schedule');
			expect(tomorrow.length).toBeGreaterThanOrEqual(2);
			const drift = (await control(sb, 'GET', '/_sink/drift')).map((d: any) => d.body);
			expect(drift.map((d: any) => d.kind).sort()).toEqual(['changed', 'extra', 'missing']);
			const byKind = Object.fromEntries(drift.map((d: any) => [d.kind, d]));
			expect(byKind.extra.appointmentid).toBe(tomorrow[0].appointmentid);
			expect(byKind.changed.appointmentid).toBe(tomorrow[1].appointmentid);
			expect(Object.keys(byKind.changed.different)).toEqual(['starttime']);
			expect(byKind.missing.appointmentid).toBe('OTHER-1');
		},
		10 * 60 * 1000,
	);
});

describe('with n8n running', () => {
	beforeAll(
		async () => {
			port = await freePort();
			server = n8n.startN8n(bin, userFolder, port);
			await server!.ready;
		},
		5 * 60 * 1000,
	);

	test(`n8n ${n8n.N8N_VERSION} loads the package (installed with npm, as n8n's manual install does) without a warning`, async () => {
		// installPackage refuses an install that brought its own n8n-workflow; here, what n8n itself said
		const nodes = path.join(userFolder, '.n8n', 'nodes', 'node_modules');
		expect(fs.readdirSync(nodes).filter((d) => !d.startsWith('.'))).toEqual([
			'n8n-nodes-athenahealth',
		]);
		// (n8n 2.41 also logs its own failed calls to n8n's servers, which this machine cannot reach: not ours)
		const said = server!.output
			.join('')
			.split('\n')
			.filter(
				(line) =>
					/athenahealth/i.test(line) && /warn|error|fail|deprecat|not a function/i.test(line),
			);
		expect(said).toEqual([]);
	});

	test("example 3: the sandbox's athena HL7 feed gets an AA for each SIU, and the record lands as athenaNet JSON", async () => {
		const url = `http://localhost:${port}/webhook/athena-hl7`;
		// n8n registers active workflows' webhooks just after it reports ready: wait until this one answers
		const probe = 'MSH|^~\\&|PROBE|1|N8N||20260101||ADT^A08|P1|T|2.5.1\rPID||1\r';
		await waitFor(
			'the webhook',
			async () =>
				(
					await fetch(url, {
						method: 'POST',
						headers: { 'content-type': 'text/plain' },
						body: probe,
					})
				).status === 200
					? true
					: undefined,
			300000,
		);
		await control(sb, 'DELETE', '/_sink/hl7-records');
		await control(sb, 'POST', '/_control/settings', { hl7Url: url });
		const [booked] = await scenario(sb, { action: 'book' });
		const delivery = await waitFor(
			'the ACK',
			async () =>
				(await control(sb, 'GET', '/_control/hl7/deliveries')).find(
					(d: any) => d.status !== 'sending',
				),
			300000,
		);
		expect(delivery).toMatchObject({
			type: 'SIU^S12',
			httpStatus: 200,
			ackCode: 'AA',
			status: 'acknowledged',
		});
		expect(delivery.ack).toContain(`MSA|AA|${delivery.control}`);
		const records = await control(sb, 'GET', '/_sink/hl7-records');
		expect(records[0].body).toMatchObject({
			event: 'Appointment Scheduled',
			fromAthena: true,
			appointment: { appointmentid: booked.appointmentid, patientid: booked.patientid },
		});
	});

	test('example 2: the activated trigger turns a cancellation in each of two practices and a new patient into tickets', async () => {
		await control(sb, 'POST', '/_control/settings', { hl7Url: '' });
		// the activation poll has subscribed (cancellations in 195900 and 1128700, new patients in
		// 195900); wait until athena's queues exist for this key
		await waitFor(
			'the subscriptions',
			async () =>
				(await control(sb, 'GET', '/_control/subscriptions')).length >= 3 ? true : undefined,
			300000,
		);
		const [cancelled] = await scenario(sb, { action: 'cancel' });
		const [elsewhere] = await scenario(sb, { action: 'cancel', practiceid: '1128700' });
		const [added] = await scenario(sb, { action: 'addPatient' });
		const tickets = await waitFor(
			'three tickets',
			async () => {
				const list = await control(sb, 'GET', '/_sink/tickets');
				return list.length >= 3 ? list : undefined;
			},
			150000,
		);
		expect(tickets.map((t: any) => `${t.body.practiceId} ${t.body.title}`).sort()).toEqual(
			[
				`195900 Appointment Cancelled: appointment ${cancelled.appointmentid}`,
				`1128700 Appointment Cancelled: appointment ${elsewhere.appointmentid}`,
				`195900 Patient Added: patient ${added.patientid}`,
			].sort(),
		);
	});
});
