import {
	NodeOperationError,
	type IDataObject,
	type INodeExecutionData,
	type IPollFunctions,
} from 'n8n-workflow';

import { parseDateInput, toAthenaDate, toAthenaDateTime, zonedParts } from '../shared/dates';
import { athenaId, listedValue } from '../shared/ids';
import { normalizeRecord } from '../shared/records';
import { asNodeError } from '../transport/errors';
import { athenaList, recordsOf } from '../transport/paginate';
import { athenaRequest, athenaSend, getConnection } from '../transport/request';
import type { AthenaConnection } from '../transport/connection';
import {
	beginPoll,
	deliveryKey,
	earliest,
	endPoll,
	knownKeys,
	MAX_UNFINISHED,
	remember,
	REPLAY_SKEW_MS,
	running,
	type TriggerState,
} from './checkpoint';
import { deliver, type OnExecutionError } from './delivery';
import { currentSession, recall, rememberPoll, replayLater } from './memory';
import { EVENTS, feedOf, RAW_FEED_OPTIONS } from './feeds';

const REQUIRES_SETUP = /require setup|requires setup/i;
const MANUAL_SAMPLE = 5;

interface Settings {
	/** The credential's practice: its state and delivery keys keep the form they had before several. */
	mainPractice?: string;
	feed: string;
	eventChoice: string;
	subscribe: string[];
	emits: string[];
	departmentIds: string[];
	qs: IDataObject;
	appointmentTypeIds: string[];
	pageSize: number;
	budgetMs: number;
	onError: OnExecutionError;
	saveAtOnce: boolean;
	lookbackMs: number;
}

/** athena's replay windows are Eastern wall-clock time (docs/athena-behaviour.md#feed-replay). */
const eastern = (at: Date) => toAthenaDateTime(zonedParts(at, 'America/New_York'));

function ids(ctx: IPollFunctions, value: unknown, label: string): string[] {
	return String(value ?? '')
		.split(',')
		.map((v) => v.trim())
		.filter(Boolean)
		.map((v) => athenaId(ctx.getNode(), v, label));
}

function settingsOf(ctx: IPollFunctions): Settings {
	const eventChoice = ctx.getNodeParameter('event') as string;
	const known = EVENTS.find((e) => e.value === eventChoice);
	const feed = known
		? known.feed
		: listedValue(ctx.getNode(), ctx.getNodeParameter('otherFeed'), RAW_FEED_OPTIONS, 'Feed');
	const filters = ctx.getNodeParameter('filters', {}) as IDataObject;
	const options = ctx.getNodeParameter('options', {}) as IDataObject;
	const departmentIds = ids(ctx, filters.departmentIds, 'Department IDs');
	const providerIds = ids(ctx, filters.providerIds, 'Provider IDs');
	const patientIds = ids(ctx, filters.patientId, 'Patient ID');
	// Newer n8n tells a poll how long it may run; older n8n does not, so an option stands in.
	const fromN8n = (ctx as unknown as { getPollBudgetMs?: () => number }).getPollBudgetMs?.();
	return {
		feed,
		eventChoice,
		subscribe: known?.subscribe ?? [],
		emits: known?.emits ?? [],
		departmentIds,
		appointmentTypeIds: ids(ctx, filters.appointmentTypeIds, 'Appointment Type IDs'),
		qs: {
			...(departmentIds.length ? { departmentid: departmentIds.join(',') } : {}),
			...(providerIds.length ? { providerid: providerIds.join(',') } : {}),
			...(patientIds.length ? { patientid: patientIds.join(',') } : {}),
		},
		pageSize: Math.min(10000, Math.max(1, Number(options.pageSize ?? 1000))),
		budgetMs: fromN8n ?? Number(options.maxPollSeconds ?? 240) * 1000,
		onError: options.onExecutionError === 'redeliver' ? 'redeliver' : 'leave',
		saveAtOnce: options.saveFinishedAtOnce !== false,
		lookbackMs: Math.max(1, Number(options.replayWindowHours ?? 24)) * 3600_000,
	};
}

/** Subscribes to exactly the events this trigger needs, once per configuration. */
async function ensureSubscription(
	ctx: IPollFunctions,
	s: Settings,
	state: TriggerState,
	practiceId: string,
): Promise<boolean> {
	const key = `${s.feed}|${s.subscribe.join(',') || '*'}|${s.departmentIds.join(',')}`;
	if (state.subscription === key) return false;
	const path = `/${s.feed}/changed/subscription`;
	const current = (await athenaRequest(ctx, { method: 'GET', path, practiceId })) as {
		status?: string;
		subscriptions?: Array<{ eventname?: string }>;
	};
	const have = new Set((current.subscriptions ?? []).map((e) => e.eventname));
	const departmentids = s.departmentIds.join(',') || undefined;
	const missing = s.subscribe.filter((e) => !have.has(e));
	let changed = false;
	if (s.subscribe.length === 0 && current.status !== 'ACTIVE') {
		await athenaRequest(ctx, {
			method: 'POST',
			path,
			practiceId,
			form: { departmentids },
			idempotent: true,
		});
		changed = true;
	}
	for (const eventname of missing) {
		await athenaRequest(ctx, {
			method: 'POST',
			path,
			practiceId,
			form: { eventname, departmentids },
			idempotent: true,
		});
		changed = true;
	}
	state.subscription = key;
	if (changed)
		ctx.logger.info(
			`athenahealth Trigger: subscribed to ${s.feed} (${s.subscribe.join(', ') || 'all events'}) in practice ${practiceId}`,
		);
	return changed;
}

interface Read {
	/** The feed was read until empty. */
	complete: boolean;
	/** The replay asked for was answered in full. */
	replayed: boolean;
	/** A consuming read's `next` links were not all followed (athena may have consumed the rest). */
	cutShort: boolean;
}

/** Requests kept in flight while a backlog whose size athena told us is read; the throttle paces them. */
const IN_FLIGHT = 3;

const withOffset = (next: string, offset: number) =>
	next.replace(/([?&])offset=\d+/i, `$1offset=${offset}`);

/**
 * Reads a changed-data feed: the replay (if any) as a request of its own, then consuming reads from
 * the start until a read shows nothing more, or the budget is spent. Once a read has told how much
 * there is, the rest is read with a few requests in flight: the `next` offsets if athena gave a
 * link (a snapshot of what that read took), else further reads from the start (each consumes the
 * page it returns). That is correct whether a replay also returns the next unprocessed page or
 * not, and whether a read consumes only its page or every match at once (both inferred:
 * docs/athena-behaviour.md#feed-replay, docs/athena-behaviour.md#feed-paging).
 */
async function readFeed(
	ctx: IPollFunctions,
	s: Settings,
	practiceId: string,
	onPage: (records: IDataObject[]) => void,
	opts: { replayFrom?: Date; leaveUnprocessed?: boolean; deadline: number },
): Promise<Read> {
	const conn = await getConnection(ctx);
	const prefix = `/v1/${practiceId}/`;
	const feedUrl = `${conn.baseUrl}/v1/${practiceId}/${s.feed}/changed`;
	const get = async (url: string, extra?: IDataObject) => {
		const qs = url === feedUrl ? { ...s.qs, limit: s.pageSize, ...extra } : undefined;
		// A consuming read is never retried: its lost answer may have been consumed; a replay gets it back.
		const body = (await athenaSend(ctx, conn, {
			method: 'GET',
			url,
			practiceId,
			qs,
			idempotent: Boolean(opts.leaveUnprocessed),
		})) as IDataObject;
		const page = recordsOf(body).records;
		const next = typeof body?.next === 'string' && body.next ? body.next : undefined;
		if (next && !next.startsWith(prefix))
			throw new NodeOperationError(
				ctx.getNode(),
				'athena returned a next-page link outside this practice',
				{ description: `Expected a link starting with ${prefix}.` },
			);
		return { page, next, total: Number(body?.totalcount ?? page.length) };
	};
	// another request taking as long as the last one must end inside the budget
	let started = Date.now();
	const timeLeft = () => Date.now() + (Date.now() - started) < opts.deadline;
	const result = (complete: boolean, replayed: boolean, cutShort = false): Read => ({
		complete,
		replayed,
		cutShort,
	});

	if (opts.leaveUnprocessed) {
		onPage((await get(feedUrl, { leaveunprocessed: true })).page);
		return result(true, true);
	}
	if (opts.replayFrom) {
		let r = await get(feedUrl, { showprocessedstartdatetime: eastern(opts.replayFrom) });
		onPage(r.page);
		while (r.next && r.page.length) {
			if (!timeLeft()) return result(false, false);
			started = Date.now();
			r = await get(`${conn.baseUrl}${r.next}`);
			onPage(r.page);
		}
		if (!timeLeft()) return result(false, true);
	}
	for (;;) {
		started = Date.now();
		const first = await get(feedUrl);
		if (!first.page.length || first.total <= first.page.length) {
			onPage(first.page);
			return result(true, true);
		}
		const step = first.page.length;
		const offsets =
			first.next !== undefined && new RegExp(`[?&]offset=${step}(&|$)`, 'i').test(first.next);
		if (first.next && !offsets) {
			// a link we cannot page by offset: follow it page by page
			let r = first;
			onPage(r.page);
			while (r.next && r.page.length) {
				if (!timeLeft()) return result(false, true, true);
				started = Date.now();
				r = await get(`${conn.baseUrl}${r.next}`);
				onPage(r.page);
			}
			return result(true, true);
		}
		const urls: string[] = [];
		for (let at = step; at < first.total; at += step)
			urls.push(offsets ? `${conn.baseUrl}${withOffset(first.next!, at)}` : feedUrl);
		let last = first;
		let launched = 0;
		const inFlight = new Set<Promise<void>>();
		// pages answer in any order; they are handed on in the order they were asked for, so the
		// changes keep athena's order
		const arrived = new Map<number, Awaited<ReturnType<typeof get>>>();
		let handed = 0;
		const launch = () => {
			const index = launched++;
			const p: Promise<void> = get(urls[index]).then((r) => {
				inFlight.delete(p);
				arrived.set(index, r);
				for (let next = arrived.get(handed); next; next = arrived.get(handed)) {
					arrived.delete(handed++);
					last = next;
					onPage(next.page); // classified while further pages are on their way
				}
			});
			inFlight.add(p);
		};
		const perRequest = Date.now() - started;
		const fill = () => {
			while (
				launched < urls.length &&
				inFlight.size < IN_FLIGHT &&
				Date.now() + perRequest < opts.deadline
			)
				launch();
		};
		fill();
		onPage(first.page); // while the next pages are on their way
		try {
			while (launched < urls.length || inFlight.size) {
				fill();
				if (!inFlight.size) break;
				await Promise.race(inFlight);
			}
		} finally {
			await Promise.allSettled(inFlight); // what is in flight was consumed at athena: keep it
		}
		if (launched < urls.length) return result(false, true, offsets);
		// a snapshot read to its end: what came meanwhile is for the next poll
		if (offsets || !(last.page.length && last.total > last.page.length)) return result(true, true);
		if (!timeLeft()) return result(false, true);
	}
}

/** Turns records into items as pages arrive: drops known ones (if given), classifies, labels. */
function itemMaker(s: Settings, practiceId: string, state: TriggerState, known?: Set<string>) {
	// Plain copies: static data is an observed object, slow to touch once per record.
	// a feed whose classifier needs first sightings (Patient Added) remembers its ids
	const feed = feedOf(s.feed);
	const remembered = feed?.remember;
	const knownPatients = new Set(remembered ? (state.patients ?? []) : []);
	const newPatients: string[] = [];
	const items: INodeExecutionData[] = [];
	const add = (records: IDataObject[]) => {
		for (const record of records) {
			// (another practice's ids are its own: its keys carry the practice, the credential's keep their form)
			const key =
				practiceId === s.mainPractice
					? deliveryKey(s.feed, record)
					: `${practiceId}:${deliveryKey(s.feed, record)}`;
			if (known?.has(key)) continue; // emitted before, and finished or still running
			known?.add(key);
			const id =
				remembered && record[remembered] !== undefined ? String(record[remembered]) : undefined;
			const c = feed?.classify?.(record, id !== undefined && knownPatients.has(id));
			if (id !== undefined && !knownPatients.has(id)) {
				knownPatients.add(id);
				newPatients.push(id);
			}
			if (s.emits.length && (!c || !s.emits.includes(c.event))) continue; // a change for another event choice
			if (
				s.appointmentTypeIds.length &&
				!s.appointmentTypeIds.includes(String(record.appointmenttypeid ?? ''))
			)
				continue;
			const label = c
				? { event: c.event, eventRule: c.eventRule, ...c.extra }
				: { event: `${s.feed} change` };
			items.push({
				json: { ...normalizeRecord(record), ...label, practiceId, feed: s.feed, deliveryKey: key },
			});
		}
	};
	const done = () => {
		if (newPatients.length) state.patients = remember(state.patients ?? [], newPatients, 5000);
		return items;
	};
	return { add, done };
}

function setupError(ctx: IPollFunctions, s: Settings, manual: boolean) {
	return new NodeOperationError(
		ctx.getNode(),
		`athena has no active ${s.feed} subscription for this API key yet`,
		{
			description: manual
				? 'A manual test never subscribes. Activate the workflow (the trigger then subscribes to what it needs), ' +
					'or use the athenahealth node: Change Subscription → Subscribe. athena takes up to 5 minutes (15 in preview) to apply a subscription.'
				: 'The trigger subscribed, but athena has not applied it yet (up to 5 minutes in production, 10–15 in preview). ' +
					'Polling goes on; events are delivered once it is active.',
		},
	);
}

function isSetupError(error: unknown): boolean {
	const e = error as { httpCode?: string; message?: string };
	return e?.httpCode === '403' && REQUIRES_SETUP.test(String(e.message));
}

/** The trigger node of one workflow (and practice), as this process's memory of its batches knows it. */
function nodeKey(ctx: IPollFunctions, s: Settings, practiceId: string): string {
	const node = ctx.getNode();
	const key = `${ctx.getWorkflow().id ?? ''}|${node.id ?? node.name}`;
	return practiceId === s.mainPractice ? key : `${key}|${practiceId}`;
}

async function pollFeed(
	ctx: IPollFunctions,
	s: Settings,
	practiceId: string,
	state: TriggerState,
): Promise<INodeExecutionData[][] | null> {
	// Leave a quarter of the budget for classifying and deduplicating what was read.
	const deadline = Date.now() + s.budgetMs * 0.75;
	if (ctx.getMode() === 'manual') {
		// Pending changes, read without consuming them; the state is not touched.
		try {
			const maker = itemMaker(s, practiceId, { patients: [...(state.patients ?? [])] });
			await readFeed(ctx, s, practiceId, maker.add, { leaveUnprocessed: true, deadline });
			const items = maker.done().slice(0, MANUAL_SAMPLE);
			if (items.length) return [items];
		} catch (error) {
			throw isSetupError(error) ? setupError(ctx, s, true) : asNodeError(ctx.getNode(), error);
		}
		throw new NodeOperationError(ctx.getNode(), `No pending ${s.feed} changes for this event`, {
			description:
				'Fetch Test Event shows up to 5 changes athena has not delivered yet, read with leaveunprocessed so they are still delivered once the ' +
				'workflow is active. There are none now: make a change in athena and fetch again.',
		});
	}

	const session = currentSession();
	const node = nodeKey(ctx, s, practiceId);
	const subscribedNow = await ensureSubscription(ctx, s, state, practiceId);
	const pollStart = Date.now();
	recall(node, state, pollStart);
	const replayFrom = beginPoll(state, session, pollStart, s.lookbackMs);
	if (running(state) >= MAX_UNFINISHED) {
		ctx.logger.warn(
			`athenahealth Trigger: ${MAX_UNFINISHED} executions started by this trigger have not finished; reading athena again once they have`,
		);
		return null;
	}
	const maker = itemMaker(s, practiceId, state, knownKeys(state));
	let read: Read;
	try {
		read = await readFeed(ctx, s, practiceId, maker.add, { replayFrom, deadline });
	} catch (error) {
		if (!isSetupError(error)) {
			// an answer lost on the way may have been consumed at athena: the next poll looks back at this
			// one (also when n8n does not save this state: under its durable scheduler a failed poll's
			// state is dropped)
			state.replayFrom = earliest(state.replayFrom, new Date(pollStart).toISOString());
			replayLater(node, state.replayFrom);
			throw asNodeError(ctx.getNode(), error);
		}
		// athena lost the subscription this state remembers (a fresh sandbox, a reset key): subscribe
		// again at once and keep polling, instead of failing the workflow's activation
		const resubscribed =
			!subscribedNow &&
			(await ensureSubscription(ctx, s, ((state.subscription = undefined), state), practiceId));
		if (subscribedNow || resubscribed) {
			ctx.logger.warn(setupError(ctx, s, false).description ?? '');
			return null;
		}
		state.subscription = undefined; // athena has it but has not applied it: make sure of it again next poll
		throw setupError(ctx, s, false);
	}
	const items = maker.done();
	const batch = endPoll(
		state,
		session,
		pollStart,
		Date.now(),
		items.map((i) => i.json.deliveryKey as string),
		read.replayed,
	);
	if (read.cutShort)
		state.replayFrom = earliest(state.replayFrom, new Date(pollStart).toISOString());
	if (!read.complete)
		ctx.logger.info(
			`athenahealth Trigger: ${s.feed} backlog not drained within the poll budget; the next poll continues`,
		);
	rememberPoll(node, state, batch, read.replayed);
	return batch ? deliver(ctx, state, batch, items, s.onError, s.saveAtOnce, node) : null;
}

/** For credentials without feed access: booked appointments by last-modified window, same bookkeeping. */
async function pollLastModified(
	ctx: IPollFunctions,
	s: Settings,
	practiceId: string,
	state: TriggerState,
): Promise<INodeExecutionData[][] | null> {
	const manual = ctx.getMode() === 'manual';
	const options = ctx.getNodeParameter('options', {}) as IDataObject;
	const session = currentSession();
	const node = nodeKey(ctx, s, practiceId);
	const pollStart = Date.now();
	if (!manual) recall(node, state, pollStart);
	// re-reading a window consumes nothing: each poll reads from its own last poll (or a redelivery) on
	const replayFrom = manual ? undefined : beginPoll(state, session, pollStart, s.lookbackMs);
	if (!manual && running(state) >= MAX_UNFINISHED) return null;
	const last =
		state.lastPoll && !manual ? Date.parse(state.lastPoll) - REPLAY_SKEW_MS : pollStart - 86400_000;
	const from = new Date(Math.min(last, replayFrom?.getTime() ?? Infinity));
	const today = parseDateInput(new Date())!;
	const day = (offset: number) =>
		toAthenaDate(
			parseDateInput(new Date(Date.UTC(today.year, today.month - 1, today.day + offset)))!,
		);
	const records = await athenaList(ctx, {
		method: 'GET',
		path: '/appointments/booked',
		practiceId,
		wrapper: 'appointments',
		qs: {
			...s.qs,
			startdate: day(-Number(options.lookbackDays ?? 30)),
			enddate: day(Number(options.lookaheadDays ?? 365)),
			startlastmodified: eastern(from),
			showcancelled: true,
		},
		maxItems: manual ? 200 : undefined,
	});
	if (manual) {
		const sample = itemMaker(s, practiceId, {});
		sample.add(records);
		const items = sample.done().slice(-MANUAL_SAMPLE);
		return items.length ? [items] : null;
	}
	const maker = itemMaker(s, practiceId, state, knownKeys(state));
	maker.add(records);
	const items = maker.done();
	const batch = endPoll(
		state,
		session,
		pollStart,
		Date.now(),
		items.map((i) => i.json.deliveryKey as string),
		true,
	);
	rememberPoll(node, state, batch, true);
	return batch ? deliver(ctx, state, batch, items, s.onError, s.saveAtOnce, node) : null;
}

/**
 * The practices this trigger watches: the credential's, a list, or every practice the credential
 * allows. Each must be allowed by the credential (refused before any request otherwise).
 */
function practicesOf(ctx: IPollFunctions, conn: AthenaConnection): string[] {
	const choice = ctx.getNodeParameter('practices', 'credential') as string;
	if (choice === 'allowed')
		return [conn.practiceId, ...[...conn.allowedPracticeIds].filter((p) => p !== conn.practiceId)];
	if (choice !== 'list') return [conn.practiceId];
	const listed = [...new Set(ids(ctx, ctx.getNodeParameter('practiceIds', ''), 'Practice IDs'))];
	if (!listed.length)
		throw new NodeOperationError(ctx.getNode(), 'Practice IDs is empty', {
			description: 'List the practices to watch, separated by commas (e.g. 195900, 1128700).',
		});
	const refused = listed.filter((p) => !conn.allowedPracticeIds.has(p));
	if (refused.length)
		throw new NodeOperationError(
			ctx.getNode(),
			`Practice ${refused.join(', ')} is not allowed by this credential`,
			{
				description:
					"Add it to the credential's Allowed Practice IDs, or remove it from Practice IDs. Nothing was read.",
			},
		);
	return listed;
}

/**
 * Each practice keeps its own delivery bookkeeping: the credential's practice in the node's static
 * data itself (as before there were several), any other under `practices`. A change inside a
 * practice's part marks the whole as changed, so n8n saves it as it saves the rest.
 */
function stateOf(
	root: TriggerState & { practices?: Record<string, TriggerState> },
	practiceId: string,
	main: string,
): TriggerState {
	if (practiceId === main) return root;
	const all = (root.practices ??= {});
	const own = (all[practiceId] ??= {});
	return new Proxy(own, {
		set(target, name, value) {
			Reflect.set(target, name, value);
			// a write through the observed root, so n8n notes the change
			root.practices = { ...root.practices };
			return true;
		},
	});
}

export async function poll(this: IPollFunctions): Promise<INodeExecutionData[][] | null> {
	const conn = await getConnection(this);
	const s = { ...settingsOf(this), mainPractice: conn.practiceId };
	const practices = practicesOf(this, conn);
	const source = this.getNodeParameter('source', 'feed') as string;
	if (source === 'lastModified' && s.feed !== 'appointments')
		throw new NodeOperationError(
			this.getNode(),
			'The last-modified source only covers appointment events',
			{ description: 'Choose an appointment event, or use the changed-data feed.' },
		);
	const root = this.getWorkflowStaticData('node') as TriggerState;
	const one = (practiceId: string, share: Settings) =>
		source === 'lastModified'
			? pollLastModified(this, share, practiceId, stateOf(root, practiceId, conn.practiceId))
			: pollFeed(this, share, practiceId, stateOf(root, practiceId, conn.practiceId));
	if (practices.length === 1) return await one(practices[0], s);

	// several practices: each in turn, each with its share of the poll's budget (the throttle is the
	// app's, shared by all of them); one practice's failure does not keep the others from being read
	const share = { ...s, budgetMs: s.budgetMs / practices.length };
	const returned: INodeExecutionData[] = [];
	const failures: Array<{ practiceId: string; error: unknown }> = [];
	for (const practiceId of practices) {
		try {
			const result = await one(practiceId, share);
			if (result) returned.push(...result[0]);
		} catch (error) {
			failures.push({ practiceId, error });
		}
	}
	const manual = this.getMode() === 'manual';
	if (manual && returned.length) return [returned.slice(0, MANUAL_SAMPLE)];
	const real = failures.filter(
		(f) => !(manual && /^No pending/.test(String((f.error as Error)?.message))),
	);
	// one practice's failure (not enabled yet, a subscription athena has not applied) must not stop
	// the others, nor fail the workflow's activation: it is logged, poll after poll, until every
	// practice fails
	if (real.length && real.length === practices.length) {
		const error = asNodeError(this.getNode(), real[0].error);
		error.message = `Practice ${real[0].practiceId}: ${error.message}`;
		throw error;
	}
	for (const f of real)
		this.logger.warn(
			`athenahealth Trigger: practice ${f.practiceId} was not read: ${String((f.error as Error)?.message)}`,
		);
	if (manual && !returned.length && failures.length)
		throw asNodeError(this.getNode(), failures[0].error);
	return returned.length ? [returned] : null;
}
