import { randomUUID } from 'crypto';

import type { Batch, TriggerState } from './checkpoint';

// What this n8n process knows about the batches it emitted, kept beside the static data.
//
// n8n's classic poll path gives a workflow one poll context and one static-data object per
// activation. n8n's durable scheduler for poll triggers (opt-in since n8n 2.36: N8N_SCHEDULER_ENABLED,
// N8N_SCHEDULER_POLL_TRIGGERS_ENABLED, N8N_USE_WORKFLOW_PUBLICATION_SERVICE, and with
// N8N_POLLER_DURABLE_CURSORS_ENABLED the static data saved as a poll cursor in the same transaction as
// the execution) builds a new context with a fresh copy of the saved state for every poll. A batch's
// execution reports back to the copy of the poll that emitted it, so a later poll's copy does not
// know it finished, and a copy saved late can be behind what this process already emitted. So the
// process keeps its own batches (small: the keys of unfinished and recently finished batches) and
// each poll brings its copy up to date from them (docs/trigger.md#n8ns-durable-scheduler).

let session = randomUUID();
/** One id per n8n process: a batch of another session can no longer report its execution here. */
export const currentSession = () => session;

interface NodeMemory {
	/** This process's batches, by batchId. */
	batches: Map<string, Batch>;
	/** lastPoll of the last poll this process ended (the saved state may be behind it). */
	lastPoll?: string;
	/** The state object of the latest poll (the one n8n saves next). */
	latest?: TriggerState;
	/** Where a replay must start that the saved state may not know of (kept until a poll replayed). */
	replayFrom?: string;
	/** The replayFrom the current poll took over. */
	taken?: string;
}
const nodes = new Map<string, NodeMemory>();

/** Forgets everything, as a restarted n8n process would (the node tests restart n8n in one process). */
export function newProcess() {
	session = randomUUID();
	nodes.clear();
}

/** Settled batches are forgotten this long after they were read (a replay reaches back 2 minutes). */
const KEEP_MS = 30 * 60_000;

export const batchId = (b: Batch) => `${b.session}|${b.readFrom}`;

function memoryOf(node: string): NodeMemory {
	let m = nodes.get(node);
	if (!m) nodes.set(node, (m = { batches: new Map() }));
	return m;
}

/**
 * Brings a poll's copy of the state up to date with this process at the start of a poll: a running
 * batch takes the outcome this process saw (or is redelivered when no execution of this process can
 * report it), batches this process emitted that the copy misses are put back, and the copy is marked
 * for replay when it is behind this process's last poll. Returns whether it was behind.
 */
export function recall(node: string, state: TriggerState, now = Date.now()): boolean {
	const m = memoryOf(node);
	for (const [id, b] of m.batches)
		if (b.status !== 'running' && Date.parse(b.readTo) < now - KEEP_MS) m.batches.delete(id);
	const batches = state.batches ?? [];
	const seen = new Set<string>();
	for (const b of batches) {
		const id = batchId(b);
		seen.add(id);
		const mine = m.batches.get(id);
		if (b.status === 'running') b.status = mine?.status ?? 'redeliver';
		else if (mine && mine.status !== 'running') b.status = mine.status;
	}
	for (const [id, b] of m.batches)
		if (!seen.has(id) && b.status !== 'redeliver') batches.push({ ...b, keys: b.keys.slice() });
	if (batches.length || state.batches) state.batches = batches.slice();
	const behind = m.lastPoll !== undefined && m.lastPoll !== state.lastPoll;
	if (behind && state.lastPoll)
		state.replayFrom = earlier(state.replayFrom, earlier(state.lastPoll, m.lastPoll!));
	else if (behind) state.replayFrom = earlier(state.replayFrom, m.lastPoll!);
	if (m.replayFrom) state.replayFrom = earlier(state.replayFrom, m.replayFrom);
	m.taken = m.replayFrom;
	m.latest = state;
	return behind;
}

const earlier = (a: string | undefined, b: string) => (a && Date.parse(a) < Date.parse(b) ? a : b);

/** Remembers that the next poll must replay from `from` (a read whose answer may have been consumed). */
export function replayLater(node: string, from: string) {
	const m = memoryOf(node);
	m.replayFrom = earlier(m.replayFrom, from);
}

/** Remembers a poll's end: its batch (the same object as in the poll's state) and lastPoll. */
export function rememberPoll(
	node: string,
	state: TriggerState,
	batch: Batch | undefined,
	replayed: boolean,
) {
	const m = memoryOf(node);
	if (batch) m.batches.set(batchId(batch), batch);
	if (replayed && m.replayFrom === m.taken) delete m.replayFrom;
	if (state.replayFrom) m.replayFrom = earlier(m.replayFrom, state.replayFrom);
	m.lastPoll = state.lastPoll;
	m.latest = state;
}

/**
 * Records a batch's outcome. An execution n8n never started (its cursor commit refused, the workflow
 * gone) makes the next poll replay from the batch's read.
 */
export function settled(node: string, batch: Batch, status: Batch['status'], started: boolean) {
	batch.status = status;
	if (!started) replayLater(node, batch.readFrom);
}

/**
 * Before n8n saves `state`: gives it every outcome this process knows and, when it is the copy of an
 * earlier poll, makes it the latest poll's state, so that saving it does not put back an older state.
 */
export function catchUp(node: string, state: TriggerState) {
	const m = memoryOf(node);
	const latest = m.latest;
	for (const b of state.batches ?? []) {
		const mine = m.batches.get(batchId(b));
		if (mine && b !== mine && b.status === 'running') b.status = mine.status;
	}
	if (latest && latest !== state) {
		for (const b of latest.batches ?? []) {
			const mine = m.batches.get(batchId(b));
			if (mine && b !== mine) b.status = mine.status;
		}
		for (const key of Object.keys(state)) delete (state as Record<string, unknown>)[key];
		Object.assign(state, JSON.parse(JSON.stringify(latest)));
	}
	// assigning through the static-data object marks it changed, so n8n saves it with the next save
	state.batches = (state.batches ?? []).slice();
}
