import fc from 'fast-check';

import {
	athenaToIso,
	parseDateInput,
	toAthenaDate,
	toAthenaDateTime,
	zonedParts,
} from '../../nodes/Athenahealth/shared/dates';

test('common date inputs become athena dates', () => {
	const cases: Array<[unknown, string]> = [
		['2026-11-23', '11/23/2026'],
		['11/23/2026', '11/23/2026'],
		['1/5/2026', '01/05/2026'],
		['2026-11-23T09:30:00Z', '11/23/2026'],
		['2026-11-23T09:30:00.000-05:00', '11/23/2026'],
		[new Date(Date.UTC(2026, 10, 23)), '11/23/2026'],
	];
	for (const [input, out] of cases) expect(toAthenaDate(parseDateInput(input)!)).toBe(out);
	expect(toAthenaDateTime(parseDateInput('2026-11-23 07:05')!)).toBe('11/23/2026 07:05:00');
});

test('impossible or unknown dates are refused', () => {
	for (const v of ['2026-02-30', '13/01/2026', 'tomorrow', '', null, undefined, '2026-11-23T25:00'])
		expect(parseDateInput(v)).toBeUndefined();
});

test('athena dates and datetimes get ISO companions', () => {
	expect(athenaToIso('11/24/1976')).toBe('1976-11-24');
	expect(athenaToIso('02/17/2009 16:30')).toBe('2009-02-17T16:30:00');
	expect(athenaToIso('04/02/2016 20:00:54')).toBe('2016-04-02T20:00:54');
	expect(athenaToIso('not a date')).toBeUndefined();
	expect(athenaToIso('02/30/2020')).toBeUndefined();
});

test('athena → ISO → athena round-trips every valid date', () => {
	fc.assert(
		fc.property(
			fc.date({ min: new Date('1900-01-01'), max: new Date('2100-12-31'), noInvalidDate: true }),
			(d) => {
				const athena = toAthenaDateTime(parseDateInput(d)!);
				return toAthenaDateTime(parseDateInput(athenaToIso(athena))!) === athena;
			},
		),
	);
});

test('Eastern wall-clock parts follow daylight saving', () => {
	expect(zonedParts(new Date('2026-07-01T16:00:00Z'), 'America/New_York').hour).toBe(12);
	expect(zonedParts(new Date('2026-12-01T17:00:00Z'), 'America/New_York').hour).toBe(12);
});
