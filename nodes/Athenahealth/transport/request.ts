import type { IDataObject, IHttpRequestMethods } from 'n8n-workflow';

import {
	getConnection,
	resolvePractice,
	type AthenaConnection,
	type AthenaContext,
} from './connection';
import { athenaApiError, failureInBody } from './errors';
import { header, send } from './send';
import { pathOf, practiceUrl } from './urlGuard';

// The transport's public entry: a practice-scoped athenaNet call, composed of the connection
// (connection.ts), the URL guard (urlGuard.ts) and the send-and-retry loop (send.ts). What those
// export for the rest of the package is re-exported here.

export {
	CREDENTIAL_TYPE,
	getConnection,
	resolvePractice,
	type AthenaConnection,
	type AthenaContext,
} from './connection';
export { header, readText, send, type FullResponse, type SendOptions } from './send';
export { guardUrl, originOf } from './urlGuard';

export interface AthenaRequest {
	method: IHttpRequestMethods;
	/** Path below /v1/{practiceId}, built from validated ids, e.g. `/patients/123`. */
	path: string;
	practiceId?: string;
	qs?: IDataObject;
	/** Sent form-encoded on POST/PUT/DELETE: athenaNet takes form bodies, not JSON. */
	form?: IDataObject;
	/** Form fields sent even when empty: athena reads some empty values as "remove" (docs/athena-behaviour.md). */
	keepEmpty?: string[];
	idempotent?: boolean;
	itemIndex?: number;
	/** Leave a 200-with-failure body to the caller instead of raising it. */
	allowFailureBody?: boolean;
	timeoutMs?: number;
}

/**
 * athenaNet's form body: empty values are left out (except the fields in keepEmpty), objects and
 * arrays go as one JSON string field.
 */
export function formEncode(form: IDataObject, keepEmpty: string[] = []): string {
	const params = new URLSearchParams();
	for (const [k, v] of Object.entries(form)) {
		if (v === undefined || v === null || (v === '' && !keepEmpty.includes(k))) continue;
		params.append(k, typeof v === 'object' ? JSON.stringify(v) : String(v));
	}
	return params.toString();
}

/** Practice-scoped athenaNet call; returns the parsed body, raising 200-with-failure bodies. */
export async function athenaRequest(ctx: AthenaContext, req: AthenaRequest): Promise<unknown> {
	const conn = await getConnection(ctx);
	const practiceId = resolvePractice(ctx, conn, req.practiceId, req.itemIndex);
	const url = practiceUrl(conn, practiceId, req.path);
	return await athenaSend(ctx, conn, { ...req, practiceId, url });
}

export async function athenaSend(
	ctx: AthenaContext,
	conn: AthenaConnection,
	req: Omit<AthenaRequest, 'path'> & { practiceId: string; url: string },
): Promise<unknown> {
	const hasForm = req.form && Object.keys(req.form).length > 0 && req.method !== 'GET';
	const response = await send(ctx, conn, {
		method: req.method,
		url: req.url,
		practiceId: req.practiceId,
		qs: req.qs,
		body: hasForm ? formEncode(req.form!, req.keepEmpty) : undefined,
		headers: hasForm ? { 'Content-Type': 'application/x-www-form-urlencoded' } : undefined,
		idempotent: req.idempotent,
		itemIndex: req.itemIndex,
		timeoutMs: req.timeoutMs,
	});
	const body = response.body;
	if (!req.allowFailureBody) {
		const failure = failureInBody(body);
		if (failure !== undefined) {
			throw athenaApiError(ctx.getNode(), {
				status: response.statusCode,
				body: typeof body === 'string' ? undefined : body,
				message: failure,
				requestId: header(response.headers, 'x-request-id'),
				method: req.method,
				path: pathOf(req.url),
				itemIndex: req.itemIndex,
			});
		}
	}
	return body;
}
