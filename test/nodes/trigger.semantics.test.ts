// The trigger under each reading of athena's inferred feed semantics
// (docs/athena-behaviour.md#feed-replay, docs/athena-behaviour.md#feed-paging): a replay that
// returns only what was processed, or that plus the next unprocessed page; a read that consumes
// only its page, or every match at once with later offsets from that snapshot. Every change is
// delivered.
import type { IDataObject } from 'n8n-workflow';

import { poll, pollOnce, restart, sandboxCredentials } from '../harness/n8n';
import { counters, fault, sandbox, scenario, type Sandbox } from '../harness/sandbox';

const COMBINATIONS = [
	{ feedReplay: 'with-next', feedPaging: 'page' },
	{ feedReplay: 'processed-only', feedPaging: 'page' },
	{ feedReplay: 'with-next', feedPaging: 'snapshot' },
	{ feedReplay: 'processed-only', feedPaging: 'snapshot' },
];
const CLIENTS = ['flow', 'crash', 'early', 'redeliver', 'leave', 'cut', 'manual', 'lost'];

describe.each(COMBINATIONS)('replay $feedReplay, paging $feedPaging', (semantics) => {
	let sb: Sandbox;
	beforeAll(async () => {
		sb = await sandbox({
			patients: 300,
			...semantics,
			clients: CLIENTS.map((c) => ({ id: `${c}-client`, secret: `${c}-secret` })),
		});
	});
	afterAll(() => sb.close());

	const app = (name: string) =>
		sandboxCredentials({ url: sb.url, clientId: `${name}-client`, clientSecret: `${name}-secret` });
	// small pages, so every read pages
	const params = { event: 'anyPatientChange', options: { pageSize: 7 } };
	let phone = 0;
	/** Queues patient updates with a phone number each; returns the "patient:phone" of each. */
	async function changes(count: number): Promise<string[]> {
		const ids = [...sb.state.patients.keys()];
		const steps = Array.from({ length: count }, (_, i) => ({
			action: 'updatePatient',
			patientid: ids[(phone + i) % ids.length],
			mobilephone: `6${String(phone + i).padStart(9, '0')}`,
		}));
		phone += count;
		await scenario(sb, steps);
		return steps.map((s) => `${s.patientid}:${s.mobilephone}`);
	}
	const change = (i: { json: IDataObject }) => `${i.json.patientid}:${i.json.mobilephone}`;
	const pending = async (client: string) =>
		(await counters(sb)).queueSizes[`${client}-client|195900|patients`];

	test('a steady flow over many polls: each change once, the feed left empty', async () => {
		const creds = app('flow');
		const state: IDataObject = {};
		await poll(creds, params, { staticData: state });
		const made: string[] = [];
		const got: string[] = [];
		for (let round = 0; round < 6; round++) {
			made.push(...(await changes(5 + round * 4)));
			got.push(...(await poll(creds, params, { staticData: state })).map(change));
		}
		// each change exactly once; pages read in parallel by consuming reads are served in whatever
		// order athena answers them, so the order within a poll is athena's only page by page
		expect(got).toHaveLength(made.length);
		expect([...got].sort()).toEqual([...made].sort());
		expect(await pending('flow')).toBe(0);
		expect(await poll(creds, params, { staticData: state })).toEqual([]);
	});

	test('n8n killed while the execution ran: the next activation redelivers it with the same delivery keys, once', async () => {
		const creds = app('crash');
		const state: IDataObject = {};
		await poll(creds, params, { staticData: state });
		const made = await changes(20);
		const lost = await poll(creds, params, { staticData: state, outcome: 'unfinished' });
		expect(lost.map(change).sort()).toEqual([...made].sort());
		const saved = restart(state); // n8n saves static data when the poll emits, before the execution runs
		const later = await changes(3);
		const again = await poll(creds, params, { staticData: saved });
		expect(again.map(change).sort()).toEqual([...made, ...later].sort());
		const redelivered = again
			.filter((i) => made.includes(change(i)))
			.map((i) => i.json.deliveryKey);
		expect([...redelivered].sort()).toEqual(lost.map((i) => i.json.deliveryKey).sort());
		expect(await poll(creds, params, { staticData: saved })).toEqual([]);
		expect(await poll(creds, params, { staticData: restart(saved) })).toEqual([]); // finished: never again
	});

	test('n8n killed after athena answered, before the poll emitted: nothing lost', async () => {
		const creds = app('early');
		const state: IDataObject = {};
		await poll(creds, params, { staticData: state });
		const saved = restart(state);
		const made = await changes(12);
		await poll(creds, params, { staticData: state, outcome: 'unfinished' }); // consumed at athena, never saved
		expect(await pending('early')).toBe(0);
		expect((await poll(creds, params, { staticData: saved })).map(change).sort()).toEqual(
			[...made].sort(),
		);
	});

	test('a failed execution is delivered again when the option says so, with the same keys', async () => {
		const creds = app('redeliver');
		const state: IDataObject = {};
		const redeliver = { ...params, options: { ...params.options, onExecutionError: 'redeliver' } };
		await poll(creds, redeliver, { staticData: state });
		const made = await changes(9);
		const failed = await poll(creds, redeliver, { staticData: state, outcome: 'error' });
		const again = await poll(creds, redeliver, { staticData: state });
		expect(again.map(change).sort()).toEqual([...made].sort());
		expect(again.map((i) => i.json.deliveryKey)).toEqual(failed.map((i) => i.json.deliveryKey));
		expect(await poll(creds, redeliver, { staticData: state })).toEqual([]);
	});

	test('by default a failed execution is left to n8n: not delivered again', async () => {
		const creds = app('leave');
		const state: IDataObject = {};
		await poll(creds, params, { staticData: state });
		await changes(4);
		expect(await poll(creds, params, { staticData: state, outcome: 'error' })).toHaveLength(4);
		expect(await poll(creds, params, { staticData: state })).toEqual([]);
		expect(await poll(creds, params, { staticData: restart(state) })).toEqual([]);
	});

	test('a budget for one request per poll: every change still arrives, once', async () => {
		const creds = app('cut');
		const state: IDataObject = {};
		await poll(creds, params, { staticData: state });
		const made = await changes(30);
		const got: string[] = [];
		let polls = 0;
		let requests = 0;
		for (; polls < 30 && got.length < made.length; polls++) {
			const before = (await counters(sb)).byPath['GET /v1/{id}/patients/changed'] ?? 0;
			got.push(...(await poll(creds, params, { staticData: state, budgetMs: 0 })).map(change));
			requests = ((await counters(sb)).byPath['GET /v1/{id}/patients/changed'] ?? 0) - before;
			expect(requests).toBe(1); // a zero budget allows the one request a poll must make, no more
		}
		expect(got.sort()).toEqual([...made].sort());
		expect(await poll(creds, params, { staticData: state })).toEqual([]);
	});

	test('an answer lost after athena consumed the read (502) is not retried; the next poll replays it', async () => {
		const creds = app('lost');
		const state: IDataObject = {};
		await poll(creds, params, { staticData: state });
		const made = await changes(5);
		await fault(sb, {
			method: 'GET',
			path: 'patients/changed',
			status: 502,
			body: 'Bad Gateway',
			phase: 'after',
		});
		const failed = await poll(creds, params, { staticData: state }).catch((e) => e);
		expect(failed).toBeInstanceOf(Error);
		expect(await pending('lost')).toBe(0); // consumed at athena, the answer never arrived
		expect((await poll(creds, params, { staticData: state })).map(change).sort()).toEqual(
			[...made].sort(),
		);
		expect(await poll(creds, params, { staticData: state })).toEqual([]);
	});

	test('Fetch Test Event shows up to 5 pending changes without consuming them, and says when there are none', async () => {
		const creds = app('manual');
		const state: IDataObject = {};
		await poll(creds, params, { staticData: state });
		const none = await pollOnce(creds, params, { mode: 'manual', staticData: state }).catch(
			(e) => e,
		);
		expect(none.message).toBe('No pending patients changes for this event');
		const made = await changes(8);
		const sample = await poll(creds, params, { mode: 'manual', staticData: state });
		expect(sample.map(change)).toEqual(made.slice(0, 5));
		expect(await pending('manual')).toBe(8);
		expect((await poll(creds, params, { staticData: state })).map(change).sort()).toEqual(
			[...made].sort(),
		);
	});
});
