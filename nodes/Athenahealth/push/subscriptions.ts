import { NodeOperationError, type IDataObject } from 'n8n-workflow';

import {
	fhirRequest,
	fhirScope,
	fhirSearchPages,
	FHIR_ACCEPT,
	practiceParam,
} from '../transport/fhir';
import type { AthenaContext } from '../transport/connection';
import { asNodeError } from '../transport/errors';
import { send } from '../transport/send';

// athena's Subscription and SubscriptionTopic endpoints, through the shared transport (token,
// throttle, URL guard, errors). One Subscription per topic per practice, filtered by ah-practice,
// rest-hook with id-only payloads, signed with a secret given as X-Hub-Secret on creation
// (docs/athena-behaviour.md#push-subscriptions).

const BACKPORT = 'http://hl7.org/fhir/uv/subscriptions-backport/StructureDefinition';

export interface StoredSubscription {
	id: string;
	topic: string;
	practiceId: string;
}

const WRITE_SCOPE = /^system\/(Subscription|\*)\.(write|\*|cud|c)$/;

/** The FHIR scope, refusing before any call when the credential does not ask for what subscribing needs. */
export async function pushScope(ctx: AthenaContext, practiceId?: string, write = false) {
	const scope = await fhirScope(ctx, practiceId, undefined, write ? ['Subscription'] : []);
	if (write && !scope.conn.scopes.some((s) => WRITE_SCOPE.test(s))) {
		throw new NodeOperationError(
			ctx.getNode(),
			'The credential does not ask for system/Subscription.write',
			{
				description:
					'athena grants system/SubscriptionTopic.read, system/Subscription.read and system/Subscription.write on request (its API team turns the ' +
					'Event Subscription Platform on per app). Add them under Other Scopes in the athenahealth credential and save.',
			},
		);
	}
	return scope;
}

/** The topics athena offers (GET /fhir/r4/SubscriptionTopic), as ids. */
export async function readTopics(ctx: AthenaContext): Promise<IDataObject[]> {
	const scope = await pushScope(ctx);
	const topics: IDataObject[] = [];
	for await (const page of fhirSearchPages(ctx, scope, 'SubscriptionTopic', [], { maxPages: 20 })) {
		for (const e of (page.entry as IDataObject[] | undefined) ?? []) {
			const r = e.resource as IDataObject | undefined;
			if (r?.resourceType === 'SubscriptionTopic' && typeof r.id === 'string') topics.push(r);
		}
	}
	return topics;
}

/** Every Subscription athena holds for this app (GET /fhir/r4/Subscription), by id. */
export async function readSubscriptions(ctx: AthenaContext): Promise<Map<string, IDataObject>> {
	const scope = await pushScope(ctx);
	const found = new Map<string, IDataObject>();
	for await (const page of fhirSearchPages(ctx, scope, 'Subscription', [], { maxPages: 50 })) {
		for (const e of (page.entry as IDataObject[] | undefined) ?? []) {
			const r = e.resource as IDataObject | undefined;
			if (r?.resourceType === 'Subscription' && typeof r.id === 'string') found.set(r.id, r);
		}
	}
	return found;
}

/** Creates one Subscription (POST, 201); returns its id. The secret goes only in X-Hub-Secret. */
export async function createSubscription(
	ctx: AthenaContext,
	o: { topic: string; practiceId: string; endpoint: string; secret: string; reason: string },
): Promise<string> {
	const scope = await pushScope(ctx, o.practiceId, true);
	const body = {
		resourceType: 'Subscription',
		meta: { profile: [`${BACKPORT}/backport-subscription`] },
		status: 'requested',
		reason: o.reason,
		criteria: `${scope.base}/SubscriptionTopic/${o.topic}`,
		_criteria: {
			extension: [
				{
					url: `${BACKPORT}/backport-filter-criteria`,
					valueString: `ah-practice=${practiceParam(scope.practiceId)}`,
				},
			],
		},
		channel: {
			type: 'rest-hook',
			endpoint: o.endpoint,
			payload: 'application/fhir+json',
			_payload: {
				extension: [{ url: `${BACKPORT}/backport-payload-content`, valueCode: 'id-only' }],
			},
		},
	};
	const response = await send(ctx, scope.conn, {
		method: 'POST',
		url: `${scope.base}/Subscription`,
		practiceId: scope.practiceId,
		body: JSON.stringify(body),
		headers: {
			Accept: FHIR_ACCEPT,
			'Content-Type': 'application/fhir+json',
			'X-Hub-Secret': o.secret,
		},
		// a create is not repeated after an ambiguous failure: it may have taken effect
		idempotent: false,
	});
	const created = (typeof response.body === 'string' ? safeJson(response.body) : response.body) as
		| IDataObject
		| undefined;
	const id = typeof created?.id === 'string' ? created.id : undefined;
	if (!id) {
		throw new NodeOperationError(
			ctx.getNode(),
			`athena answered the Subscription for ${o.topic} without an id (HTTP ${response.statusCode})`,
			{
				description:
					'Deactivate and activate the workflow again; if it repeats, ask athena whether the Subscription exists.',
			},
		);
	}
	return id;
}

/** Deletes one Subscription (204); one athena no longer knows (404/410) counts as deleted. */
export async function deleteSubscription(ctx: AthenaContext, s: StoredSubscription) {
	const scope = await pushScope(ctx, s.practiceId);
	try {
		await send(ctx, scope.conn, {
			method: 'DELETE',
			url: `${scope.base}/Subscription/${encodeURIComponent(s.id)}`,
			practiceId: scope.practiceId,
			headers: { Accept: FHIR_ACCEPT },
			idempotent: true,
		});
	} catch (error) {
		const code = String((error as { httpCode?: unknown }).httpCode ?? '');
		if (code === '404' || code === '410') return;
		throw asNodeError(ctx.getNode(), error);
	}
}

/** Reads one resource the way the FHIR Read operation does (ah-practice on the URL). */
export async function readFhir(ctx: AthenaContext, practiceId: string, type: string, id: string) {
	const scope = await fhirScope(ctx, practiceId, undefined, [type]);
	return await fhirRequest(ctx, scope, {
		method: 'GET',
		url: `${scope.base}/${type}/${encodeURIComponent(id)}?ah-practice=${encodeURIComponent(practiceParam(scope.practiceId))}`,
	});
}

function safeJson(text: string): unknown {
	try {
		return JSON.parse(text);
	} catch {
		return undefined;
	}
}
