// n8n's queue mode for real: Redis and PostgreSQL (Debian's packages, run as our own processes on
// free ports), n8n main + 2 workers with the package installed (on n8n 2.21+ the way the README
// shows first: each process has a user folder of its own, and n8n installs the package from
// N8N_COMMUNITY_PACKAGES, here from a local registry; before that by hand into the user folder all
// processes share), and 6 concurrent executions that
// each page every booked appointment from one app limited to 5 requests/s and 5 tokens a minute.
// Correctness only (every execution returns every record exactly once, none fails); the timing
// table is in `npm run bench` (bench/scaleout.js). Then athena's push platform in queue mode: the
// Event Trigger's answers inside 2 s while the workers run a 3-second workflow, each event once.
import fs from 'node:fs';
import path from 'node:path';

import { control, counters, sandbox, type Sandbox } from '../harness/sandbox';
import { n8n, waitFor } from './helpers';

// eslint-disable-next-line @typescript-eslint/no-require-imports
const { startQueueMode } = require('../../scripts/queue');

const BOOKED = 3000;
const [MAJOR, MINOR] = String(n8n.N8N_VERSION).split('.').map(Number);
const INSTALL = MAJOR > 2 || (MAJOR === 2 && MINOR >= 21) ? 'env' : 'folder';
let sb: Sandbox;
let queue: { mainUrl: string; stop: () => Promise<void> } | undefined;

beforeAll(
	async () => {
		sb = await sandbox({
			qps: 5,
			tokenRateLimit: 5,
			booked: BOOKED,
			openSlots: 0,
			patients: 300,
			days: 30,
			daysBack: 30,
		});
		const workflow = JSON.parse(
			fs.readFileSync(
				path.join(n8n.ROOT, 'test', 'fixtures', 'workflows', 'queue-page-booked.json'),
				'utf8',
			),
		);
		const push = JSON.parse(
			fs.readFileSync(
				path.join(n8n.ROOT, 'test', 'fixtures', 'workflows', 'push-slow-sink.json'),
				'utf8',
			),
		);
		queue = await startQueueMode({
			sandboxUrl: sb.url,
			workers: 2,
			workflows: [workflow, push],
			credential: { requestsPerSecond: 5 },
			install: INSTALL,
		});
	},
	15 * 60 * 1000,
);

afterAll(async () => {
	await queue?.stop();
	await sb?.close();
});

test(
	`queue mode, 2 workers (package installed ${INSTALL === 'env' ? 'by n8n from N8N_COMMUNITY_PACKAGES' : 'into the shared user folder'}), 6 concurrent executions: every execution returns every booked appointment exactly once`,
	async () => {
		const url = `${queue!.mainUrl}/webhook/athena-booked`;
		const answers = await Promise.all(
			Array.from({ length: 6 }, async () => {
				const res = await fetch(url, {
					method: 'POST',
					headers: { 'content-type': 'application/json' },
					body: '{}',
				});
				return { status: res.status, body: (await res.json()) as Array<{ appointmentid: string }> };
			}),
		);
		const c = await counters(sb);
		const expected = [...sb.state.appointments.values()].filter(
			(a: any) => a.appointmentstatus !== 'o' && a.appointmentstatus !== 'x',
		).length;
		process.stdout.write(
			`queue mode (${INSTALL} install): ${answers.length} executions, ${c.byPath['GET /v1/{id}/appointments/booked']} page requests, ${c.served429} 429s served, ${c.tokenRequests} token requests\n`,
		);
		for (const answer of answers) {
			expect(answer.status).toBe(200);
			const ids = answer.body.map((r) => r.appointmentid);
			expect(ids).toHaveLength(expected);
			expect(new Set(ids).size).toBe(expected);
		}
	},
	10 * 60 * 1000,
);

test(
	'queue mode: 200 pushed events (batched, some twice) each reach the workers once, forged requests none, every answer inside 2 s',
	async () => {
		const subscription = await waitFor(
			'the Subscription',
			async () => (await control(sb, 'GET', '/_control/push/subscriptions'))[0],
			300000,
		);
		await waitFor(
			'the webhook',
			async () =>
				(await fetch(subscription.channel.endpoint, { method: 'POST', body: '{}' })).status === 401
					? true
					: undefined,
			300000,
		);
		await control(sb, 'DELETE', '/_sink/push-events');
		const { events } = await control(sb, 'POST', '/_control/push/emit', {
			topic: 'Appointment.update',
			count: 200,
			batchSizes: [1, 2, 3, 5, 8],
			redeliverEvery: 4,
		});
		const forged = await control(sb, 'POST', '/_control/push/forge', { count: 10 });
		const summary = await waitFor(
			'every notification answered',
			async () => {
				const s = await control(sb, 'GET', '/_control/push/deliveries');
				return s.pending === 0 ? s : undefined;
			},
			600000,
		);
		await waitFor(
			'every event in the sink',
			async () =>
				(await control(sb, 'GET', '/_sink/push-events')).length >= events.length ? true : undefined,
			600000,
		);
		await new Promise((r) => setTimeout(r, 5000)); // executions still running would add duplicates
		const sunk = (await control(sb, 'GET', '/_sink/push-events')).map((m: any) => m.body.eventId);
		const deliveries = await control(sb, 'GET', '/_control/push/deliveries?full=1');
		const times = [...deliveries.flatMap((d: any) => d.attempts), ...forged].map((a: any) => a.ms);
		process.stdout.write(
			`queue mode push: ${events.length} events in ${summary.notifications} notifications (${summary.redeliveries} twice), ${new Set(sunk).size} reached the sink, ${sunk.length - new Set(sunk).size} twice; ${forged.filter((f: any) => f.status === 401).length}/${forged.length} forged refused; slowest answer ${Math.max(...times)} ms\n`,
		);
		expect([...sunk].sort()).toEqual([...events].sort());
		for (const f of forged) expect(f.status).toBe(401);
		expect(summary.overLimit).toBe(0);
		expect(summary.deadLetter).toBe(0);
		expect(Math.max(...times)).toBeLessThan(2000);
	},
	20 * 60 * 1000,
);
