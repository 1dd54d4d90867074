'use strict';
// athena's Event Subscription Platform, simulated (docs/athena-behaviour.md#push-subscriptions):
// GET /fhir/r4/SubscriptionTopic, Subscription create (201, secret from X-Hub-Secret), search, read
// and delete (204); and a notifier that POSTs signed Bundles (X-Hub-Signature: sha256=<hex> over the
// exact body) for changes made through the sandbox, several events per Bundle or one (switch), and
// retries a non-2xx answer or one slower than athena's 2-second limit on a compressed schedule, then
// keeps it as dead letter. Every delivery attempt is recorded with its answer and latency.

const crypto = require('node:crypto');

const { fhirRoute, fhir, outcome, FhirError, KNOWN_PRACTICES, segment } = require('./routes/fhir');

// athena's documented topics (the appendix of https://github.com/athenahealth/aone-fhir-subscriptions);
// the package's registry must agree (test/package/topics.test.ts)
const TOPICS = {
	Appointment: [
		'cancel',
		'check-in',
		'check-out',
		'freeze',
		'reschedule',
		'schedule',
		'unfreeze',
		'update',
	],
	Claim: ['create', 'delete', 'update'],
	ClinicalEncounterDiagnosis: ['create', 'delete', 'update'],
	Encounter: ['check-in', 'reopen', 'signoff'],
	HistoricalMedication: ['create', 'delete', 'update'],
	HistoricalVaccine: ['create', 'delete', 'update'],
	ImagingResult: ['close', 'create', 'delete', 'reopen', 'update'],
	LabResult: ['close', 'create', 'update'],
	Order: ['cancel', 'deny', 'perform', 'signoff', 'submit', 'update'],
	Patient: ['create', 'delete', 'merge', 'update'],
	PatientCase: ['add-note', 'create', 'update'],
	PatientProblem: ['create', 'delete', 'update'],
	Prescription: [
		'create',
		'delete',
		'preapprove',
		'refill-create',
		'refill-update',
		'reopen',
		'update',
	],
	Provider: ['create', 'delete', 'undelete', 'update'],
	ReferringProvider: ['create', 'delete', 'undelete', 'update'],
};
const TOPIC_IDS = Object.entries(TOPICS).flatMap(([r, verbs]) => verbs.map((v) => `${r}.${v}`));

// changes made through the sandbox → the topics athena publishes for them
const CHANGES = {
	appointments: {
		ScheduleAppointment: ['Appointment.schedule'],
		CancelAppointment: ['Appointment.cancel'],
		CheckIn: ['Appointment.check-in', 'Encounter.check-in'],
		CheckOut: ['Appointment.check-out'],
		UpdateAppointment: ['Appointment.update'],
	},
	patients: { AddPatient: ['Patient.create'], UpdatePatient: ['Patient.update'] },
};

const BACKPORT = 'http://hl7.org/fhir/uv/subscriptions-backport/StructureDefinition';
const WRITE = /^system\/(Subscription|\*)\.(write|\*|cud|c)$/;
const READ = (type) => new RegExp(`^system/(${type}|\\*)\\.(read|rs|r|s|\\*)$`);
const grants = (token, re) => !token?.scopes || token.scopes.some((s) => re.test(s));

function createPush(sb) {
	const { settings } = sb;
	const subscriptions = new Map(); // id → { resource, secret, client, practice, topic, events }
	const deliveries = []; // one per notification: attempts with status and latency
	const pending = new Map(); // subscription id → events waiting to be batched
	let inFlight = 0;
	const queue = [];
	let flushTimer;

	const base = () => `${sb.url}/fhir/r4`;
	const topicUrl = (id) => `${base()}/SubscriptionTopic/${id}`;
	const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

	// ---- routes
	function register(router) {
		const route = fhirRoute(router);
		route('GET', '/SubscriptionTopic', (ctx) => {
			if (!grants(ctx.token, READ('SubscriptionTopic')))
				throw new FhirError(
					403,
					outcome('forbidden', 'The access token does not grant system/SubscriptionTopic.read.'),
				);
			return fhir(200, {
				resourceType: 'Bundle',
				id: crypto.randomUUID(),
				type: 'searchset',
				total: TOPIC_IDS.length,
				entry: TOPIC_IDS.map((id) => ({
					fullUrl: topicUrl(id),
					resource: {
						resourceType: 'SubscriptionTopic',
						id,
						description: `${id.split('.')[0]} ${id.split('.')[1].replace(/-/g, ' ')}`,
						status: 'active',
						experimental: false,
					},
				})),
			});
		});
		route('GET', '/Subscription', (ctx) => {
			if (!grants(ctx.token, READ('Subscription')))
				throw new FhirError(
					403,
					outcome('forbidden', 'The access token does not grant system/Subscription.read.'),
				);
			const mine = [...subscriptions.values()].filter((s) => s.client === ctx.client);
			return fhir(200, {
				resourceType: 'Bundle',
				id: crypto.randomUUID(),
				type: 'searchset',
				total: mine.length,
				entry: mine.map((s) => ({
					fullUrl: `${base()}/Subscription/${s.resource.id}`,
					resource: s.resource,
				})),
			});
		});
		route('GET', '/Subscription/([^/$]+)', (ctx) => {
			if (!grants(ctx.token, READ('Subscription')))
				throw new FhirError(
					403,
					outcome('forbidden', 'The access token does not grant system/Subscription.read.'),
				);
			const s = subscriptions.get(segment(ctx.m[1]));
			if (!s || s.client !== ctx.client)
				throw new FhirError(
					404,
					outcome('not-found', `Resource Subscription/${ctx.m[1]} is not known`),
				);
			return fhir(200, s.resource);
		});
		route('POST', '/Subscription', (ctx) => {
			if (!grants(ctx.token, WRITE))
				throw new FhirError(
					403,
					outcome('forbidden', 'The access token does not grant system/Subscription.write.'),
				);
			let body;
			try {
				body = JSON.parse(ctx.raw);
			} catch {
				throw new FhirError(400, outcome('invalid', 'The body is not JSON.'));
			}
			const invalid = (text) => new FhirError(400, outcome('invalid', text));
			if (body?.resourceType !== 'Subscription') throw invalid('resourceType must be Subscription');
			const topic = String(body.criteria ?? '').split('/SubscriptionTopic/')[1];
			if (!TOPIC_IDS.includes(topic)) throw invalid(`Unknown topic in criteria: ${body.criteria}`);
			const filters = (body._criteria?.extension ?? [])
				.filter((e) => e.url === `${BACKPORT}/backport-filter-criteria`)
				.map((e) => String(e.valueString));
			const practice = filters
				.map((f) => /^ah-practice=Organization\/a-1\.Practice-(\d+)$/.exec(f)?.[1])
				.find(Boolean);
			if (!practice)
				throw invalid(
					'The ah-practice filter is required (one Subscription per topic per practice).',
				);
			if (!KNOWN_PRACTICES.includes(practice)) throw invalid(`Unknown practice ${practice}`);
			const channel = body.channel ?? {};
			if (channel.type !== 'rest-hook') throw invalid('channel.type must be rest-hook');
			const content = (channel._payload?.extension ?? []).find(
				(e) => e.url === `${BACKPORT}/backport-payload-content`,
			)?.valueCode;
			if (content && content !== 'id-only') throw invalid('Only id-only payloads are supported.');
			if (!/^https?:\/\/[^\s]+$/.test(String(channel.endpoint ?? '')))
				throw invalid('channel.endpoint must be an https URL');
			const secret = ctx.req?.headers['x-hub-secret'];
			const id = crypto.randomUUID();
			const resource = { ...body, id, status: 'active' };
			subscriptions.set(id, {
				resource,
				secret: typeof secret === 'string' && secret ? secret : undefined,
				client: ctx.client,
				practice,
				topic,
				events: 0,
			});
			return fhir(201, resource, { Location: `${base()}/Subscription/${id}` });
		});
		route('DELETE', '/Subscription/([^/$]+)', (ctx) => {
			if (!grants(ctx.token, WRITE))
				throw new FhirError(
					403,
					outcome('forbidden', 'The access token does not grant system/Subscription.write.'),
				);
			const id = segment(ctx.m[1]);
			const s = subscriptions.get(id);
			if (!s || s.client !== ctx.client)
				throw new FhirError(404, outcome('not-found', `Resource Subscription/${id} is not known`));
			subscriptions.delete(id);
			pending.delete(id);
			return { __response: true, status: 204, body: '', headers: { 'Content-Type': 'text/plain' } };
		});
	}

	// ---- events
	const ref = (kind, practice, id, fhirRef) => {
		const out = {};
		if (settings.pushFocus !== 'identifier' && fhirRef) out.reference = fhirRef;
		if (settings.pushFocus !== 'reference' || !fhirRef)
			out.identifier = {
				system: `urn:athenahealth:athenanet:${kind}:${practice}`,
				value: String(id),
			};
		return out;
	};

	/** One event for a topic, in athena's notificationEvent form. */
	function event(topic, practice, record) {
		const resource = topic.split('.')[0];
		const context = [];
		let focus;
		if (resource === 'Patient') {
			focus = ref(
				'patient',
				practice,
				record.patientid,
				`Patient/a-${practice}.E-${record.patientid}`,
			);
		} else if (resource === 'Encounter') {
			focus = ref(
				'encounter',
				practice,
				record.encounterid,
				`Encounter/a-${practice}.encounter-${record.encounterid}`,
			);
			context.push({
				type: 'Patient',
				...ref(
					'patient',
					practice,
					record.patientid,
					`Patient/a-${practice}.E-${record.patientid}`,
				),
			});
		} else {
			// appointments are athenaNet-only: an identifier, no FHIR reference (athena's sample notifications)
			focus = {
				identifier: {
					system: `urn:athenahealth:athenanet:appointment:${practice}`,
					value: String(record.appointmentid),
				},
			};
			if (record.patientid)
				context.push({
					type: 'Patient',
					...ref(
						'patient',
						practice,
						record.patientid,
						`Patient/a-${practice}.E-${record.patientid}`,
					),
				});
		}
		if (record.departmentid)
			context.push({
				type: 'Organization',
				...ref(
					'department',
					practice,
					record.departmentid,
					`Organization/a-${practice}.Department-${record.departmentid}`,
				),
			});
		return {
			id: crypto.randomUUID(),
			timestamp: new Date().toISOString(),
			focus,
			...(context.length ? { additionalContext: context } : {}),
		};
	}

	/** A change made through the sandbox: an event for each active Subscription of its topics. */
	function changed(practice, feed, name, record) {
		for (const topic of CHANGES[feed]?.[name] ?? []) {
			if (topic.startsWith('Encounter.') && !record.encounterid) continue;
			publish(topic, practice, [record]);
		}
	}

	function publish(topic, practice, records, opts = {}) {
		const targets = [...subscriptions.values()].filter(
			(s) => s.topic === topic && s.practice === String(practice) && s.resource.status === 'active',
		);
		const events = [];
		for (const s of targets) {
			for (const record of records) {
				const e = event(topic, practice, record);
				events.push(e);
				const list = pending.get(s.resource.id) ?? [];
				list.push(e);
				pending.set(s.resource.id, list);
			}
		}
		if (opts.now) flush(opts);
		else {
			clearTimeout(flushTimer);
			flushTimer = setTimeout(() => flush(), settings.pushBatchWindowMs);
		}
		return events;
	}

	/** Turns what is pending into notifications: one event each, or up to pushBatchMax. */
	function flush(opts = {}) {
		for (const [id, events] of pending) {
			pending.delete(id);
			const s = subscriptions.get(id);
			if (!s) continue;
			const sizes = opts.batchSizes ?? [
				settings.pushBatch === 'several' ? settings.pushBatchMax : 1,
			];
			let i = 0;
			let n = 0;
			while (i < events.length) {
				const size = Math.max(1, sizes[n++ % sizes.length]);
				const batch = events.slice(i, i + size);
				i += size;
				const body = bundle(s, batch);
				const copies = opts.redeliverEvery && n % opts.redeliverEvery === 0 ? 2 : 1;
				for (let c = 0; c < copies; c++)
					enqueue(s, c ? bundle(s, batch) : body, batch.length, c > 0);
			}
		}
	}

	function bundle(s, events) {
		const before = s.events;
		s.events += events.length;
		const relative = settings.pushCounters === 'relative';
		const since = relative ? events.length : s.events;
		return {
			resourceType: 'Bundle',
			id: crypto.randomUUID(),
			meta: { profile: [`${BACKPORT}/backport-subscription-notification`] },
			type: 'history',
			timestamp: new Date().toISOString(),
			entry: [
				{
					fullUrl: `urn:uuid:${crypto.randomUUID()}`,
					resource: {
						resourceType: 'SubscriptionStatus',
						id: crypto.randomUUID(),
						status: 'active',
						type: 'event-notification',
						eventsSinceSubscriptionStart: String(since),
						eventsInNotification: events.length,
						subscription: { reference: `Subscription/${s.resource.id}` },
						topic: topicUrl(s.topic),
						notificationEvent: events.map((e, k) => ({
							eventNumber: String(relative ? k + 1 : before + k + 1),
							...e,
						})),
					},
					request: { method: 'GET', url: `Subscription/${s.resource.id}/$status` },
					response: { status: '200' },
				},
				...events.map((e) => ({
					fullUrl: `urn:uuid:${e.id}`,
					resource: {
						resourceType: 'AuditEvent',
						id: e.id,
						meta: { versionId: '0' },
						recorded: e.timestamp,
					},
				})),
			],
		};
	}

	// ---- delivery: at most pushConcurrency notifications in flight, each retried on the schedule
	function enqueue(s, body, events, redelivery) {
		const raw = JSON.stringify(body);
		const record = {
			id: body.id,
			subscription: s.resource.id,
			topic: s.topic,
			events,
			redelivery,
			status: 'queued',
			attempts: [],
		};
		deliveries.push(record);
		if (deliveries.length > 20000) deliveries.shift();
		queue.push(() => deliver(s, raw, record));
		pump();
	}

	function pump() {
		while (inFlight < settings.pushConcurrency && queue.length) {
			const job = queue.shift();
			inFlight++;
			job().finally(() => {
				inFlight--;
				pump();
			});
		}
	}

	const sign = (secret, raw, method = 'sha256') =>
		`${method}=${crypto.createHmac(method, secret).update(raw).digest('hex')}`;

	/** One POST; resolves to { status, ms } (status 0 for no answer within the limit). */
	async function post(endpoint, raw, headers) {
		const started = performance.now();
		try {
			const res = await fetch(endpoint, {
				method: 'POST',
				headers: { 'Content-Type': 'application/fhir+json', ...headers },
				body: raw,
				signal: globalThis.AbortSignal.timeout(settings.pushTimeoutMs),
			});
			await res.arrayBuffer();
			return { status: res.status, ms: Math.round(performance.now() - started) };
		} catch (e) {
			return { status: 0, ms: Math.round(performance.now() - started), error: e.name };
		}
	}

	async function deliver(s, raw, record) {
		const schedule = String(settings.pushRetryScheduleMs)
			.split(',')
			.map(Number)
			.filter((n) => n >= 0);
		const started = Date.now();
		for (let attempt = 0; ; attempt++) {
			if (!subscriptions.has(s.resource.id)) {
				record.status = 'unsubscribed';
				return;
			}
			record.status = 'sending';
			const headers = s.secret ? { 'X-Hub-Signature': sign(s.secret, raw) } : {};
			const a = await post(s.resource.channel.endpoint, raw, headers);
			record.attempts.push(a);
			// success only on a 2xx within the limit
			if (a.status >= 200 && a.status < 300 && a.ms <= settings.pushTimeoutMs) {
				record.status = 'delivered';
				return;
			}
			const wait = schedule[Math.min(attempt, schedule.length - 1)] ?? 1000;
			if (Date.now() + wait - started > settings.pushRetryForMs) {
				record.status = 'dead-letter';
				return;
			}
			record.status = 'retrying';
			await sleep(wait);
		}
	}

	/**
	 * Requests that must be refused (401), each carrying fresh event ids: a wrong secret, no
	 * signature, an unknown method, a body re-encoded after signing, a truncated signature.
	 */
	async function forge(count) {
		const results = [];
		const targets = [...subscriptions.values()];
		for (let i = 0; i < count; i++) {
			const s = targets[i % targets.length];
			if (!s) break;
			const events = [event(s.topic, s.practice, { appointmentid: 1, patientid: 1 })];
			const body = bundle(s, events);
			const raw = JSON.stringify(body);
			const kinds = {
				'wrong-secret': () => ({
					raw,
					headers: { 'X-Hub-Signature': sign('not-the-secret', raw) },
				}),
				missing: () => ({ raw, headers: {} }),
				'other-method': () => ({
					raw,
					headers: { 'X-Hub-Signature': sign(s.secret ?? 'x', raw, 'md5') },
				}),
				're-encoded': () => ({
					raw: JSON.stringify(body, null, 2),
					headers: { 'X-Hub-Signature': sign(s.secret ?? 'x', raw) },
				}),
				truncated: () => ({
					raw,
					headers: { 'X-Hub-Signature': sign(s.secret ?? 'x', raw).slice(0, -2) },
				}),
			};
			const kind = Object.keys(kinds)[i % 5];
			const req = kinds[kind]();
			const a = await post(s.resource.channel.endpoint, req.raw, req.headers);
			results.push({ kind, eventId: events[0].id, ...a });
		}
		return results;
	}

	function summary() {
		const done = deliveries.filter((d) => d.status === 'delivered');
		const answered = deliveries.flatMap((d) => d.attempts.filter((a) => a.status));
		return {
			notifications: deliveries.length,
			delivered: done.length,
			pending:
				[...pending.values()].reduce((n, l) => n + l.length, 0) +
				deliveries.filter((d) => !['delivered', 'dead-letter', 'unsubscribed'].includes(d.status))
					.length,
			deadLetter: deliveries.filter((d) => d.status === 'dead-letter').length,
			events: done.reduce((n, d) => n + d.events, 0),
			redeliveries: deliveries.filter((d) => d.redelivery).length,
			retries: deliveries.reduce((n, d) => n + Math.max(0, d.attempts.length - 1), 0),
			maxAnswerMs: answered.reduce((m, a) => Math.max(m, a.ms), 0),
			overLimit: answered.filter((a) => a.ms > settings.pushTimeoutMs).length,
		};
	}

	return {
		register,
		changed,
		publish,
		flush,
		forge,
		summary,
		subscriptions: () =>
			[...subscriptions.values()].map((s) => ({ ...s.resource, secret: undefined })),
		deliveries: () => deliveries,
		/** athena's view of a Subscription changes (e.g. to `error` after failed deliveries) or it is gone. */
		setStatus(id, status) {
			const sub = subscriptions.get(id);
			if (!sub) throw new Error(`unknown subscription ${id}`);
			if (status === 'deleted') subscriptions.delete(id);
			else sub.resource.status = status;
			return { ok: true };
		},
		reset: () => (deliveries.length = 0),
		TOPIC_IDS,
	};
}

module.exports = { createPush, TOPIC_IDS };
