// The changed-data feed switches: each inferred reading of replay and paging, over HTTP
// (docs/athena-behaviour.md#feed-replay, docs/athena-behaviour.md#feed-paging).
import { request } from 'undici';

import { control, sandbox, scenario, type Sandbox } from '../harness/sandbox';

// eslint-disable-next-line @typescript-eslint/no-require-imports
const { parse } = require('../../sandbox/cli') as {
	parse: (argv: string[]) => Record<string, unknown>;
};

let sb: Sandbox;
let bearer = '';
beforeAll(async () => {
	sb = await sandbox({ patients: 100 });
	const res = await request(`${sb.url}/oauth2/v1/token`, {
		method: 'POST',
		headers: {
			'content-type': 'application/x-www-form-urlencoded',
			authorization: `Basic ${Buffer.from('a-client:a-secret').toString('base64')}`,
		},
		body: 'grant_type=client_credentials&scope=athena%2Fservice%2FAthenanet.MDP.*',
	});
	bearer = JSON.parse(await res.body.text()).access_token;
});
afterAll(() => sb.close());

async function get(path: string, method = 'GET') {
	const res = await request(`${sb.url}${path}`, {
		method: method as 'GET',
		headers: { authorization: `Bearer ${bearer}` },
	});
	return JSON.parse((await res.body.text()).replace(/\\\//g, '/'));
}

/** mm/dd/yyyy hh24:mi:ss in Eastern time, as athena's replay parameters want. */
function eastern(at: Date) {
	const p = Object.fromEntries(
		new Intl.DateTimeFormat('en-US', {
			timeZone: 'America/New_York',
			year: 'numeric',
			month: '2-digit',
			day: '2-digit',
			hour: '2-digit',
			minute: '2-digit',
			second: '2-digit',
			hourCycle: 'h23',
		})
			.formatToParts(at)
			.map((x) => [x.type, x.value]),
	);
	return encodeURIComponent(`${p.month}/${p.day}/${p.year} ${p.hour}:${p.minute}:${p.second}`);
}

const pending = async () =>
	(await control(sb, 'GET', '/_control/counters')).queueSizes['a-client|195900|patients'];
const phones = (body: any) => body.patients.map((p: any) => p.mobilephone);
let n = 0;
/** Queues `count` patient updates, each with its own phone number; returns the numbers in order. */
async function changes(count: number, ids: string[] = [...sb.state.patients.keys()].slice(0, 50)) {
	const steps = Array.from({ length: count }, (_, i) => ({
		action: 'updatePatient',
		patientid: ids[i % ids.length],
		mobilephone: `55500${String(n++).padStart(5, '0')}`,
	}));
	await scenario(sb, steps);
	return steps.map((s) => s.mobilephone);
}
/** Empties the feed (as today's reading) so each test starts from nothing pending. */
async function drain() {
	await control(sb, 'POST', '/_control/settings', { feedPaging: 'page', feedReplay: 'with-next' });
	while ((await pending()) > 0) await get('/v1/195900/patients/changed?limit=10000');
}

beforeAll(async () => {
	await get('/v1/195900/patients/changed/subscription', 'POST');
});
beforeEach(drain);

test('defaults are the original reading; the CLI takes a flag for each switch', async () => {
	expect(await control(sb, 'GET', '/_control/settings')).toMatchObject({
		feedReplay: 'with-next',
		feedPaging: 'page',
	});
	expect(parse(['--feed-replay', 'processed-only', '--feed-paging=snapshot'])).toEqual({
		feedReplay: 'processed-only',
		feedPaging: 'snapshot',
	});
});

test('paging "page": a read marks only the page it returns; no next link; the next read continues', async () => {
	const made = await changes(25);
	const first = await get('/v1/195900/patients/changed?limit=10');
	expect(first).toMatchObject({ totalcount: 25 });
	expect(first.next).toBeUndefined();
	expect(phones(first)).toEqual(made.slice(0, 10));
	expect(await pending()).toBe(15);
	expect(phones(await get('/v1/195900/patients/changed?limit=10'))).toEqual(made.slice(10, 20));
});

test('paging "snapshot": the first read consumes every match; next links page through that snapshot', async () => {
	await control(sb, 'POST', '/_control/settings', { feedPaging: 'snapshot' });
	const made = await changes(25);
	const first = await get('/v1/195900/patients/changed?limit=10');
	expect(first.totalcount).toBe(25);
	expect(phones(first)).toEqual(made.slice(0, 10));
	expect(await pending()).toBe(0);
	expect(first.next).toBe('/v1/195900/patients/changed?limit=10&offset=10');
	const second = await get(first.next);
	expect(phones(second)).toEqual(made.slice(10, 20));
	const third = await get(second.next);
	expect(phones(third)).toEqual(made.slice(20));
	expect(third.next).toBeUndefined();
	// a later change starts a new snapshot only on a read from the start
	const later = await changes(2);
	expect(phones(await get('/v1/195900/patients/changed?limit=10'))).toEqual(later);
});

test.each(['page', 'snapshot'])(
	'leaveunprocessed never consumes (paging %s)',
	async (feedPaging) => {
		await control(sb, 'POST', '/_control/settings', { feedPaging });
		const made = await changes(7);
		expect(phones(await get('/v1/195900/patients/changed?limit=5&leaveunprocessed=true'))).toEqual(
			made.slice(0, 5),
		);
		expect(await pending()).toBe(7);
	},
);

test('replay "with-next": the replayed window plus the next unprocessed page, which it consumes', async () => {
	// replay windows have one-second resolution: patients of their own keep earlier tests' reads out
	const own = [...sb.state.patients.keys()].slice(50, 60);
	const since = eastern(new Date(Date.now() - 60_000));
	const read = await changes(4, own);
	await get('/v1/195900/patients/changed?limit=10');
	const fresh = await changes(3, own);
	const replay = await get(
		`/v1/195900/patients/changed?limit=10&patientid=${own.join(',')}&showprocessedstartdatetime=${since}`,
	);
	expect(phones(replay)).toEqual([...read, ...fresh]);
	expect(await pending()).toBe(0);
});

test.each(['page', 'snapshot'])(
	'replay "processed-only": only the window, nothing consumed (paging %s)',
	async (feedPaging) => {
		await control(sb, 'POST', '/_control/settings', { feedReplay: 'processed-only', feedPaging });
		const own = [...sb.state.patients.keys()].slice(feedPaging === 'page' ? 60 : 70).slice(0, 10);
		const since = eastern(new Date(Date.now() - 60_000));
		const read = await changes(4, own);
		await get('/v1/195900/patients/changed?limit=10');
		await changes(3, own);
		const replay = await get(
			`/v1/195900/patients/changed?limit=10&patientid=${own.join(',')}&showprocessedstartdatetime=${since}`,
		);
		expect(phones(replay)).toEqual(read);
		expect(replay.totalcount).toBe(4);
		expect(await pending()).toBe(3);
	},
);

test('the control API lists every item it queued for a client, for counting against', async () => {
	const before = (await control(sb, 'GET', '/_control/feeds/a-client/enqueued')).length;
	await changes(3);
	const all = await control(sb, 'GET', '/_control/feeds/a-client/enqueued');
	expect(all).toHaveLength(before + 3);
	expect(all.slice(-3).map((e: any) => [e.feed, e.event, e.processed])).toEqual(
		Array(3).fill(['patients', 'UpdatePatient', false]),
	);
});
