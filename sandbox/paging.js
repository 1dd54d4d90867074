'use strict';
// athena list responses: wrapper key + totalcount + relative next/previous links that echo the
// original filters in UPPERCASE (sorted), with lowercase limit/offset last, as recorded responses show.

const LIMITS = {
	patients: [10, 1000],
	big: [1000, 10000],
	normal: [1500, 5000],
};

/** `project` shapes only the records on the page (copies, patient details), not the whole set. */
function listResponse(ctx, wrapper, records, kind = 'normal', extra = {}, project = (r) => r) {
	const [def, max] = LIMITS[kind] || LIMITS.normal;
	const q = ctx.params;
	const given = q.limit !== undefined && /^\d+$/.test(q.limit);
	// pageCap (a sandbox switch) lowers every endpoint's maximum, as athena caps a limit above its maximum
	const limit = Math.min(
		max,
		ctx.settings?.pageCap || Infinity,
		Math.max(1, given ? Number(q.limit) : def),
	);
	const offset = /^\d+$/.test(q.offset || '') ? Number(q.offset) : 0;
	const page = records.slice(offset, offset + limit).map(project);
	const echo = Object.keys(q)
		.filter((k) => k !== 'limit' && k !== 'offset')
		.sort()
		.map((k) => `${encodeURIComponent(k.toUpperCase())}=${encodeURIComponent(normalize(q[k]))}`);
	const link = (off) =>
		`/v1/${ctx.practice}${ctx.subpath}?${[...echo, ...(given ? [`limit=${limit}`] : []), `offset=${off}`].join('&')}`;
	const body = { [wrapper]: page, totalcount: records.length, ...extra };
	if (offset + limit < records.length) body.next = link(offset + limit);
	if (offset > 0) body.previous = link(Math.max(0, offset - limit));
	return body;
}

function normalize(value) {
	if (value === 'true') return 'True';
	if (value === 'false') return 'False';
	return value;
}

module.exports = { listResponse };
