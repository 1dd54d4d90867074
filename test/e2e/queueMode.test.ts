// n8n's queue mode for real: Redis and PostgreSQL (Debian's packages, run as our own processes on
// free ports), n8n main + 2 workers with the package installed (on n8n 2.21+ the way the README
// shows first: each process has a user folder of its own, and n8n installs the package from
// N8N_COMMUNITY_PACKAGES, here from a local registry; before that by hand into the user folder all
// processes share), and 6 concurrent executions that
// each page every booked appointment from one app limited to 5 requests/s and 5 tokens a minute.
// Correctness only (every execution returns every record exactly once, none fails); the timing
// table is in `npm run bench` (bench/scaleout.js).
import fs from 'node:fs';
import path from 'node:path';

import { counters, sandbox, type Sandbox } from '../harness/sandbox';
import { n8n } from './helpers';

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
		queue = await startQueueMode({
			sandboxUrl: sb.url,
			workers: 2,
			workflows: [workflow],
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
