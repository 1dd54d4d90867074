import fc from 'fast-check';

import {
	DEFAULT_RETRY_POLICY,
	parseRetryAfter,
	retryDelayMs,
} from '../../nodes/Athenahealth/transport/retryPolicy';

describe('parseRetryAfter', () => {
	const now = Date.parse('Wed, 21 Oct 2015 07:28:00 GMT');
	test('delta-seconds', () => {
		expect(parseRetryAfter('2', now)).toBe(2000);
		expect(parseRetryAfter(' 0 ', now)).toBe(0);
		expect(parseRetryAfter(['5'], now)).toBe(5000);
	});
	test('HTTP-date, never NaN (bulk-data-client defect: unanchored regex on a date)', () => {
		expect(parseRetryAfter('Wed, 21 Oct 2015 07:28:10 GMT', now)).toBe(10000);
		expect(parseRetryAfter('Wed, 21 Oct 2015 07:27:00 GMT', now)).toBe(0);
	});
	test('garbage is ignored', () => {
		for (const v of ['', 'soon', '-1', undefined, null, {}, '1e9'])
			expect(parseRetryAfter(v, now)).toBeUndefined();
	});
	test('any string gives undefined or a finite non-negative number', () => {
		fc.assert(
			fc.property(fc.string(), (s) => {
				const v = parseRetryAfter(s, now);
				return v === undefined || (Number.isFinite(v) && v >= 0);
			}),
		);
	});
});

describe('retryDelayMs', () => {
	test('Retry-After is respected with a floor, a ceiling and additive jitter', () => {
		expect(retryDelayMs(2000, 0, DEFAULT_RETRY_POLICY, () => 0)).toBe(2000);
		expect(retryDelayMs(2000, 0, DEFAULT_RETRY_POLICY, () => 1)).toBe(2200);
		expect(retryDelayMs(0, 0, DEFAULT_RETRY_POLICY, () => 0)).toBe(DEFAULT_RETRY_POLICY.floorMs);
		expect(retryDelayMs(10 ** 9, 0, DEFAULT_RETRY_POLICY, () => 0)).toBe(
			DEFAULT_RETRY_POLICY.ceilingMs,
		);
	});
	test('without Retry-After: exponential backoff with jitter, capped', () => {
		fc.assert(
			fc.property(fc.nat(30), fc.double({ min: 0, max: 1, noNaN: true }), (attempt, r) => {
				const d = retryDelayMs(undefined, attempt, DEFAULT_RETRY_POLICY, () => r);
				const base = Math.min(
					DEFAULT_RETRY_POLICY.ceilingMs,
					DEFAULT_RETRY_POLICY.baseBackoffMs * 2 ** attempt,
				);
				return d >= base / 2 - 1 && d <= base + 1;
			}),
		);
	});
});
