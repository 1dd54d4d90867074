import { createHmac, timingSafeEqual } from 'crypto';

import type { IDataObject } from 'n8n-workflow';

import { resourceOfTopic } from './topics';

// A notification athena pushes: its signature, its events and the items they become. No n8n
// context here, so the rules are the same wherever they run.

/** The methods WebSub allows in X-Hub-Signature; athena signs with sha256 and may change it (docs/athena-behaviour.md#push-signature). */
const METHODS = new Set(['sha1', 'sha256', 'sha384', 'sha512']);

export type Verdict = { ok: true } | { ok: false; reason: string };

/**
 * Checks `X-Hub-Signature: <method>=<hex>` against an HMAC of the raw body as received. The
 * method is read from the header; an unknown one is refused. Neither the secret nor the expected
 * signature is ever part of the verdict.
 */
export function verifySignature(
	raw: Uint8Array | string | undefined,
	header: unknown,
	secret: string | undefined,
): Verdict {
	if (!secret)
		return { ok: false, reason: 'the trigger has no secret (activate the workflow again)' };
	if (raw === undefined) return { ok: false, reason: 'the request body could not be read' };
	const value = Array.isArray(header) ? header[0] : header;
	if (typeof value !== 'string' || !value.trim())
		return { ok: false, reason: 'no X-Hub-Signature header' };
	const m = /^\s*([A-Za-z0-9-]+)=([0-9A-Fa-f]+)\s*$/.exec(value);
	if (!m) return { ok: false, reason: 'a malformed X-Hub-Signature header' };
	const method = m[1].toLowerCase();
	if (!METHODS.has(method))
		return { ok: false, reason: `an unknown signature method (${method.slice(0, 20)})` };
	const expected = createHmac(method, secret).update(raw).digest('hex');
	const given = m[2].toLowerCase();
	const enc = new TextEncoder();
	const a = enc.encode(expected);
	const b = enc.encode(given);
	if (a.length !== b.length || !timingSafeEqual(a, b))
		return { ok: false, reason: 'a signature that does not match the body' };
	return { ok: true };
}

export interface Notification {
	bundleId?: string;
	/** `event-notification`, `handshake`, `heartbeat`, … */
	type: string;
	topic?: string;
	subscriptionId?: string;
	events: IDataObject[];
	/** AuditEvent entries by id (each event's id is one of them). */
	audits: Map<string, IDataObject>;
}

/** Reads a notification Bundle (type history, entry[0] a SubscriptionStatus); undefined when it is not one. */
export function readNotification(body: unknown): Notification | undefined {
	const bundle = body as IDataObject | undefined;
	if (!bundle || bundle.resourceType !== 'Bundle' || !Array.isArray(bundle.entry)) return undefined;
	const entries = bundle.entry as IDataObject[];
	const status = (entries[0]?.resource ?? undefined) as IDataObject | undefined;
	if (status?.resourceType !== 'SubscriptionStatus') return undefined;
	const audits = new Map<string, IDataObject>();
	for (const e of entries.slice(1)) {
		const r = e.resource as IDataObject | undefined;
		if (r?.resourceType === 'AuditEvent' && typeof r.id === 'string') audits.set(r.id, r);
	}
	const subscription = String((status.subscription as IDataObject | undefined)?.reference ?? '');
	return {
		bundleId: typeof bundle.id === 'string' ? bundle.id : undefined,
		type: String(status.type ?? 'event-notification'),
		topic: typeof status.topic === 'string' ? status.topic : undefined,
		subscriptionId: subscription.replace(/^Subscription\//, '') || undefined,
		events: Array.isArray(status.notificationEvent)
			? (status.notificationEvent as IDataObject[])
			: [],
		audits,
	};
}

interface Ref {
	reference?: string;
	identifier?: { system?: string; value?: string };
	type?: string;
}

/** athenaNet ids from an identifier (`urn:athenahealth:athenanet:<kind>:<practice>`) and FHIR ids from a reference. */
function collectIds(ref: Ref | undefined, athena: IDataObject, fhir: IDataObject) {
	if (!ref) return {};
	let kind: string | undefined;
	let athenaId: string | undefined;
	let practiceId: string | undefined;
	const m = /^urn:athenahealth:athenanet:([a-z]+):(\d+)$/i.exec(ref.identifier?.system ?? '');
	if (m && ref.identifier?.value !== undefined) {
		kind = m[1].toLowerCase();
		practiceId = m[2];
		athenaId = String(ref.identifier.value);
		athena[`${kind}id`] = athenaId;
	}
	let fhirType: string | undefined;
	let fhirId: string | undefined;
	const r = /^([A-Z][A-Za-z]+)\/([^/]+)$/.exec(ref.reference ?? '');
	if (r) {
		fhirType = r[1];
		fhirId = r[2];
		fhir[fhirType] = fhirId;
		// athena's FHIR ids carry the practice: a-{practice}.{prefix}-{id}
		const p = /^a-(\d+)\./.exec(fhirId);
		if (p && p[1] !== '1') practiceId ??= p[1];
	}
	return { kind, athenaId, fhirType, fhirId, practiceId };
}

/** The topic id (`Appointment.check-in`) from athena's topic URL. */
export const topicId = (topic: string | undefined) => (topic ?? '').split('/').pop() ?? '';

/** One item per event: topic, focus, athenaNet and FHIR ids, commit time and eventId. */
export function eventItems(n: Notification): IDataObject[] {
	const topic = topicId(n.topic);
	const resource = resourceOfTopic(topic)?.resource ?? topic.split('.')[0];
	return n.events.map((event) => {
		const athenaIds: IDataObject = {};
		const fhirIds: IDataObject = {};
		const focus = collectIds(event.focus as Ref | undefined, athenaIds, fhirIds);
		let practiceId = focus.practiceId;
		for (const ctx of (Array.isArray(event.additionalContext)
			? event.additionalContext
			: []) as Ref[]) {
			const c = collectIds(ctx, athenaIds, fhirIds);
			practiceId ??= c.practiceId;
		}
		const audit = n.audits.get(String(event.id));
		const item: IDataObject = {
			eventId: String(event.id ?? ''),
			topic,
			resource,
			practiceId: practiceId ?? null,
			focus: {
				reference: (event.focus as Ref | undefined)?.reference ?? null,
				fhirType: focus.fhirType ?? null,
				fhirId: focus.fhirId ?? null,
				athenaType: focus.kind ?? null,
				athenaId: focus.athenaId ?? null,
			},
			ids: athenaIds,
			fhirIds,
			// the database commit time of the change (docs/athena-behaviour.md#push-delivery)
			timestamp: event.timestamp ?? null,
			subscriptionId: n.subscriptionId ?? null,
			notificationId: n.bundleId ?? null,
		};
		if (audit?.recorded) item.recorded = audit.recorded;
		return item;
	});
}

/**
 * Event ids seen recently, per trigger: a time-windowed set with a size bound, oldest dropped
 * first. `admit` marks and answers in one synchronous step, so two deliveries of one event at once
 * admit it once.
 */
export class SeenEvents {
	private seen = new Map<string, number>();

	constructor(
		private windowMs: number,
		private max: number,
	) {}

	admit(id: string, now: number): boolean {
		this.expire(now);
		const at = this.seen.get(id);
		if (at !== undefined && now - at < this.windowMs) return false;
		this.seen.delete(id);
		this.seen.set(id, now);
		while (this.seen.size > this.max) this.seen.delete(this.seen.keys().next().value as string);
		return true;
	}

	get size() {
		return this.seen.size;
	}

	private expire(now: number) {
		for (const [id, at] of this.seen) {
			if (now - at < this.windowMs) break;
			this.seen.delete(id);
		}
	}
}
