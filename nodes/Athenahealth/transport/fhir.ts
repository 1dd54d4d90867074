import { NodeOperationError, type IDataObject, type IHttpRequestMethods } from 'n8n-workflow';

import { coversType, coversWrite, readScope, writeScope } from '../shared/fhirTypes';
import { noteListTotal } from '../shared/toolUse';
import {
	getConnection,
	resolvePractice,
	type AthenaConnection,
	type AthenaContext,
} from './connection';
import { athenaApiError, jsonOrText, outcomeIssues } from './errors';
import { header, send, type FullResponse } from './send';
import { fhirBaseUrl, originOf } from './urlGuard';

// FHIR R4 on the shared transport: every call carries ah-practice (athena refuses a search
// without it: docs/athena-behaviour.md, ah-practice), answers may be an OperationOutcome (as an
// HTTP error, or as an "outcome" entry inside a 200 Bundle), and Bundle paging follows link[next]
// only on athena's own origin.

export const FHIR_ACCEPT = 'application/fhir+json';
// Longer GET URLs go as POST _search (some gateways refuse URLs over ~2 KB, e.g.
// https://github.com/microsoft/fhir-server/issues/2250).
const MAX_GET_URL = 1800;

export interface FhirScope {
	conn: AthenaConnection;
	practiceId: string;
	base: string;
}

export { originOf } from './urlGuard';

/** Connection, practice and FHIR base, refusing before any call when the credential has no FHIR scopes. */
export async function fhirScope(
	ctx: AthenaContext,
	requestedPractice: unknown,
	itemIndex?: number,
	types: string[] = [],
): Promise<FhirScope> {
	const conn = await getConnection(ctx);
	if (!conn.fhirEnabled) {
		throw new NodeOperationError(
			ctx.getNode(),
			'FHIR is not turned on in the athenahealth credential',
			{
				itemIndex,
				description:
					'Open the credential, turn on "Enable FHIR", choose the FHIR scopes your athena app holds, and save.',
			},
		);
	}
	const practiceId = resolvePractice(ctx, conn, requestedPractice, itemIndex);
	const scope = { conn, practiceId, base: fhirBaseUrl(conn) };
	requireScopes(ctx, scope, types, itemIndex);
	return scope;
}

/** Refuses, before any call, to create a type the credential's token will not carry a write scope for. */
export function requireWriteScope(
	ctx: AthenaContext,
	scope: FhirScope,
	type: string,
	itemIndex?: number,
) {
	if (coversWrite(scope.conn.scopes, type)) return;
	throw new NodeOperationError(
		ctx.getNode(),
		`The credential does not ask for ${writeScope(type)}`,
		{
			itemIndex,
			description:
				`Creating a ${type} needs that scope: pick it in the credential's FHIR Scopes (or add your app's form of it, such as system/${type}.c, to ` +
				`Other Scopes) if your athena app holds it, and save.`,
		},
	);
}

/** Refuses, before any call, to read types the credential's token will not carry a scope for. */
export function requireScopes(
	ctx: AthenaContext,
	scope: FhirScope,
	types: string[],
	itemIndex?: number,
) {
	const missing = types.filter((t) => !coversType(scope.conn.scopes, t));
	if (missing.length) {
		throw new NodeOperationError(
			ctx.getNode(),
			`The credential does not ask for ${missing.map(readScope).join(', ')}`,
			{
				itemIndex,
				description:
					`Reading ${missing.join(', ')} needs ${missing.length > 1 ? 'those scopes' : 'that scope'} (or a SMART v2 form such as ` +
					`${missing.map((t) => `system/${t}.rs`)[0]}). If your athena app holds it, add it under FHIR Scopes (or Other Scopes) in the credential; ` +
					`athena refuses the whole token when a scope the app lacks is asked for.`,
			},
		);
	}
}

export const practiceParam = (practiceId: string) => `Organization/a-1.Practice-${practiceId}`;

/** Raises an OperationOutcome that came inside a 200 searchset (athena does this, e.g. for missing scopes). */
export function raiseOutcomeEntries(
	ctx: AthenaContext,
	bundle: IDataObject,
	path: string,
	response: FullResponse,
	itemIndex?: number,
) {
	const entries = Array.isArray(bundle.entry) ? (bundle.entry as IDataObject[]) : [];
	for (const entry of entries) {
		const resource = entry.resource as IDataObject | undefined;
		const mode = (entry.search as IDataObject | undefined)?.mode;
		if (resource?.resourceType !== 'OperationOutcome' || (mode !== undefined && mode !== 'outcome'))
			continue;
		const issues = outcomeIssues(resource);
		if (!issues.some((i) => /^(error|fatal)/.test(i))) continue;
		throw athenaApiError(ctx.getNode(), {
			status: response.statusCode,
			body: resource,
			method: 'GET',
			path,
			itemIndex,
			requestId: header(response.headers, 'x-request-id'),
			message: `athena answered with an OperationOutcome inside a ${response.statusCode} Bundle: ${issues[0].replace(/^(error|fatal): /, '')}`,
		});
	}
}

export interface FhirCall {
	method: IHttpRequestMethods;
	url: string;
	qs?: IDataObject;
	/** A form-encoded body (POST _search). */
	formBody?: string;
	itemIndex?: number;
}

/** One FHIR call through the shared transport; the parsed body, with outcome entries raised. */
export async function fhirRequest(
	ctx: AthenaContext,
	scope: FhirScope,
	call: FhirCall,
): Promise<IDataObject> {
	const response = await send(ctx, scope.conn, {
		method: call.method,
		url: call.url,
		qs: call.qs,
		practiceId: scope.practiceId,
		body: call.formBody,
		headers: {
			Accept: FHIR_ACCEPT,
			...(call.formBody ? { 'Content-Type': 'application/x-www-form-urlencoded' } : {}),
		},
		// POST _search only reads, so it may be repeated like a GET
		idempotent: true,
		itemIndex: call.itemIndex,
	});
	const parsed = typeof response.body === 'string' ? jsonOrText(response.body) : response.body;
	const body = (typeof parsed === 'string' ? { text: parsed } : parsed) as IDataObject;
	if (body?.resourceType === 'Bundle')
		raiseOutcomeEntries(ctx, body, new URL(call.url).pathname, response, call.itemIndex);
	return body ?? {};
}

/**
 * Creates a resource (POST {base}/{type}?ah-practice=…; docs/athena-behaviour.md#fhir-writes). Never
 * repeated: an answer lost on the way leaves the outcome unknown, which the caller checks.
 */
export async function fhirCreate(
	ctx: AthenaContext,
	scope: FhirScope,
	type: string,
	resource: IDataObject,
	itemIndex: number,
): Promise<{ body: IDataObject; location?: string }> {
	const url = `${scope.base}/${type}?ah-practice=${encodeURIComponent(practiceParam(scope.practiceId))}`;
	const response = await send(ctx, scope.conn, {
		method: 'POST',
		url,
		practiceId: scope.practiceId,
		body: JSON.stringify(resource),
		headers: { Accept: FHIR_ACCEPT, 'Content-Type': FHIR_ACCEPT },
		idempotent: false,
		itemIndex,
	});
	const parsed = typeof response.body === 'string' ? jsonOrText(response.body) : response.body;
	const body = (parsed && typeof parsed === 'object' ? parsed : {}) as IDataObject;
	return { body, location: header(response.headers, 'location') };
}

export interface PageLimits {
	maxPages: number;
	itemIndex?: number;
}

/**
 * The URL of a searchset's next page. athena pages with an opaque `cursor`; how its next link
 * carries it was not captured (docs/athena-behaviour.md#fhir-paging): a relative link is resolved
 * against the FHIR base, and a link without the search's own parameters (the cursor alone) gets
 * them again, so every reading reads the same pages.
 */
export function nextPageUrl(link: string, base: string, params: Array<[string, string]>): string {
	let url: URL;
	try {
		url = new URL(link, `${base}/`);
	} catch {
		return link;
	}
	const names = new Set([...url.searchParams.keys()].map((k) => k.split(':')[0]));
	if (!names.has('ah-practice'))
		for (const [name, value] of params)
			if (!names.has(name.split(':')[0])) url.searchParams.append(name, value);
	return url.href;
}

/**
 * Searchset pages: the first by GET (or POST _search when the query is long), then link[next]
 * while it stays on athena's origin and never repeats. A Bundle without entry or link ends the
 * search as empty (a Bundle's entry is optional; some FHIR clients crash there).
 */
export async function* fhirSearchPages(
	ctx: AthenaContext,
	scope: FhirScope,
	type: string,
	params: Array<[string, string]>,
	limits: PageLimits,
): AsyncGenerator<IDataObject> {
	const query = new URLSearchParams(params);
	const getUrl = `${scope.base}/${type}?${query.toString()}`;
	let bundle =
		getUrl.length > MAX_GET_URL
			? await fhirRequest(ctx, scope, {
					method: 'POST',
					url: `${scope.base}/${type}/_search`,
					formBody: query.toString(),
					itemIndex: limits.itemIndex,
				})
			: await fhirRequest(ctx, scope, { method: 'GET', url: getUrl, itemIndex: limits.itemIndex });
	if (typeof bundle.total === 'number') noteListTotal(ctx, limits.itemIndex, bundle.total);
	const seen = new Set<string>([getUrl]);
	const origin = originOf(scope.base);
	for (let page = 1; ; page++) {
		if (bundle.resourceType !== 'Bundle') {
			throw new NodeOperationError(
				ctx.getNode(),
				`athena answered the ${type} search with ${String(bundle.resourceType ?? 'something other than a Bundle')}`,
				{ itemIndex: limits.itemIndex },
			);
		}
		yield bundle;
		const links = Array.isArray(bundle.link) ? (bundle.link as IDataObject[]) : [];
		const link = links.find((l) => l.relation === 'next')?.url;
		if (typeof link !== 'string' || !link) return;
		const next = nextPageUrl(link, scope.base, params);
		if (originOf(next) !== origin) {
			throw new NodeOperationError(
				ctx.getNode(),
				`The ${type} search's next page points to another server (${originOf(next) ?? 'an invalid URL'})`,
				{
					itemIndex: limits.itemIndex,
					description: `Paging stopped after ${page} page(s): the token is only sent to ${origin}. Narrow the search or turn off Return All.`,
				},
			);
		}
		if (seen.has(next)) {
			throw new NodeOperationError(
				ctx.getNode(),
				`athena repeated a next link while paging ${type}`,
				{
					itemIndex: limits.itemIndex,
					description: `Paging stopped after ${page} page(s) because page ${page + 1} would be one already read. The results so far may be incomplete.`,
				},
			);
		}
		if (page >= limits.maxPages) {
			throw new NodeOperationError(
				ctx.getNode(),
				`The ${type} search has more than ${limits.maxPages} pages`,
				{
					itemIndex: limits.itemIndex,
					description:
						'Raise Max Pages in the options, narrow the search, or turn off Return All and set a Limit.',
				},
			);
		}
		seen.add(next);
		bundle = await fhirRequest(ctx, scope, {
			method: 'GET',
			url: next,
			itemIndex: limits.itemIndex,
		});
	}
}
