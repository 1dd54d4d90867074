// Processes sharing one app's limit (n8n queue-mode workers, each with its own throttle), under each
// reading of athena's daily-quota counter that the throttle reads (the header is verified, how it
// counts is inferred: docs/athena-behaviour.md, Daily quota): every record exactly once, no
// execution failed.
import { fork } from 'node:child_process';
import path from 'node:path';

import { control, sandbox, type Sandbox } from '../harness/sandbox';

const WORKER = path.join(__dirname, '..', '..', 'bench', 'scaleoutWorker.js');
const BOOKED = 1000;

/** Starts `processes` worker processes with `executions` executions each; resolves with their runs. */
async function shareOneApp(sb: Sandbox, processes: number, executions: number) {
	const children = Array.from({ length: processes }, () => {
		const child = fork(WORKER, [sb.url, String(executions), '1'], {
			stdio: ['ignore', 'ignore', 'ignore', 'ipc'],
		});
		const ready = new Promise((resolve) => child.once('message', resolve));
		const result = ready.then(
			() =>
				new Promise<{ ids: string[]; error?: string }[]>((resolve) =>
					child.once('message', resolve as any),
				),
		);
		return { child, ready, result };
	});
	await Promise.all(children.map((c) => c.ready));
	for (const { child } of children) child.send('go');
	return (await Promise.all(children.map((c) => c.result))).flat();
}

describe.each(['exact', 'late', 'none'])('quota counter: %s', (quotaCounter) => {
	let sb: Sandbox;
	beforeAll(async () => {
		sb = await sandbox({
			quotaCounter,
			qps: 5,
			tokenRateLimit: 5,
			booked: BOOKED,
			openSlots: 0,
			patients: 100,
			days: 30,
			daysBack: 30,
		});
	});
	afterAll(() => sb.close());

	test('two processes, two executions each, paging every booked appointment: each gets every record once', async () => {
		await control(sb, 'POST', '/_control/reset-counters');
		const runs = await shareOneApp(sb, 2, 2);
		expect(runs).toHaveLength(4);
		for (const run of runs) {
			expect(run.error).toBeUndefined();
			expect(run.ids).toHaveLength(BOOKED);
			expect(new Set(run.ids).size).toBe(BOOKED);
		}
	}, 240_000);
});
