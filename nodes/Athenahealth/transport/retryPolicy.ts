// Pure timing rules for retries: how long to wait after a throttled or failed call.

export interface RetryPolicy {
	maxRetries: number;
	/** Retries of a throttled call that athena told when to retry: a limit shared by several processes can refuse a call several times in a row. */
	maxThrottledRetries: number;
	/** Never wait less than this after a Retry-After (a "0" must not become a hot loop). */
	floorMs: number;
	/** A Retry-After above this is not waited out; the call fails, telling when to retry. */
	ceilingMs: number;
	/** First step of exponential backoff when the server gives no Retry-After. */
	baseBackoffMs: number;
}

export const DEFAULT_RETRY_POLICY: RetryPolicy = {
	maxRetries: 6,
	maxThrottledRetries: 20,
	floorMs: 250,
	ceilingMs: 60_000,
	baseBackoffMs: 1_000,
};

/**
 * Retry-After in either form RFC 9110 allows: delta-seconds ("2") or an HTTP-date
 * ("Wed, 21 Oct 2015 07:28:00 GMT"). Anything else is ignored rather than read as NaN
 * (a client that reads a date as a number polls in a tight loop, the defect found in
 * https://github.com/smart-on-fhir/bulk-data-client).
 */
export function parseRetryAfter(header: unknown, now = Date.now()): number | undefined {
	const value = Array.isArray(header) ? header[0] : header;
	if (typeof value !== 'string' && typeof value !== 'number') return undefined;
	const text = String(value).trim();
	if (/^\d+(\.\d+)?$/.test(text)) return Math.round(Number(text) * 1000);
	if (!/[a-z]/i.test(text)) return undefined;
	const at = Date.parse(text);
	if (Number.isNaN(at)) return undefined;
	return Math.max(0, at - now);
}

/** Milliseconds to wait before retry number `attempt` (0-based). Jitter only ever adds time. */
export function retryDelayMs(
	retryAfterMs: number | undefined,
	attempt: number,
	policy: RetryPolicy = DEFAULT_RETRY_POLICY,
	random: () => number = Math.random,
): number {
	if (retryAfterMs !== undefined) {
		const base = Math.min(Math.max(retryAfterMs, policy.floorMs), policy.ceilingMs);
		return Math.round(base + base * 0.1 * random());
	}
	const base = Math.min(policy.ceilingMs, policy.baseBackoffMs * 2 ** attempt);
	return Math.round(base / 2 + (base / 2) * random());
}
