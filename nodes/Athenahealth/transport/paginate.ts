import { NodeOperationError, type IDataObject } from 'n8n-workflow';

import {
	athenaSend,
	getConnection,
	resolvePractice,
	type AthenaContext,
	type AthenaRequest,
} from './request';
import { noteListTotal } from '../shared/toolUse';
import { practiceUrl } from './urlGuard';

// athena list responses: {"<wrapper>":[…],"totalcount":N,"next":"/v1/{pid}/…?UPPERCASE=echo&offset=…"}
// (`next` is a path without host: docs/athena-behaviour.md, Next links). We follow `next` as
// given, against our own base URL, adding back a `limit` athena sometimes drops, and stop on a
// repeated page instead of looping forever.

/** Default and maximum page sizes per endpoint (docs/athena-behaviour.md, Page sizes). */
export function pageLimits(path: string): { defaultSize: number; maxSize: number } {
	if (/^\/patients(\/|$)/.test(path) && !/\/patients\/\d+\/\w/.test(path))
		return { defaultSize: 10, maxSize: 1000 };
	if (
		/^\/appointments\/(open|booked|changed)|\/labresults|\/documents|\/encounters|\/customfields/.test(
			path,
		)
	)
		return { defaultSize: 1000, maxSize: 10000 };
	if (/insurances/.test(path)) return { defaultSize: 100, maxSize: 5000 };
	if (/preferredpharmacies/.test(path)) return { defaultSize: 100, maxSize: 1000 };
	return { defaultSize: 1500, maxSize: 5000 };
}

export interface PageRequest extends AthenaRequest {
	/** Key holding the records; guessed from the response when omitted. */
	wrapper?: string;
	/** Stop after this many records (undefined: all). */
	maxItems?: number;
	/** Records per request; capped at the endpoint's maximum. */
	pageSize?: number;
	/** Called before each further page; return false to stop (the trigger's poll budget). */
	shouldContinue?: () => boolean;
}

export interface Page {
	records: IDataObject[];
	totalcount?: number;
	next?: string;
}

export function recordsOf(
	body: unknown,
	wrapper?: string,
): { records: IDataObject[]; wrapper?: string } {
	if (Array.isArray(body)) return { records: body as IDataObject[] };
	if (!body || typeof body !== 'object') return { records: [] };
	const obj = body as IDataObject;
	if (wrapper)
		return { records: Array.isArray(obj[wrapper]) ? (obj[wrapper] as IDataObject[]) : [], wrapper };
	const key = Object.keys(obj).find(
		(k) => Array.isArray(obj[k]) && k !== 'fields' && k !== 'missingfields',
	);
	return { records: key ? (obj[key] as IDataObject[]) : [], wrapper: key };
}

function offsetOf(next: string): number | undefined {
	const m = /[?&]offset=(\d+)/i.exec(next);
	return m ? Number(m[1]) : undefined;
}

const IN_FLIGHT = 3;

function withOffset(next: string, offset: number, limit: number): string {
	const base = next.replace(/([?&])offset=\d+/i, `$1offset=${offset}`);
	return /[?&]limit=/i.test(base) ? base : `${base}&limit=${limit}`;
}

export async function* athenaPages(ctx: AthenaContext, req: PageRequest): AsyncGenerator<Page> {
	const conn = await getConnection(ctx);
	const practiceId = resolvePractice(ctx, conn, req.practiceId, req.itemIndex);
	const { maxSize } = pageLimits(req.path);
	const pageSize = Math.min(maxSize, Math.max(1, req.pageSize ?? maxSize));
	const limitFor = (got: number) =>
		req.maxItems === undefined ? pageSize : Math.max(1, Math.min(pageSize, req.maxItems - got));
	const prefix = `/v1/${practiceId}/`;
	let wrapper = req.wrapper;
	let got = 0;

	const fetchPage = async (url: string, qs?: IDataObject) => {
		const body = await athenaSend(ctx, conn, { ...req, practiceId, url, qs, idempotent: true });
		const found = recordsOf(body, wrapper);
		wrapper = found.wrapper ?? wrapper;
		const obj =
			body && typeof body === 'object' && !Array.isArray(body) ? (body as IDataObject) : {};
		const next = typeof obj.next === 'string' && obj.next ? obj.next : undefined;
		if (next && !next.startsWith(prefix)) {
			throw new NodeOperationError(
				ctx.getNode(),
				'athena returned a next-page link outside this practice',
				{
					itemIndex: req.itemIndex,
					description: `Expected a link starting with ${prefix}; paging stopped after ${got} records so no other practice's data is read.`,
				},
			);
		}
		return {
			records: found.records,
			next,
			totalcount: obj.totalcount === undefined ? undefined : Number(obj.totalcount),
		};
	};
	const take = (page: Page): Page => {
		const records =
			req.maxItems === undefined ? page.records : page.records.slice(0, req.maxItems - got);
		got += records.length;
		return { ...page, records };
	};
	const repeated = (next: string, offset: number | undefined) =>
		new NodeOperationError(ctx.getNode(), 'athena returned the same page twice; paging stopped', {
			itemIndex: req.itemIndex,
			description: `The next link ${next.split('?')[0]} (offset ${offset}) repeats an earlier page. ${got} records were read before it.`,
		});
	const done = () => req.maxItems !== undefined && got >= req.maxItems;

	const first = await fetchPage(practiceUrl(conn, practiceId, req.path), {
		...req.qs,
		limit: limitFor(0),
	});
	if (first.totalcount !== undefined) noteListTotal(ctx, req.itemIndex, first.totalcount);
	yield take(first);
	if (!first.next || first.records.length === 0 || done()) return;

	// athena's next links differ only in their offset, so once the first page gives the total and
	// the page size, the remaining pages are known: keep a few in flight and let the throttle pace
	// them, instead of paying a full round trip between pages. Each page's own next link is still
	// checked, so a server that repeats a page is caught.
	const step = first.records.length;
	const firstOffset = offsetOf(first.next);
	if (firstOffset !== undefined && first.totalcount !== undefined && firstOffset === step) {
		const stop = Math.min(first.totalcount, req.maxItems ?? Infinity);
		const queue: Array<{ offset: number; page: Promise<Page & { next?: string }> }> = [];
		let offset = firstOffset;
		const launch = () => {
			while (
				queue.length < IN_FLIGHT &&
				offset < stop &&
				(!req.shouldContinue || req.shouldContinue())
			) {
				const at = offset;
				const page = fetchPage(`${conn.baseUrl}${withOffset(first.next!, at, step)}`);
				page.catch(() => undefined); // awaited in order below; avoid an unhandled rejection meanwhile
				queue.push({ offset: at, page });
				offset += step;
			}
		};
		launch();
		while (queue.length) {
			const { offset: at, page: pending } = queue.shift()!;
			const page = await pending;
			const nextOffset = page.next ? offsetOf(page.next) : undefined;
			if (page.next && nextOffset !== undefined && nextOffset <= at)
				throw repeated(page.next, nextOffset);
			yield take(page);
			if (page.records.length === 0 || done()) return;
			launch();
		}
		return;
	}

	const seen = new Set<string>();
	let lastOffset = -1;
	let next: string | undefined = first.next;
	while (next && !done() && (!req.shouldContinue || req.shouldContinue())) {
		const offset = offsetOf(next);
		if (seen.has(next) || (offset !== undefined && offset <= lastOffset))
			throw repeated(next, offset);
		seen.add(next);
		lastOffset = offset ?? lastOffset;
		const page = await fetchPage(
			`${conn.baseUrl}${next}`,
			/[?&]limit=/i.test(next) ? undefined : { limit: limitFor(got) },
		);
		yield take(page);
		if (page.records.length === 0) return;
		next = page.next;
	}
}

/** Every record of a list call (or the first maxItems), in order. */
export async function athenaList(ctx: AthenaContext, req: PageRequest): Promise<IDataObject[]> {
	const all: IDataObject[] = [];
	for await (const page of athenaPages(ctx, req)) all.push(...page.records);
	return all;
}
