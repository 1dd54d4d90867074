import { NodeOperationError, type IDataObject, type INodeExecutionData, type IPollFunctions } from 'n8n-workflow';

import { parseDateInput, toAthenaDate, toAthenaDateTime, zonedParts } from '../shared/dates';
import { OTHER_FEEDS } from '../actions/subscription';
import { athenaId, listedValue } from '../shared/ids';
import { normalizeRecord } from '../shared/records';
import { asNodeError } from '../transport/errors';
import { athenaList, recordsOf } from '../transport/paginate';
import { athenaRequest, getConnection } from '../transport/request';
import { recordKey, remember, type TriggerState } from './checkpoint';
import { classifyAppointment, classifyPatient, EVENTS } from './events';

const REQUIRES_SETUP = /require setup|requires setup/i;
const REPLAY_SKEW_MS = 60_000;
const MANUAL_SAMPLE = 5;

interface Settings {
	feed: string;
	eventChoice: string;
	subscribe: string[];
	emits: string[];
	departmentIds: string[];
	qs: IDataObject;
	appointmentTypeIds: string[];
	pageSize: number;
	budgetMs: number;
}

/** athena's replay windows are Eastern wall-clock time (reference §4.4). */
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
	const feed = known ? known.feed : listedValue(ctx.getNode(), ctx.getNodeParameter('otherFeed'), OTHER_FEEDS, 'Feed');
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
	};
}

/** Subscribes to exactly the events this trigger needs, once per configuration. */
async function ensureSubscription(ctx: IPollFunctions, s: Settings, state: TriggerState): Promise<boolean> {
	const key = `${s.feed}|${s.subscribe.join(',') || '*'}|${s.departmentIds.join(',')}`;
	if (state.subscription === key) return false;
	const path = `/${s.feed}/changed/subscription`;
	const current = (await athenaRequest(ctx, { method: 'GET', path })) as { status?: string; subscriptions?: Array<{ eventname?: string }> };
	const have = new Set((current.subscriptions ?? []).map((e) => e.eventname));
	const departmentids = s.departmentIds.join(',') || undefined;
	const missing = s.subscribe.filter((e) => !have.has(e));
	let changed = false;
	if (s.subscribe.length === 0 && current.status !== 'ACTIVE') {
		await athenaRequest(ctx, { method: 'POST', path, form: { departmentids }, idempotent: true });
		changed = true;
	}
	for (const eventname of missing) {
		await athenaRequest(ctx, { method: 'POST', path, form: { eventname, departmentids }, idempotent: true });
		changed = true;
	}
	state.subscription = key;
	if (changed) ctx.logger.info(`athenahealth Trigger: subscribed to ${s.feed} (${s.subscribe.join(', ') || 'all events'})`);
	return changed;
}

interface Read {
	records: IDataObject[];
	complete: boolean;
}

/** Reads the feed until it is empty or the poll budget is spent. */
async function readFeed(ctx: IPollFunctions, s: Settings, opts: { replayFrom?: Date; leaveUnprocessed?: boolean; maxRequests?: number }): Promise<Read> {
	// Leave a quarter of the budget for classifying and deduplicating what was read.
	const deadline = Date.now() + s.budgetMs * 0.75;
	const records: IDataObject[] = [];
	for (let n = 0; ; n++) {
		const started = Date.now();
		const qs: IDataObject = { ...s.qs, limit: s.pageSize };
		if (n === 0 && opts.replayFrom) qs.showprocessedstartdatetime = eastern(opts.replayFrom);
		if (opts.leaveUnprocessed) qs.leaveunprocessed = true;
		const body = await athenaRequest(ctx, { method: 'GET', path: `/${s.feed}/changed`, qs });
		const page = recordsOf(body).records;
		records.push(...page);
		const total = Number((body as IDataObject)?.totalcount ?? page.length);
		const more = total > page.length && page.length > 0 && !opts.leaveUnprocessed;
		if (!more) return { records, complete: true };
		// Stop when another request like the last one would not finish inside the budget.
		if (Date.now() + (Date.now() - started) >= deadline || (opts.maxRequests !== undefined && n + 1 >= opts.maxRequests)) return { records, complete: false };
	}
}

function toItems(s: Settings, practiceId: string, records: IDataObject[], state: TriggerState): INodeExecutionData[] {
	// Plain copies: static data is an observed object, slow to touch once per record.
	const knownPatients = new Set(state.patients ?? []);
	const newPatients: string[] = [];
	const items: INodeExecutionData[] = [];
	for (const record of records) {
		const c =
			s.feed === 'appointments'
				? classifyAppointment(record)
				: s.feed === 'patients'
					? classifyPatient(record, knownPatients.has(String(record.patientid)))
					: undefined;
		if (s.feed === 'patients' && record.patientid !== undefined && !knownPatients.has(String(record.patientid))) {
			knownPatients.add(String(record.patientid));
			newPatients.push(String(record.patientid));
		}
		if (s.emits.length && (!c || !s.emits.includes(c.event))) continue; // a change for another event choice
		if (s.appointmentTypeIds.length && !s.appointmentTypeIds.includes(String(record.appointmenttypeid ?? ''))) continue;
		items.push({ json: { ...normalizeRecord(record), ...(c ? { event: c.event, eventRule: c.eventRule, ...c.extra } : { event: `${s.feed} change` }), practiceId, feed: s.feed } });
	}
	if (newPatients.length) state.patients = remember(state.patients ?? [], newPatients, 5000);
	return items;
}

/** Drops what an earlier poll emitted; records the keys of what this poll emits. */
function dedupe(s: Settings, records: IDataObject[], state: TriggerState): IDataObject[] {
	const seen = new Set(state.seen ?? []);
	const fresh: IDataObject[] = [];
	const keys: string[] = [];
	for (const record of records) {
		const key = recordKey(s.feed, record);
		if (seen.has(key)) continue;
		seen.add(key);
		keys.push(key);
		fresh.push(record);
	}
	state.seen = remember(state.seen ?? [], keys);
	return fresh;
}

function setupError(ctx: IPollFunctions, s: Settings, manual: boolean) {
	return new NodeOperationError(ctx.getNode(), `athena has no active ${s.feed} subscription for this API key yet`, {
		description: manual
			? 'A manual test never subscribes. Activate the workflow (the trigger then subscribes to what it needs), or use the athenahealth node: Change Subscription → Subscribe. athena takes up to 5 minutes (15 in preview) to apply a subscription.'
			: 'The trigger subscribed, but athena has not applied it yet (up to 5 minutes in production, 10–15 in preview). Polling goes on; events are delivered once it is active.',
	});
}

function isSetupError(error: unknown): boolean {
	const e = error as { httpCode?: string; message?: string };
	return e?.httpCode === '403' && REQUIRES_SETUP.test(String(e.message));
}

async function pollFeed(ctx: IPollFunctions, s: Settings, practiceId: string): Promise<INodeExecutionData[][] | null> {
	const manual = ctx.getMode() === 'manual';
	const state = ctx.getWorkflowStaticData('node') as TriggerState;
	if (manual) {
		// Non-destructive sample: leaveunprocessed, plus what was delivered in the last week.
		const sampleState: TriggerState = { patients: [...(state.patients ?? [])] };
		try {
			const { records } = await readFeed(ctx, s, { replayFrom: new Date(Date.now() - 7 * 86400_000), leaveUnprocessed: true, maxRequests: 1 });
			const items = toItems(s, practiceId, records, sampleState).slice(-MANUAL_SAMPLE);
			return items.length ? [items] : null;
		} catch (error) {
			throw isSetupError(error) ? setupError(ctx, s, true) : asNodeError(ctx.getNode(), error);
		}
	}

	const subscribedNow = await ensureSubscription(ctx, s, state);
	const pollStart = new Date();
	const replayFrom = state.checkpoint ? new Date(Date.parse(state.checkpoint) - REPLAY_SKEW_MS) : undefined;
	let read: Read;
	try {
		read = await readFeed(ctx, s, { replayFrom });
	} catch (error) {
		if (!isSetupError(error)) throw asNodeError(ctx.getNode(), error);
		if (subscribedNow) {
			ctx.logger.warn(setupError(ctx, s, false).description ?? '');
			return null;
		}
		state.subscription = undefined; // make sure of it again next poll
		throw setupError(ctx, s, false);
	}
	const items = toItems(s, practiceId, dedupe(s, read.records, state), state);
	state.checkpoint = pollStart.toISOString();
	if (!read.complete) ctx.logger.info(`athenahealth Trigger: ${s.feed} backlog not drained within the poll budget; the next poll continues`);
	return items.length ? [items] : null;
}

/** For credentials without feed access: booked appointments by last-modified window, same dedupe. */
async function pollLastModified(ctx: IPollFunctions, s: Settings, practiceId: string): Promise<INodeExecutionData[][] | null> {
	const manual = ctx.getMode() === 'manual';
	const state = ctx.getWorkflowStaticData('node') as TriggerState;
	const options = ctx.getNodeParameter('options', {}) as IDataObject;
	const pollStart = new Date();
	const from = state.checkpoint && !manual ? new Date(Date.parse(state.checkpoint) - REPLAY_SKEW_MS) : new Date(Date.now() - 86400_000);
	const today = parseDateInput(new Date())!;
	const day = (offset: number) => toAthenaDate(parseDateInput(new Date(Date.UTC(today.year, today.month - 1, today.day + offset)))!);
	const records = await athenaList(ctx, {
		method: 'GET',
		path: '/appointments/booked',
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
		const items = toItems(s, practiceId, records, {}).slice(-MANUAL_SAMPLE);
		return items.length ? [items] : null;
	}
	const items = toItems(s, practiceId, dedupe(s, records, state), state);
	state.checkpoint = pollStart.toISOString();
	return items.length ? [items] : null;
}

export async function poll(this: IPollFunctions): Promise<INodeExecutionData[][] | null> {
	const s = settingsOf(this);
	const conn = await getConnection(this);
	const source = this.getNodeParameter('source', 'feed') as string;
	if (source === 'lastModified') {
		if (s.feed !== 'appointments') throw new NodeOperationError(this.getNode(), 'The last-modified source only covers appointment events', { description: 'Choose an appointment event, or use the changed-data feed.' });
		return await pollLastModified(this, s, conn.practiceId);
	}
	return await pollFeed(this, s, conn.practiceId);
}
