import { randomBytes } from 'crypto';

import {
	NodeOperationError,
	type IDataObject,
	type IHookFunctions,
	type ILoadOptionsFunctions,
	type INodePropertyOptions,
	type IWebhookFunctions,
	type IWebhookResponseData,
} from 'n8n-workflow';

import { asNodeError } from '../transport/errors';
import { athenaRequest } from '../transport/request';
import { getConnection, resolvePractice } from '../transport/connection';
import { eventItems, readNotification, SeenEvents, verifySignature } from './notification';
import {
	createSubscription,
	deleteSubscription,
	readFhir,
	readSubscriptions,
	readTopics,
	type StoredSubscription,
} from './subscriptions';
import { DOCUMENTED_TOPICS, resourceOfTopic, TOPIC_ID, topicLabel } from './topics';

// The Event Trigger's behaviour: subscribe on activation, unsubscribe on deactivation, and turn
// each signed notification into one item per new event. The 2xx goes out before the workflow runs
// (n8n's onReceived mode, or this code's own answer before it fetches records), inside athena's
// 2-second limit (docs/athena-behaviour.md#push-delivery).

/** How long and how many event ids each trigger remembers to drop redeliveries. */
export const DUPLICATE_WINDOW_HOURS = 24;
export const DUPLICATE_MAX_IDS = 20000;

// Per n8n process: n8n discards static data a webhook call changes (it reloads the workflow's
// static data before the execution starts), so the recently-seen set lives in memory.
const seenByTrigger = new Map<string, SeenEvents>();

interface Plan {
	topics: string[];
	practiceIds: string[];
}

/** The node's topics and practices, refused before any request when they are not usable. */
async function planOf(ctx: IHookFunctions | IWebhookFunctions): Promise<Plan> {
	const node = ctx.getNode();
	const raw = ctx.getNodeParameter('topics', []) as string[];
	const topics = [...new Set((Array.isArray(raw) ? raw : [raw]).map((t) => String(t).trim()))];
	if (!topics.length || topics.some((t) => !t)) {
		throw new NodeOperationError(node, 'Topics: choose at least one topic', {
			description:
				'Pick the athena events this workflow should receive, e.g. Appointment: check in.',
		});
	}
	const bad = topics.find((t) => !TOPIC_ID.test(t));
	if (bad) {
		throw new NodeOperationError(node, `Topics: "${bad.slice(0, 60)}" is not an athena topic id`, {
			description:
				'Topic ids look like Appointment.check-in or Patient.update; choose them from the list.',
		});
	}
	const conn = await getConnection(ctx);
	const text = String(ctx.getNodeParameter('practiceIds', '') ?? '').trim();
	const practiceIds = text
		? [
				...new Set(
					text
						.split(/[\s,;]+/)
						.filter(Boolean)
						.map((p) => resolvePractice(ctx, conn, p)),
				),
			]
		: [conn.practiceId];
	return { topics, practiceIds };
}

const key = (topic: string, practiceId: string) => `${topic}|${practiceId}`;

export async function checkExists(this: IHookFunctions): Promise<boolean> {
	const data = this.getWorkflowStaticData('node');
	const stored = (data.subscriptions as StoredSubscription[] | undefined) ?? [];
	if (!stored.length || typeof data.secret !== 'string') return false;
	const plan = await planOf(this);
	const wanted = new Set(plan.practiceIds.flatMap((p) => plan.topics.map((t) => key(t, p))));
	const have = new Set(stored.map((s) => key(s.topic, s.practiceId)));
	if (
		data.endpoint !== this.getNodeWebhookUrl('default') ||
		wanted.size !== have.size ||
		[...wanted].some((k) => !have.has(k))
	)
		return false;
	const athena = await readSubscriptions(this);
	for (const s of stored) {
		const found = athena.get(s.id);
		const status = found ? String(found.status ?? '') : 'missing';
		if (!found || status === 'error' || status === 'off') {
			this.logger.warn(
				`athenahealth Event Trigger: athena reports Subscription ${s.id} (${s.topic}, practice ${s.practiceId}) as ${status}; the trigger's ` +
					`subscriptions are created again`,
			);
			return false;
		}
	}
	return true;
}

export async function create(this: IHookFunctions): Promise<boolean> {
	const data = this.getWorkflowStaticData('node');
	const plan = await planOf(this);
	const endpoint = this.getNodeWebhookUrl('default');
	if (!endpoint)
		throw new NodeOperationError(this.getNode(), 'n8n gave no webhook URL for this trigger');
	// athena may still deliver to what an earlier activation created: remove it first
	for (const s of (data.subscriptions as StoredSubscription[] | undefined) ?? []) {
		try {
			await deleteSubscription(this, s);
		} catch {
			this.logger.warn(
				`athenahealth Event Trigger: could not delete the earlier Subscription ${s.id} (${s.topic}); it stops delivering once athena gives up on it`,
			);
		}
	}
	delete data.subscriptions;
	const secret = randomBytes(32).toString('hex');
	const created: StoredSubscription[] = [];
	const workflow = this.getWorkflow();
	try {
		for (const practiceId of plan.practiceIds) {
			for (const topic of plan.topics) {
				const id = await createSubscription(this, {
					topic,
					practiceId,
					endpoint,
					secret,
					reason: `n8n workflow ${workflow.id ?? ''} (${this.getNode().name})`,
				});
				created.push({ id, topic, practiceId });
			}
		}
	} catch (error) {
		for (const s of created) await deleteSubscription(this, s).catch(() => undefined);
		throw asNodeError(this.getNode(), error);
	}
	data.secret = secret;
	data.endpoint = endpoint;
	data.subscriptions = created;
	return true;
}

export async function remove(this: IHookFunctions): Promise<boolean> {
	const data = this.getWorkflowStaticData('node');
	const stored = (data.subscriptions as StoredSubscription[] | undefined) ?? [];
	const left: StoredSubscription[] = [];
	for (const s of stored) {
		try {
			await deleteSubscription(this, s);
		} catch (error) {
			left.push(s);
			this.logger.warn(
				`athenahealth Event Trigger: could not delete Subscription ${s.id} (${s.topic}): ${(error as Error).message}`,
			);
		}
	}
	if (left.length) {
		data.subscriptions = left;
		return false;
	}
	delete data.subscriptions;
	delete data.secret;
	delete data.endpoint;
	return true;
}

/** The picker: athena's topics, or the documented ones when the app cannot read them. */
export async function getTopics(this: ILoadOptionsFunctions): Promise<INodePropertyOptions[]> {
	let ids: string[];
	let offline = false;
	const descriptions = new Map<string, string>();
	try {
		const topics = await readTopics(this);
		ids = topics.map((t) => String(t.id)).filter((t) => TOPIC_ID.test(t));
		for (const t of topics)
			if (typeof t.description === 'string') descriptions.set(String(t.id), t.description);
		if (!ids.length) throw new Error('no topics');
	} catch {
		ids = DOCUMENTED_TOPICS;
		offline = true;
	}
	return [...ids].sort().map((id) => ({
		name: topicLabel(id),
		value: id,
		description: offline
			? `${id} (from athena's documentation: this credential could not read athena's topic list)`
			: (descriptions.get(id) ?? id),
	}));
}

/** Writes the answer itself (a 401 that starts nothing, or the 200 sent before records are fetched). */
function answer(ctx: IWebhookFunctions, status: number, body: IDataObject) {
	const res = ctx.getResponseObject();
	res.writeHead(status, { 'Content-Type': 'application/json' });
	res.end(JSON.stringify(body));
}

async function rawBodyOf(ctx: IWebhookFunctions): Promise<Uint8Array | undefined> {
	const req = ctx.getRequestObject() as unknown as {
		rawBody?: Uint8Array;
		readRawBody?: () => Promise<void>;
	};
	if (req.rawBody === undefined && typeof req.readRawBody === 'function') await req.readRawBody();
	return req.rawBody;
}

export async function webhook(this: IWebhookFunctions): Promise<IWebhookResponseData> {
	const data = this.getWorkflowStaticData('node');
	const raw = await rawBodyOf(this);
	// verification comes before anything else reads the body
	const verdict = verifySignature(
		raw,
		this.getHeaderData()['x-hub-signature'],
		data.secret as string,
	);
	if (!verdict.ok) {
		this.logger.warn(`athenahealth Event Trigger: refused a notification with ${verdict.reason}`);
		answer(this, 401, { error: 'The signature was not accepted.' });
		return { noWebhookResponse: true };
	}
	let notification;
	try {
		notification = readNotification(JSON.parse(new TextDecoder().decode(raw)));
	} catch {
		notification = undefined;
	}
	if (!notification) {
		this.logger.warn('athenahealth Event Trigger: a signed request was not a notification Bundle');
		answer(this, 400, { error: 'Not a subscription notification Bundle.' });
		return { noWebhookResponse: true };
	}
	if (notification.type === 'handshake' || notification.type === 'heartbeat')
		return { webhookResponse: { received: 0 } };

	const workflowKey = `${this.getWorkflow().id ?? ''}|${this.getNode().id}`;
	let seen = seenByTrigger.get(workflowKey);
	if (!seen) {
		seen = new SeenEvents(DUPLICATE_WINDOW_HOURS * 3600_000, DUPLICATE_MAX_IDS);
		seenByTrigger.set(workflowKey, seen);
	}
	const now = Date.now();
	const filters = this.getNodeParameter('filters', {}) as IDataObject;
	const departments = new Set(
		String(filters.departmentIds ?? '')
			.split(/[\s,;]+/)
			.filter(Boolean),
	);
	const all = eventItems(notification);
	const items = all.filter((item) => {
		if (!item.eventId || !seen!.admit(String(item.eventId), now)) return false;
		const department = (item.ids as IDataObject).departmentid;
		return !departments.size || department === undefined || departments.has(String(department));
	});
	if (!items.length) return { webhookResponse: { received: all.length, new: 0 } };

	const options = this.getNodeParameter('options', {}) as IDataObject;
	const fetch = String(options.fetchResource ?? 'none');
	// "recorded": n8n's onReceived answer, sent once n8n has registered the execution; under load
	// that registration took up to 2 s in our tests, so by default the node answers itself first
	if (fetch === 'none' && options.answer === 'recorded')
		return { workflowData: [this.helpers.returnJsonArray(items)] };

	// the answer goes out now: registering the execution, and reading records, may take longer than
	// athena waits (docs/athena-behaviour.md#push-delivery)
	answer(this, 200, { received: all.length, new: items.length });
	for (const item of items) await attachRecord(this, item, fetch);
	return { noWebhookResponse: true, workflowData: [this.helpers.returnJsonArray(items)] };
}

/** Reads the focus (athenaNet record or FHIR resource, the preferred one first); a failure is said on the item. */
async function attachRecord(ctx: IWebhookFunctions, item: IDataObject, prefer: string) {
	const focus = item.focus as IDataObject;
	const topic = resourceOfTopic(String(item.topic));
	const practiceId = item.practiceId ? String(item.practiceId) : undefined;
	const athena =
		topic?.athenaPath && typeof focus.athenaId === 'string' && /^\d{1,18}$/.test(focus.athenaId)
			? () =>
					athenaRequest(ctx, {
						method: 'GET',
						path: topic.athenaPath!(String(focus.athenaId)),
						practiceId,
					})
			: undefined;
	const fhir =
		typeof focus.fhirType === 'string' && typeof focus.fhirId === 'string' && practiceId
			? () => readFhir(ctx, practiceId, String(focus.fhirType), String(focus.fhirId))
			: undefined;
	const order = prefer === 'fhir' ? [fhir, athena] : [athena, fhir];
	const read = order.find((r) => r !== undefined);
	if (!read) {
		item.fetchError = `This package has no read for ${String(item.resource)} events`;
		return;
	}
	try {
		const body = await read();
		// athenaNet answers a one-record list for a single record
		item.record = (Array.isArray(body) ? body[0] : body) as IDataObject;
		item.recordSource = read === fhir ? 'fhir' : 'athenaNet';
	} catch (error) {
		item.fetchError = (error as Error).message;
	}
}
