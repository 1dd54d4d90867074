import { sleep } from './sleep';

// One pacing schedule per athena app (credential: base URL + client id), shared by every node
// running in this n8n process: athena limits requests per app, and publishes no limit per practice
// (docs/athena-behaviour.md, Per-second limit). Calls are spaced evenly (no bursts). Several
// processes (n8n queue-mode workers) share the app's limit without knowing of each other, so the
// rate adapts like a congestion controller: a 429 is one congestion event (429s for calls sent
// before the rate was cut belong to the same event and cut nothing more), the rate grows back with
// time rather than with successes, quickly up to just below where the last event happened, then
// probes beyond it slowly at first and faster the longer it goes without a 429, so capacity a
// finished worker leaves is taken up within a few seconds.
//
// athena also says how much of the app's limit the others use: every API response carries the app's
// daily quota counter (X-RateLimit-Remaining, reset at midnight GMT:
// https://docs.athenahealth.com/api/guides/best-practices), which every process's calls count down.
// Over the last few seconds, its drop is the whole app's rate, and the calls this process made are
// its own share; the process then paces at its share of just under the limit, so workers settle on
// the limit without a 429 (QuotaWatch). When the counter says nothing usable (absent, not counting
// every call, counting late), the congestion controller alone paces.

/** The pure controller: every time is passed in, so it is tested without a clock. */
export class Pacer {
	rate: number;
	/** The rate when the last congestion event happened (where the shared limit was found). */
	private found: number;
	private cutAt = -Infinity;
	private grownAt: number;
	/** How fast the rate probes beyond `found`, per second, as a share of the ceiling. */
	private probe = Pacer.PROBE_START;

	static CUT = 0.5;
	static FLOOR = 1 / 16;
	/** Below NEAR × `found`: back up at REGAIN × the ceiling per second. */
	static NEAR = 0.9;
	static REGAIN = 0.3;
	/** Beyond it: PROBE_START × the ceiling per second, doubling every DOUBLING_S seconds without a 429. */
	static PROBE_START = 0.003;
	static DOUBLING_S = 1.5;
	static SETTLE_MS = 5000;

	constructor(
		public ceiling: number,
		now: number,
	) {
		this.rate = ceiling;
		this.found = ceiling;
		this.grownAt = now;
	}

	/** The rate to pace at, `now`. */
	rateAt(now: number): number {
		const dt = Math.max(0, now - this.grownAt) / 1000;
		this.grownAt = now;
		if (this.rate < this.ceiling && dt > 0) {
			// below where the limit was last found: back quickly; beyond it, probe, slowly at first
			const near = this.found * Pacer.NEAR;
			if (this.rate < near) {
				this.rate = Math.min(near, this.rate + Pacer.REGAIN * this.ceiling * dt);
			} else {
				this.rate += this.probe * this.ceiling * dt;
				this.probe = Math.min(1, this.probe * 2 ** (dt / Pacer.DOUBLING_S));
			}
		}
		return (this.rate = Math.min(this.rate, this.ceiling));
	}

	/** athena answered 429 to a call sent at `sentAt`. Returns whether this was a new congestion event. */
	congestion(sentAt: number, now: number): boolean {
		if (sentAt < this.cutAt) return false; // sent before the last cut: the same event
		this.rateAt(now);
		// an event within a few seconds of the last cut: the share is below what was found, so do
		// not climb back fast to it (that is what made several workers overrun the limit again)
		this.found = now - this.cutAt < Pacer.SETTLE_MS ? this.rate * Pacer.CUT : this.rate;
		this.rate = Math.max(this.ceiling * Pacer.FLOOR, this.rate * Pacer.CUT);
		this.probe = Pacer.PROBE_START;
		this.cutAt = now;
		return true;
	}

	setCeiling(ceiling: number): void {
		this.ceiling = ceiling;
		this.rate = Math.min(this.rate, ceiling);
		this.found = Math.min(this.found, ceiling);
	}
}

/** The app's rate, read from athena's daily-quota counter on this process's responses (pure, like Pacer). */
export class QuotaWatch {
	private samples: { at: number; remaining: number }[] = [];

	/** Aim the whole app at this share of the limit: under it, athena's one-second burst absorbs the jitter. */
	static TARGET = 0.95;
	/** Long enough to hold several of this process's calls at a share of a few per second. */
	static WINDOW_MS = 3000;
	/** An estimate needs this span and this many of this process's calls. */
	static MIN_SPAN_MS = 300;
	static MIN_SAMPLES = 3;
	/** Others below this share of the limit: this process is alone and paces at the limit. */
	static ALONE = 0.05;
	static RESET_RISE = 50;

	observe(remaining: number, now: number): void {
		const last = this.samples[this.samples.length - 1];
		// the counter resets at midnight GMT: start over (answers out of order rise by a few at most)
		if (last && remaining > last.remaining + QuotaWatch.RESET_RISE) this.samples = [];
		this.samples.push({ at: now, remaining });
		this.prune(now);
	}

	/** The rate this process may use, or undefined when the counter tells nothing. */
	cap(limit: number, now: number): number | undefined {
		this.prune(now);
		const n = this.samples.length;
		if (n < QuotaWatch.MIN_SAMPLES) return undefined;
		const span = this.samples[n - 1].at - this.samples[0].at;
		if (span < QuotaWatch.MIN_SPAN_MS) return undefined;
		// answers arrive out of order when several calls are in flight: the window's extremes
		let high = -Infinity;
		let low = Infinity;
		for (const sample of this.samples) {
			high = Math.max(high, sample.remaining);
			low = Math.min(low, sample.remaining);
		}
		const total = ((high - low) * 1000) / span;
		const mine = ((n - 1) * 1000) / span;
		// a counter that dropped less than this process alone called does not count every call; one
		// that dropped faster than athena's limit and its one-second burst allow is not this app's count
		if (total < mine * 0.9 || total > limit * 5) return undefined;
		if (total - mine < limit * QuotaWatch.ALONE) return limit;
		return Math.min(
			limit,
			Math.max(limit * Pacer.FLOOR, (mine * limit * QuotaWatch.TARGET) / total),
		);
	}

	private prune(now: number): void {
		while (this.samples.length && this.samples[0].at < now - QuotaWatch.WINDOW_MS)
			this.samples.shift();
	}
}

interface Schedule {
	pacer: Pacer;
	quota: QuotaWatch;
	/** Earliest time the next call may start. */
	next: number;
	/** Whether the credential divides the limit itself (processes sharing it set by hand). */
	divided: boolean;
}

const schedules = new Map<string, Schedule>();

function schedule(key: string, ceiling: number, now: number, divided: boolean): Schedule {
	let s = schedules.get(key);
	if (!s) {
		s = { pacer: new Pacer(ceiling, now), quota: new QuotaWatch(), next: 0, divided };
		schedules.set(key, s);
	} else if (s.pacer.ceiling !== ceiling) {
		s.pacer.setCeiling(ceiling);
	}
	s.divided = divided;
	return s;
}

function rateOf(s: Schedule, now: number): number {
	const paced = s.pacer.rateAt(now);
	// a share set by hand is exact already; otherwise the app's counter caps this process's share
	const cap = s.divided ? undefined : s.quota.cap(s.pacer.ceiling, now);
	return cap === undefined ? paced : Math.min(paced, cap);
}

/**
 * Waits for this key's next slot; returns the milliseconds waited. A caller claims a slot only when
 * it is awake at that moment: callers that wake together after a stalled event loop take turns
 * instead of all going out at once (the server would see a burst).
 */
export async function acquire(
	key: string,
	ratePerSecond: number,
	signal?: AbortSignal,
	divided = false,
): Promise<number> {
	if (!(ratePerSecond > 0)) return 0;
	const began = Date.now();
	const s = schedule(key, ratePerSecond, began, divided);
	for (;;) {
		const now = Date.now();
		if (now >= s.next) {
			s.next = now + 1000 / rateOf(s, now);
			return now - began;
		}
		await sleep(s.next - now, signal);
	}
}

/**
 * athena throttled a call sent at `sentAt`: one cut per congestion event, and nobody on this key
 * calls again before the wait athena asked for.
 */
export function penalize(key: string, retryAfterMs: number, sentAt: number): void {
	const s = schedules.get(key);
	if (!s) return;
	const now = Date.now();
	s.pacer.congestion(sentAt, now);
	s.next = Math.max(s.next, now + retryAfterMs);
}

/** athena answered a call (not a 429) with its daily-quota counter: what the whole app has used. */
export function observeQuota(key: string, remaining: unknown): void {
	const s = schedules.get(key);
	const value =
		typeof remaining === 'string' && /^\d+$/.test(remaining.trim())
			? Number(remaining)
			: typeof remaining === 'number'
				? remaining
				: NaN;
	if (s && Number.isFinite(value)) s.quota.observe(value, Date.now());
}
