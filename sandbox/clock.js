'use strict';
// athena formats: mm/dd/yyyy, HH:MM, mm/dd/yyyy HH:MM:SS; replay windows run on US Eastern time.

const pad = (n) => String(n).padStart(2, '0');

function parts(date, timeZone = 'America/New_York') {
	const f = new Intl.DateTimeFormat('en-US', {
		timeZone,
		hourCycle: 'h23',
		year: 'numeric',
		month: '2-digit',
		day: '2-digit',
		hour: '2-digit',
		minute: '2-digit',
		second: '2-digit',
	}).formatToParts(date);
	const g = (t) => Number(f.find((x) => x.type === t).value);
	return {
		y: g('year'),
		m: g('month'),
		d: g('day'),
		h: g('hour'),
		mi: g('minute'),
		s: g('second'),
	};
}

const athenaDate = (p) => `${pad(p.m)}/${pad(p.d)}/${p.y}`;
const athenaDateTime = (p) => `${athenaDate(p)} ${pad(p.h)}:${pad(p.mi)}:${pad(p.s)}`;

/** Wall time in Eastern → epoch ms (the zone offset is looked up for that day). */
function easternToEpoch(text) {
	const m = /^(\d{1,2})\/(\d{1,2})\/(\d{4})(?:[ T](\d{1,2}):(\d{2})(?::(\d{2}))?)?$/.exec(
		String(text || '').trim(),
	);
	if (!m) return undefined;
	const guess = Date.UTC(+m[3], +m[1] - 1, +m[2], +(m[4] || 0), +(m[5] || 0), +(m[6] || 0));
	const p = parts(new Date(guess));
	const asUtc = Date.UTC(p.y, p.m - 1, p.d, p.h, p.mi, p.s);
	return guess + (guess - asUtc);
}

const dayCache = new Map();

/** mm/dd/yyyy → a day number (UTC days since epoch) for range comparisons (memoized: few distinct dates). */
function dayOf(text) {
	const key = String(text ?? '');
	if (dayCache.has(key)) return dayCache.get(key);
	const day = parseDay(key);
	if (dayCache.size < 100000) dayCache.set(key, day);
	return day;
}

function parseDay(text) {
	const m = /^(\d{1,2})\/(\d{1,2})\/(\d{4})$/.exec(String(text || '').trim());
	if (!m) return undefined;
	const t = Date.UTC(+m[3], +m[1] - 1, +m[2]);
	const d = new Date(t);
	if (d.getUTCMonth() !== +m[1] - 1 || d.getUTCDate() !== +m[2]) return undefined;
	return Math.round(t / 86400000);
}

function dateOfDay(day) {
	const d = new Date(day * 86400000);
	return `${pad(d.getUTCMonth() + 1)}/${pad(d.getUTCDate())}/${d.getUTCFullYear()}`;
}

module.exports = { parts, athenaDate, athenaDateTime, easternToEpoch, dayOf, dateOfDay, pad };
