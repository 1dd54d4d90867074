'use strict';
// athena sandbox: a local simulator of athenaOne's preview environment, built from athena's public
// documentation and recorded responses (the facts it relies on: docs/athena-behaviour.md).
// startSandbox(options) → { url, port, state, settings, counters, close() }
//
// Its parts: settings.js (every switch and its default), gateway.js (tokens, throttling, quota),
// server.js (listen, route, close), routes/ (athenaNet, FHIR, Bulk Data, feeds, control API).

const { athenaDateTime, parts, dayOf, easternToEpoch } = require('./clock');
const { buildSeed } = require('./seed');
const { Router } = require('./http');
const { defaultSettings, startOptions, DEFAULT_CLIENT } = require('./settings');
const { createGateway, ATHENA_SCOPE } = require('./gateway');
const { startServer, newCounters } = require('./server');
const athenanet = require('./routes/athenanet');
const record = require('./routes/record');
const chartWrites = require('./routes/chartWrites');
const { createFeeds } = require('./routes/feeds');
const control = require('./routes/control');
const fhir = require('./routes/fhir');
const bulk = require('./routes/bulk');
const customFields = require('./routes/customFields');
const billingWrites = require('./routes/billingWrites');
const { startSandboxProcess } = require('./process');
const { createHl7Feed } = require('./hl7feed');
const { createPush } = require('./push');

async function startSandbox(options = {}) {
	const settings = defaultSettings(options);
	const start = startOptions(options);
	const clients = new Map(start.clients.map((c) => [c.id, { scopes: null, number: '2530', ...c }]));
	const todayDay = start.today ? dayOf(start.today) : Math.floor(Date.now() / 86400000);
	const { seed, patients, departmentOnePatients, booked, openSlots, days, daysBack } = start;
	const state = {
		...buildSeed({
			seed,
			patients,
			departmentOnePatients,
			booked,
			openSlots,
			days,
			daysBack,
			todayDay,
		}),
		notes: new Map(),
		reminders: new Map(),
		problems: [],
		sinks: new Map(),
		// FHIR QuestionnaireResponses created through the API (id → resource)
		questionnaireResponses: new Map(),
	};
	const tokens = new Map(); // token → { client, scopes, expiresAt }
	const counters = newCounters();
	let noteSeq = 0;

	const sb = {
		state,
		settings,
		counters,
		faults: [],
		clients,
		tokens,
		clientNumber: '2530',
		today: () => todayDay,
		easternToEpoch,
		parseAthenaDateTime: (text) => easternToEpoch(text),
		addNote(appointmentId, text, displayonschedule = false) {
			const notes = state.notes.get(String(appointmentId)) || [];
			const created = athenaDateTime(parts(new Date()));
			const createdby = `API-${sb.clientNumber}`;
			notes.push({
				noteid: String(40000 + noteSeq++),
				notetext: text,
				created,
				createdby,
				displayonschedule,
			});
			state.notes.set(String(appointmentId), notes);
		},
		/** Drops messages older than the retention: processed ones by when they were read, others by when they arrived. */
		prune(queue) {
			const cutoff = Date.now() - settings.feedRetentionMs;
			const expired = (e) => (e.processedAt ?? e.at ?? Infinity) < cutoff;
			if (!queue.some(expired)) return;
			const keep = queue.filter((e) => !expired(e));
			queue.length = 0;
			for (const e of keep) queue.push(e);
		},
		resetCounters: () => Object.assign(counters, newCounters()),
	};
	const gateway = createGateway(sb);
	sb.hl7 = createHl7Feed(sb);
	sb.feeds = createFeeds(sb);
	sb.push = createPush(sb);
	// a change reaches the feeds and, for its topics, athena's push subscribers
	sb.changed = (practice, feed, event, record) => {
		sb.feeds.changed(practice, feed, event, record);
		sb.push.changed(practice, feed, event, record);
	};

	const api = new Router();
	athenanet.register(api, sb);
	record.register(api, sb);
	chartWrites.register(api, sb);
	customFields.register(api, sb);
	billingWrites.register(api, sb);
	sb.feeds.register(api);
	sb.apiRouter = api;
	const fhirApi = new Router();
	sb.push.register(fhirApi);
	fhir.register(fhirApi, sb);
	bulk.register(fhirApi, sb);
	const ctrl = new Router();
	control.register(ctrl, sb);

	const routers = { api, fhirApi, control: ctrl };
	const server = await startServer(sb, { gateway, routers, host: start.host, port: start.port });
	await sb.startSecondOrigin();
	sb.url = `http://${start.host}:${server.port}`;
	sb.port = server.port;
	sb.server = server.server;
	sb.close = () => server.close().then(() => sb.closeSecondOrigin());
	return sb;
}

module.exports = { startSandbox, DEFAULT_CLIENT, ATHENA_SCOPE, startSandboxProcess };
