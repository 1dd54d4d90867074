// athena speaks mm/dd/yyyy and mm/dd/yyyy hh24:mi[:ss] (docs/athena-behaviour.md#dates); n8n users
// bring ISO dates, Date objects, luxon values from expressions, or athena's own format. These
// helpers convert both ways.

const ATHENA_DATE = /^(\d{1,2})\/(\d{1,2})\/(\d{4})$/;
const ATHENA_DATETIME = /^(\d{1,2})\/(\d{1,2})\/(\d{4})[ T](\d{1,2}):(\d{2})(?::(\d{2}))?$/;
const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;
const ISO_DATETIME =
	/^(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?$/;

export interface DateParts {
	year: number;
	month: number;
	day: number;
	hour?: number;
	minute?: number;
	second?: number;
}

const pad = (n: number, width = 2) => String(n).padStart(width, '0');

function valid(p: DateParts): DateParts | undefined {
	const d = new Date(Date.UTC(p.year, p.month - 1, p.day));
	if (d.getUTCFullYear() !== p.year || d.getUTCMonth() !== p.month - 1 || d.getUTCDate() !== p.day)
		return undefined;
	if ((p.hour ?? 0) > 23 || (p.minute ?? 0) > 59 || (p.second ?? 0) > 59) return undefined;
	return p;
}

/** Parses any common date form into calendar parts (wall-clock, no time zone shift). */
export function parseDateInput(value: unknown): DateParts | undefined {
	if (value === undefined || value === null || value === '') return undefined;
	if (value instanceof Date) {
		if (Number.isNaN(value.getTime())) return undefined;
		return {
			year: value.getUTCFullYear(),
			month: value.getUTCMonth() + 1,
			day: value.getUTCDate(),
			hour: value.getUTCHours(),
			minute: value.getUTCMinutes(),
			second: value.getUTCSeconds(),
		};
	}
	const text = String(
		typeof value === 'object' && 'toISO' in (value as object)
			? (value as { toISO: () => string }).toISO()
			: value,
	).trim();
	let m = ATHENA_DATE.exec(text);
	if (m) return valid({ year: +m[3], month: +m[1], day: +m[2] });
	m = ATHENA_DATETIME.exec(text);
	if (m)
		return valid({
			year: +m[3],
			month: +m[1],
			day: +m[2],
			hour: +m[4],
			minute: +m[5],
			second: m[6] ? +m[6] : 0,
		});
	m = ISO_DATE.exec(text);
	if (m) return valid({ year: +m[1], month: +m[2], day: +m[3] });
	m = ISO_DATETIME.exec(text);
	if (m)
		return valid({
			year: +m[1],
			month: +m[2],
			day: +m[3],
			hour: +m[4],
			minute: +m[5],
			second: m[6] ? +m[6] : 0,
		});
	return undefined;
}

export function toAthenaDate(p: DateParts): string {
	return `${pad(p.month)}/${pad(p.day)}/${pad(p.year, 4)}`;
}

export function toAthenaDateTime(p: DateParts): string {
	return `${toAthenaDate(p)} ${pad(p.hour ?? 0)}:${pad(p.minute ?? 0)}:${pad(p.second ?? 0)}`;
}

/** athena mm/dd/yyyy[ hh:mi[:ss]] → ISO yyyy-mm-dd[Thh:mi:ss]; anything else → undefined. */
export function athenaToIso(value: unknown): string | undefined {
	if (typeof value !== 'string') return undefined;
	const text = value.trim();
	let m = ATHENA_DATE.exec(text);
	if (m) {
		const p = valid({ year: +m[3], month: +m[1], day: +m[2] });
		return p && `${pad(p.year, 4)}-${pad(p.month)}-${pad(p.day)}`;
	}
	m = ATHENA_DATETIME.exec(text);
	if (m) {
		const p = valid({
			year: +m[3],
			month: +m[1],
			day: +m[2],
			hour: +m[4],
			minute: +m[5],
			second: m[6] ? +m[6] : 0,
		});
		return (
			p &&
			`${pad(p.year, 4)}-${pad(p.month)}-${pad(p.day)}T${pad(p.hour!)}:${pad(p.minute!)}:${pad(p.second!)}`
		);
	}
	return undefined;
}

/** Wall-clock parts of an instant in an IANA zone (athena's changed-feed replay runs on Eastern time). */
export function zonedParts(instant: Date, timeZone: string): DateParts {
	const parts = new Intl.DateTimeFormat('en-US', {
		timeZone,
		hourCycle: 'h23',
		year: 'numeric',
		month: '2-digit',
		day: '2-digit',
		hour: '2-digit',
		minute: '2-digit',
		second: '2-digit',
	}).formatToParts(instant);
	const get = (type: string) => Number(parts.find((x) => x.type === type)?.value);
	return {
		year: get('year'),
		month: get('month'),
		day: get('day'),
		hour: get('hour'),
		minute: get('minute'),
		second: get('second'),
	};
}
