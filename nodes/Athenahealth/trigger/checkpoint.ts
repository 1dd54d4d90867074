import { createHash } from 'crypto';

import type { IDataObject } from 'n8n-workflow';

// What the trigger keeps in workflow static data, and the rules that make delivery at-least-once.
//
// athena consumes a change when it is read; only a replay (showprocessedstartdatetime) can read it
// again. So each poll's emitted changes are kept as a batch, keyed by deliveryKey, until the
// execution they started has finished. n8n saves static data only when a poll emits (before the
// execution runs) and after activation; never for a poll that emits nothing. So the saved state can
// be behind memory; after a restart (a new activation) the trigger cannot know what the poll running
// at the crash had read, and replays from the last poll it has on record. Batches that were still
// running in the old activation are redelivered; finished ones are skipped by their keys.

export interface Batch {
	/** ISO time the poll that read these changes started (athena processed them after it). */
	readFrom: string;
	/** ISO time that poll finished reading. */
	readTo: string;
	/** Activation that emitted the batch: one from another activation can no longer finish. */
	session: string;
	status: 'running' | 'done' | 'redeliver';
	/** deliveryKeys of the emitted changes. */
	keys: string[];
}

export interface TriggerState {
	/** ISO start of the last poll that read the feed. */
	lastPoll?: string;
	/** Activation that last wrote this state. */
	session?: string;
	batches?: Batch[];
	/** ISO time from which the next poll must replay (a read cut short, or a failed read). */
	replayFrom?: string;
	/** Patients emitted before (for Added vs Updated), bounded. */
	patients?: string[];
	/** Subscription we made sure of: feed + events + departments. */
	subscription?: string;
}

/** athena's replay clock and ours differ; replay this much earlier than needed. */
export const REPLAY_SKEW_MS = 60_000;
/** Running batches beyond this stop further reads (back-pressure): state stays bounded. */
export const MAX_UNFINISHED = 20;

/** Stable per change: the same record replayed gets the same key, a new change a new one. */
export function deliveryKey(feed: string, record: IDataObject): string {
	return createHash('sha1')
		.update(feed)
		.update('\n')
		.update(JSON.stringify(record))
		.digest('base64url')
		.slice(0, 22);
}

const iso = (ms: number) => new Date(ms).toISOString();

/**
 * Takes over the state at the start of a poll in activation `session`: what an earlier activation
 * left running is to be redelivered; returns the time to replay from, if any.
 */
export function beginPoll(
	state: TriggerState,
	session: string,
	now: number,
	maxLookbackMs: number,
): Date | undefined {
	const batches = state.batches ?? [];
	if (state.session !== session) {
		for (const b of batches) if (b.status === 'running') b.status = 'redeliver';
		// the saved state may be behind memory: what the poll running at the stop read may never have been emitted
		if (state.lastPoll) state.replayFrom = earliest(state.replayFrom, state.lastPoll);
	}
	state.session = session;
	const from: number[] = batches
		.filter((b) => b.status === 'redeliver')
		.map((b) => Date.parse(b.readFrom));
	if (state.replayFrom) from.push(Date.parse(state.replayFrom));
	if (!from.length) return undefined;
	return new Date(Math.max(Math.min(...from) - REPLAY_SKEW_MS, now - maxLookbackMs));
}

export const earliest = (a: string | undefined, b: string) =>
	a && Date.parse(a) < Date.parse(b) ? a : b;

/** Keys a replay must not emit again: changes whose execution finished or is still running. */
export function knownKeys(state: TriggerState): Set<string> {
	const keys = new Set<string>();
	for (const b of state.batches ?? [])
		if (b.status !== 'redeliver') for (const k of b.keys) keys.add(k);
	return keys;
}

/** Batches whose execution is still running in this activation. */
export function running(state: TriggerState): number {
	return (state.batches ?? []).filter((b) => b.status === 'running').length;
}

/**
 * Ends a poll: redelivered batches are replaced by what this poll emitted, and finished batches are
 * dropped once no replay can reach back to them. Returns the new batch (undefined: nothing emitted).
 */
export function endPoll(
	state: TriggerState,
	session: string,
	readFrom: number,
	readTo: number,
	keys: string[],
	replayed: boolean,
): Batch | undefined {
	let batches = state.batches ?? [];
	if (replayed) {
		batches = batches.filter((b) => b.status !== 'redeliver');
		delete state.replayFrom;
	}
	const batch: Batch | undefined = keys.length
		? { readFrom: iso(readFrom), readTo: iso(readTo), session, status: 'running', keys }
		: undefined;
	if (batch) batches.push(batch);
	state.lastPoll = iso(readFrom);
	// the earliest a later replay can start: the oldest unfinished read, or this poll (minus the skew)
	const floor =
		Math.min(
			readFrom,
			...batches.filter((b) => b.status !== 'done').map((b) => Date.parse(b.readFrom)),
		) -
		2 * REPLAY_SKEW_MS;
	state.batches = batches.filter((b) => b.status !== 'done' || Date.parse(b.readTo) >= floor);
	return batch;
}

export function remember(list: string[], keys: string[], limit: number): string[] {
	const next = list.concat(keys);
	return next.length > limit ? next.slice(next.length - limit) : next;
}
