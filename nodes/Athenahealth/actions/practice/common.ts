import { NodeOperationError, type IDataObject } from 'n8n-workflow';

import { recordsOf } from '../../transport/paginate';
import { athenaSend, getConnection, type AthenaContext } from '../../transport/request';

// GET /v1/1/practiceinfo: practice "1" means "every practice this credential can see"
// (docs/athena-behaviour.md#practice-paths). It sits outside any one practice, so it is sent on the
// credential's own practice's throttle, and its next links must stay under /v1/1/.
const MAX_PAGE = 5000;

/** athena sent the has… and is… flags as "true"/"false" in 2016 and as booleans in 2019: always booleans here. */
export function flags(p: IDataObject): IDataObject {
	return Object.fromEntries(
		Object.entries(p).map(([k, v]) => [
			k,
			/^(has|is)[a-z]+$/.test(k) && (v === 'true' || v === 'false') ? v === 'true' : v,
		]),
	);
}

export async function reachablePractices(
	ctx: AthenaContext,
	itemIndex?: number,
): Promise<IDataObject[]> {
	const conn = await getConnection(ctx);
	const all: IDataObject[] = [];
	let url = `${conn.baseUrl}/v1/1/practiceinfo`;
	let qs: IDataObject | undefined = { limit: MAX_PAGE };
	const seen = new Set<string>();
	for (;;) {
		const body = await athenaSend(ctx, conn, {
			method: 'GET',
			url,
			qs,
			practiceId: conn.practiceId,
			itemIndex,
			idempotent: true,
		});
		const { records } = recordsOf(body, 'practiceinfo');
		all.push(...records);
		const next = (body as IDataObject)?.next;
		if (typeof next !== 'string' || !next || records.length === 0) break;
		if (!next.startsWith('/v1/1/') || seen.has(next)) {
			throw new NodeOperationError(
				ctx.getNode(),
				'athena returned an unexpected next-page link for the practice list; paging stopped',
				{ itemIndex, description: `${all.length} practices were read before it.` },
			);
		}
		seen.add(next);
		url = `${conn.baseUrl}${next}`;
		qs = undefined;
	}
	return all.map((p) => ({
		...flags(p),
		allowedByCredential: conn.allowedPracticeIds.has(String(p.practiceid)),
	}));
}
