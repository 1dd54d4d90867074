'use strict';
// Control API for tests and demos (no auth, never part of athena): faults, token expiry, rates,
// scenario events that go through the same write paths as the API, counters, and local sinks.

const { rng } = require('../seed');

function register(router, sb) {
	const r = (method, path, handler) => router.add(method, new RegExp(`^${path}$`), handler);
	const { state, settings, counters } = sb;
	const random = rng(7);
	const pick = (arr) => arr[Math.floor(random() * arr.length)];

	/** Runs an athenaNet handler in-process, as the sandbox's own scenario client. */
	sb.invoke = (method, path, params = {}, practice = '195900') => {
		const full = `/v1/${practice}${path}`;
		const found = sb.apiRouter.match(method, full);
		if (!found?.handler) throw new Error(`no route ${method} ${full}`);
		return found.handler({
			method,
			path: full,
			m: found.match,
			practice,
			client: 'scenario',
			params,
			subpath: path,
		});
	};

	r('GET', '/_control/counters', () => ({
		...counters,
		queueSizes: sb.feeds.queueSizes(),
		faults: sb.faults.length,
	}));
	r('POST', '/_control/reset-counters', () => {
		sb.resetCounters();
		return { ok: true };
	});
	r('POST', '/_control/settings', ({ body }) => {
		for (const [k, v] of Object.entries(body)) {
			if (!(k in settings)) throw new Error(`unknown setting ${k}`);
			settings[k] = v;
		}
		if ('qps' in body) sb.resetThrottle();
		if ('quotaUsed' in body) sb.setQuotaUsed(body.quotaUsed);
		return settings;
	});
	r('GET', '/_control/settings', () => settings);
	// for the memory soak: heap after a full GC when the process runs with --expose-gc
	r('GET', '/_control/memory', () => {
		global.gc?.();
		const m = process.memoryUsage();
		return {
			heapUsed: m.heapUsed,
			rss: m.rss,
			external: m.external,
			arrayBuffers: m.arrayBuffers,
			gc: typeof global.gc === 'function',
		};
	});
	// { method?, path? (regex), count=1, status?, body?, headers?, reset?, delayMs?, phase: before|after }
	r('POST', '/_control/faults', ({ body }) => {
		sb.faults.push({ count: 1, ...body });
		return { ok: true, pending: sb.faults.length };
	});
	r('DELETE', '/_control/faults', () => {
		sb.faults.length = 0;
		return { ok: true };
	});
	// adds or replaces an API client: { id, secret?, jwks?, scopes? }; with a JWKS it takes only
	// JWT client assertions signed by one of its keys (docs/athena-behaviour.md#jwt-client-assertion)
	r('POST', '/_control/clients', ({ body }) => {
		if (!body?.id) throw new Error('a client needs an id');
		sb.clients.set(String(body.id), { scopes: null, number: '2530', ...body });
		return { ok: true };
	});
	r('POST', '/_control/expire-tokens', () => {
		sb.expireTokens();
		return { ok: true };
	});
	r('GET', '/_control/appointments/(\\d+)', ({ m }) => state.appointments.get(m[1]) ?? null);
	r('GET', '/_control/patients/(\\d+)', ({ m }) => state.patients.get(m[1]) ?? null);
	// ends every running bulk export now, so tests need not wait out bulkDurationMs
	r('POST', '/_control/bulk/complete', () => {
		for (const job of sb.bulkJobs.values()) job.readyAt = Math.min(job.readyAt, Date.now());
		return { ok: true };
	});
	r('GET', '/_control/hl7/deliveries', () => sb.hl7.deliveries);
	// a reference lab's ORU^R01 for a patient, sent over --hl7-url (resendSame: the same message again)
	r('POST', '/_control/hl7/oru', ({ body }) => sb.hl7.sendOru(body));
	r('GET', '/_control/feeds/([a-z0-9-]+)/enqueued', ({ m }) => sb.feeds.enqueued(m[1]));
	r('GET', '/_control/subscriptions', () =>
		[...sb.feeds.subscriptions].map(([key, s]) => ({
			key,
			events: [...s.events],
			departmentids: s.departmentids,
		})),
	);

	// Scenario events: what a front desk does in athena, each producing feed records (and HL7), in
	// practice 195900 unless a step names `practiceid` (book, cancel, updatePatient, feedChange).
	const booked = () => [...state.appointments.values()].filter((a) => a.appointmentstatus === 'f');
	const open = () => [...state.appointments.values()].filter((a) => a.appointmentstatus === 'o');
	const actions = {
		book: (p) => {
			const slot = p.appointmentid ? state.appointments.get(String(p.appointmentid)) : pick(open());
			const patientid = p.patientid ?? pick([...state.patients.keys()]);
			sb.invoke(
				'PUT',
				`/appointments/${slot.appointmentid}`,
				{ patientid, appointmenttypeid: slot.appointmenttypeid },
				String(p.practiceid ?? '195900'),
			);
			return { event: 'Appointment Scheduled', appointmentid: slot.appointmentid, patientid };
		},
		cancel: (p) => {
			const appt = p.appointmentid
				? state.appointments.get(String(p.appointmentid))
				: pick(booked());
			sb.invoke(
				'PUT',
				`/appointments/${appt.appointmentid}/cancel`,
				{ patientid: appt.patientid, appointmentcancelreasonid: p.noshow ? '2' : '1' },
				String(p.practiceid ?? '195900'),
			);
			return {
				event: 'Appointment Cancelled',
				appointmentid: appt.appointmentid,
				noshow: Boolean(p.noshow),
			};
		},
		reschedule: (p) => {
			const appt = p.appointmentid
				? state.appointments.get(String(p.appointmentid))
				: pick(booked());
			const slot = pick(open().filter((s) => s.departmentid === appt.departmentid)) ?? pick(open());
			const [next] = sb.invoke('PUT', `/appointments/${appt.appointmentid}/reschedule`, {
				newappointmentid: slot.appointmentid,
				patientid: appt.patientid,
			});
			return {
				event: 'Appointment Rescheduled',
				appointmentid: next.appointmentid,
				previousappointmentid: appt.appointmentid,
			};
		},
		checkin: (p) => {
			const appt = p.appointmentid
				? state.appointments.get(String(p.appointmentid))
				: pick(booked());
			sb.invoke('POST', `/appointments/${appt.appointmentid}/startcheckin`);
			sb.invoke('POST', `/appointments/${appt.appointmentid}/checkin`);
			return { event: 'Appointment Checked In', appointmentid: appt.appointmentid };
		},
		checkout: (p) => {
			const appt = state.appointments.get(String(p.appointmentid));
			sb.invoke('POST', `/appointments/${appt.appointmentid}/checkout`);
			return { event: 'Appointment Checked Out', appointmentid: appt.appointmentid };
		},
		updatePatient: (p) => {
			const id = String(p.patientid ?? pick([...state.patients.keys()]));
			sb.invoke(
				'PUT',
				`/patients/${id}`,
				{ mobilephone: p.mobilephone ?? `556${String(1000000 + Math.floor(random() * 8999999))}` },
				String(p.practiceid ?? '195900'),
			);
			return { event: 'Patient Updated', patientid: id };
		},
		addPatient: (p) => {
			const [rec] = sb.invoke('POST', '/patients', {
				firstname: p.firstname ?? 'Nova',
				lastname: p.lastname ?? `Scenario${state.nextPatientId}`,
				dob: p.dob ?? '02/29/1992',
				departmentid: p.departmentid ?? '1',
				mobilephone: p.mobilephone ?? '5550101010',
				bypasspatientmatching: 'true',
			});
			return { event: 'Patient Added', patientid: rec.patientid };
		},
		// any feed's change as athena would queue it (feeds the sandbox has no writes for, e.g. claims)
		feedChange: (p) => {
			const { EVENTS } = require('./feeds');
			if (!EVENTS[p.feed])
				throw new Error(`unknown feed ${p.feed}; use one of ${Object.keys(EVENTS).join(', ')}`);
			sb.changed(
				String(p.practiceid ?? '195900'),
				p.feed,
				p.event ?? EVENTS[p.feed][0],
				p.record ?? {},
			);
			return { event: `${p.feed} change`, feed: p.feed };
		},
	};
	r('POST', '/_control/scenario', ({ body }) => {
		const steps = Array.isArray(body) ? body : [body];
		return steps.map((step) => {
			const action = actions[step.action];
			if (!action)
				throw new Error(
					`unknown scenario action ${step.action}; use one of ${Object.keys(actions).join(', ')}`,
				);
			return action(step);
		});
	});

	// athena's push platform: its subscriptions, what it delivered, and events or forgeries on demand
	r('GET', '/_control/push/subscriptions', () => sb.push.subscriptions());
	// { status: 'error' | 'off' | 'active' | 'deleted' }
	r('POST', '/_control/push/subscriptions/([\\w-]+)', ({ m, body }) =>
		sb.push.setStatus(m[1], body.status),
	);
	r('GET', '/_control/push/deliveries', ({ query }) =>
		query.full ? sb.push.deliveries() : sb.push.summary(),
	);
	r('DELETE', '/_control/push/deliveries', () => {
		sb.push.reset();
		return { ok: true };
	});
	// { topic, practice?, count, batchSizes?, redeliverEvery? }: `count` events about seeded
	// appointments (or patients), sent now
	r('POST', '/_control/push/emit', ({ body }) => {
		const practice = String(body.practice ?? '195900');
		const appointments = [...state.appointments.values()].filter((a) => a.patientid);
		const records = Array.from({ length: Number(body.count ?? 1) }, (_, i) => {
			const a = appointments[i % appointments.length];
			return { ...a, encounterid: a.encounterid ?? String(Number(a.appointmentid) + 1000000) };
		});
		const events = sb.push.publish(body.topic, practice, records, {
			now: true,
			batchSizes: body.batchSizes,
			redeliverEvery: body.redeliverEvery,
		});
		return { events: events.map((e) => e.id) };
	});
	r('POST', '/_control/push/forge', async ({ body }) => sb.push.forge(Number(body.count ?? 5)));
	// Local sinks standing in for SMS, email or a ticket tracker in the example workflows.
	r('POST', '/_sink/([a-z0-9-]+)', ({ m, raw, req }) => {
		const list = state.sinks.get(m[1]) || [];
		let body = raw;
		try {
			body = JSON.parse(raw);
		} catch {
			/* keep text bodies as they came */
		}
		list.push({
			receivedAt: new Date().toISOString(),
			contentType: req.headers['content-type'],
			body,
		});
		state.sinks.set(m[1], list);
		return { ok: true, count: list.length };
	});
	r('GET', '/_sink/([a-z0-9-]+)', ({ m }) => state.sinks.get(m[1]) || []);
	r('DELETE', '/_sink/([a-z0-9-]+)', ({ m }) => {
		state.sinks.delete(m[1]);
		return { ok: true };
	});
}

module.exports = { register };
