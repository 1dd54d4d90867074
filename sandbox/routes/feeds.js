'use strict';
// Changed-data feeds: one queue per (client, practice, feed); GET …/changed drains
// what it returns unless leaveunprocessed=true; showprocessed* replays a window in Eastern time.

const { fail, truthy, list } = require('./athenanet');

const EVENTS = {
	appointments: [
		'ScheduleAppointment',
		'CheckIn',
		'CheckOut',
		'UpdateAppointment',
		'CancelAppointment',
		'FreezeAppointment',
		'UnfreezeAppointment',
		'DeleteAppointment',
		'AddAppointmentSlot',
	],
	patients: [
		'AddPatient',
		'DeletePatient',
		'UpdatePatient',
		'MergePatient',
		'UpdatePatientCustomField',
	],
	providers: ['ProviderAdd', 'ProviderUpdate', 'ProviderDelete', 'ProviderUndelete'],
	'chart/healthhistory/problems': ['ProblemAdd', 'ProblemUpdate'],
	'chart/healthhistory/allergies': ['AllergyAdd', 'AllergyUpdate'],
	'chart/healthhistory/medication': ['MedicationHxAdd', 'MedicationHxUpdate', 'MedicationHxDelete'],
	prescriptions: ['PrescriptionAdd', 'PrescriptionUpdate', 'PrescriptionDelete'],
	labresults: ['LabResultAdd', 'LabResultUpdate'],
	claims: ['UpdateClaim'],
};
const WRAPPER = {
	appointments: 'appointments',
	patients: 'patients',
	providers: 'providers',
	'chart/healthhistory/problems': 'problems',
	'chart/healthhistory/allergies': 'allergies',
	'chart/healthhistory/medication': 'medications',
	prescriptions: 'prescriptions',
	labresults: 'labresults',
	claims: 'claims',
};
const FEED = `(${Object.keys(EVENTS)
	.map((f) => f.replace(/\//g, '\\/'))
	.join('|')})`;

function createFeeds(sb) {
	const subscriptions = new Map(); // key client|practice|feed → { events:Set, departmentids, activeAt }
	const queues = new Map(); // same key → [{ seq, event, record, processedAt }]
	const snapshots = new Map(); // same key → the items the last snapshot read consumed
	let seq = 0;
	const key = (client, practice, feed) => `${client}|${practice}|${feed}`;

	/** Called by every write in the sandbox: a snapshot goes to each subscribed client's queue. */
	function changed(practice, feed, event, record) {
		for (const [k, sub] of subscriptions) {
			const [, p, f] = k.split('|');
			if (p !== String(practice) || f !== feed || !sub.events.has(event)) continue;
			if (
				sub.departmentids &&
				record.departmentid &&
				!sub.departmentids.includes(String(record.departmentid))
			)
				continue;
			if (!queues.has(k)) queues.set(k, []);
			const queue = queues.get(k);
			queue.push({
				seq: ++seq,
				event,
				record: JSON.parse(JSON.stringify(record)),
				processedAt: undefined,
				at: Date.now(),
			});
			// athena does not keep messages forever (how long is an open question): a cap keeps memory bounded
			if (queue.length > sb.settings.feedMaxQueue)
				queue.splice(0, queue.length - sb.settings.feedMaxQueue);
		}
		sb.hl7?.onChange(practice, feed, event, record);
	}

	function status(sub, feed) {
		if (!sub || sub.events.size === 0) return 'INACTIVE';
		if (Date.now() < sub.activeAt) return 'INACTIVE';
		return sub.events.size < EVENTS[feed].length ? 'PARTIAL' : 'ACTIVE';
	}

	function register(router) {
		const route = (method, suffix, handler) =>
			router.add(method, new RegExp(`^/v1/(\\d+)/${FEED}/changed${suffix}$`), handler);
		route('GET', '/subscription/events', (ctx) => ({
			subscriptions: EVENTS[ctx.m[2]].map((eventname) => ({ eventname })),
		}));
		route('GET', '/subscription', (ctx) => {
			const sub = subscriptions.get(key(ctx.client, ctx.practice, ctx.m[2]));
			const st = status(sub, ctx.m[2]);
			return {
				status: st,
				subscriptions: sub ? [...sub.events].map((eventname) => ({ eventname })) : [],
				...(sub && Date.now() < sub.activeAt ? { activating: 'true' } : {}),
			};
		});
		route('POST', '/subscription', (ctx) => {
			const feed = ctx.m[2];
			const k = key(ctx.client, ctx.practice, feed);
			const sub = subscriptions.get(k) || {
				events: new Set(),
				activeAt: Date.now() + sb.settings.activationDelayMs,
			};
			const name = ctx.params.eventname;
			if (name) {
				if (!EVENTS[feed].includes(name))
					fail(400, { error: `The event name ${name} is not valid for this feed.` });
				sub.events.add(name);
			} else for (const e of EVENTS[feed]) sub.events.add(e);
			sub.departmentids = list(ctx.params.departmentids);
			subscriptions.set(k, sub);
			if (!queues.has(k)) queues.set(k, []);
			return { success: 'true' };
		});
		route('DELETE', '/subscription', (ctx) => {
			const k = key(ctx.client, ctx.practice, ctx.m[2]);
			const sub = subscriptions.get(k);
			if (sub && ctx.params.eventname) sub.events.delete(ctx.params.eventname);
			else subscriptions.delete(k);
			return { success: 'true' };
		});
		route('GET', '', (ctx) => {
			const feed = ctx.m[2];
			const k = key(ctx.client, ctx.practice, feed);
			const sub = subscriptions.get(k);
			if (!sub || sub.events.size === 0 || Date.now() < sub.activeAt) {
				fail(403, {
					error: 'Changed messages require setup (subscription) that has not been done.',
				});
			}
			const q = ctx.params;
			const queue = queues.get(k) || [];
			const depts = list(q.departmentid);
			const pats = list(q.patientid);
			const provs = list(q.providerid);
			const matches = (e) =>
				(!depts || depts.includes(String(e.record.departmentid))) &&
				(!pats || pats.includes(String(e.record.patientid))) &&
				(!provs || provs.includes(String(e.record.providerid)));
			const from = q.showprocessedstartdatetime
				? sb.easternToEpoch(q.showprocessedstartdatetime)
				: undefined;
			const to = q.showprocessedenddatetime
				? sb.easternToEpoch(q.showprocessedenddatetime)
				: undefined;
			if (q.showprocessedstartdatetime && from === undefined)
				fail(400, {
					detailedmessage: `Expecting format mm/dd/yyyy hh24:mi:ss, but value is ${q.showprocessedstartdatetime}`,
					error: 'The data provided is invalid.',
				});
			const replay =
				from === undefined
					? []
					: queue.filter(
							(e) =>
								e.processedAt !== undefined &&
								e.processedAt >= from &&
								(to === undefined || e.processedAt <= to) &&
								matches(e),
						);
			const fresh = queue.filter((e) => e.processedAt === undefined && matches(e));
			const limit = Math.min(10000, Number(q.limit) > 0 ? Number(q.limit) : 1000);
			const offset = /^\d+$/.test(q.offset || '') ? Number(q.offset) : 0;
			const leave = truthy(q.leaveunprocessed);
			const now = Date.now();
			let served;
			let total;
			let next;
			if (from !== undefined && sb.settings.feedReplay === 'processed-only') {
				served = replay; // a look back only: nothing new is read, nothing consumed
				total = replay.length;
			} else if (sb.settings.feedPaging === 'snapshot' && !leave) {
				// the first read consumes every match; offsets page through what that read took
				if (offset === 0) {
					for (const e of fresh) e.processedAt = now;
					snapshots.set(k, fresh);
				}
				const taken = snapshots.get(k) || [];
				const page = taken.slice(offset, offset + limit);
				if (offset + limit < taken.length) next = nextLink(ctx, limit, offset + limit);
				served = from === undefined || offset > 0 ? page : [...replay, ...page];
				total = (from === undefined ? 0 : replay.length) + taken.length;
			} else {
				const page = fresh.slice(0, limit);
				if (!leave) for (const e of page) e.processedAt = now;
				served = [...replay, ...page];
				// totalcount counts what this read could see: the replayed window plus every unprocessed match
				total = replay.length + fresh.length;
			}
			const records = served.sort((a, b) => a.seq - b.seq).map((e) => e.record);
			sb.prune(queue);
			const wrapper = WRAPPER[feed];
			const body =
				feed === 'patients'
					? { [wrapper]: records, totalcount: total }
					: { totalcount: total, [wrapper]: records };
			return next ? { ...body, next } : body;
		});
	}

	/** athena-style relative `next`: the read's filters upper-cased and sorted, limit and offset last. */
	function nextLink(ctx, limit, offset) {
		const echo = Object.keys(ctx.params)
			.filter((p) => p !== 'limit' && p !== 'offset')
			.sort()
			.map((p) => `${encodeURIComponent(p.toUpperCase())}=${encodeURIComponent(ctx.params[p])}`);
		return `/v1/${ctx.practice}${ctx.subpath}?${[...echo, `limit=${limit}`, `offset=${offset}`].join('&')}`;
	}

	/** Every item ever queued for a client (the ground truth a crash test counts against). */
	function enqueued(client) {
		const out = [];
		for (const [k, q] of queues)
			if (k.startsWith(`${client}|`))
				for (const e of q) {
					const id =
						e.record.appointmentid ??
						e.record.patientid ??
						e.record.problemid ??
						e.record.providerid;
					out.push({
						seq: e.seq,
						feed: k.split('|')[2],
						event: e.event,
						id: id === undefined ? undefined : String(id),
						processed: e.processedAt !== undefined,
					});
				}
		return out;
	}

	function queueSizes() {
		const out = {};
		for (const [k, q] of queues) out[k] = q.filter((e) => e.processedAt === undefined).length;
		return out;
	}

	return { changed, register, queueSizes, enqueued, subscriptions, EVENTS };
}

module.exports = { createFeeds, EVENTS };
