import {
	beginPoll,
	endPoll,
	knownKeys,
	MAX_UNFINISHED,
	REPLAY_SKEW_MS,
	running,
	type TriggerState,
} from '../../nodes/Athenahealth/trigger/checkpoint';

const H = 3600_000;
const at = (ms: number) => new Date(ms).toISOString();
const now = Date.parse('2026-12-01T12:00:00Z');

test('a new activation redelivers what the old one left running and replays from its last poll', () => {
	const state: TriggerState = {
		session: 'old',
		lastPoll: at(now - 60_000),
		batches: [
			{
				readFrom: at(now - 120_000),
				readTo: at(now - 119_000),
				session: 'old',
				status: 'done',
				keys: ['a'],
			},
			{
				readFrom: at(now - 60_000),
				readTo: at(now - 59_000),
				session: 'old',
				status: 'running',
				keys: ['b'],
			},
		],
	};
	expect(beginPoll(state, 'new', now, 24 * H)).toEqual(new Date(now - 60_000 - REPLAY_SKEW_MS));
	expect(state.batches!.map((b) => b.status)).toEqual(['done', 'redeliver']);
	expect([...knownKeys(state)]).toEqual(['a']); // b is emitted again
	expect(beginPoll(state, 'new', now + 1000, 24 * H)).toEqual(
		new Date(now - 60_000 - REPLAY_SKEW_MS),
	); // until a replay completes
	endPoll(state, 'new', now + 1000, now + 2000, ['b'], true);
	expect(state.replayFrom).toBeUndefined();
	expect(beginPoll(state, 'new', now + 3000, 24 * H)).toBeUndefined();
});

test('a filtered trigger (n8n saved nothing for days) replays at most the replay window', () => {
	const state: TriggerState = { session: 'old', lastPoll: at(now - 5 * 24 * H), batches: [] };
	expect(beginPoll(state, 'new', now, 24 * H)).toEqual(new Date(now - 24 * H));
});

test('state is bounded: finished batches go once no replay reaches them; every key of a big poll is kept meanwhile', () => {
	const state: TriggerState = {};
	const big = Array.from({ length: 22000 }, (_, i) => `k${i}`);
	const batch = endPoll(state, 's', now, now + 5000, big, false)!;
	batch.status = 'done';
	expect(knownKeys(state).size).toBe(22000); // no fixed-size set to overflow
	endPoll(state, 's', now + 60_000, now + 61_000, [], false);
	expect(knownKeys(state).size).toBe(22000); // a replay could still reach it
	endPoll(
		state,
		's',
		now + 5000 + 2 * REPLAY_SKEW_MS + 1,
		now + 5000 + 2 * REPLAY_SKEW_MS + 2,
		[],
		false,
	);
	expect(state.batches).toEqual([]);
});

test('a running batch keeps everything after it; too many running batches stop reading', () => {
	const state: TriggerState = {};
	endPoll(state, 's', now, now + 1, ['x'], false);
	for (let i = 1; i < MAX_UNFINISHED; i++)
		endPoll(state, 's', now + i * H, now + i * H + 1, [`y${i}`], false);
	expect(running(state)).toBe(MAX_UNFINISHED);
	expect(state.batches).toHaveLength(MAX_UNFINISHED);
});
