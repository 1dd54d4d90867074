// The throttle's controller with explicit times: how it reacts to athena's 429s when several
// processes share one app's limit (queue mode), and how it takes up capacity again.
import { Pacer, QuotaWatch } from '../../nodes/Athenahealth/transport/throttle';

test('starts at the ceiling and stays there without congestion', () => {
	const p = new Pacer(5, 0);
	expect(p.rateAt(0)).toBe(5);
	expect(p.rateAt(60_000)).toBe(5);
});

test('429s for calls sent before the cut are one congestion event: the rate is cut once, not once per response in flight', () => {
	const p = new Pacer(5, 0);
	expect(p.congestion(900, 1000)).toBe(true);
	const after = p.rateAt(1000);
	expect(after).toBeCloseTo(2.5);
	// three more pages that were already in flight come back 429
	expect([p.congestion(950, 1010), p.congestion(980, 1020), p.congestion(999, 1030)]).toEqual([
		false,
		false,
		false,
	]);
	expect(p.rateAt(1030)).toBeGreaterThanOrEqual(after);
	// a call sent after the cut that is throttled again is a new event
	expect(p.congestion(1100, 1200)).toBe(true);
});

test('recovers with time, not with successes: quickly to just below where the limit was found, then probes', () => {
	const p = new Pacer(5, 0);
	p.rateAt(0);
	p.congestion(0, 0); // found at 5, cut to 2.5
	expect(p.rateAt(2000)).toBeCloseTo(4.5); // 0.9 × 5 within two seconds
	const probing = [3000, 4000, 5000].map((t) => p.rateAt(t));
	expect(probing[0]).toBeLessThan(probing[1]);
	expect(probing[2]).toBeLessThanOrEqual(5);
});

test("capacity a finished worker leaves is taken up within a few seconds (three workers' share → the whole limit)", () => {
	const p = new Pacer(5, 0);
	p.congestion(0, 0);
	p.rateAt(0);
	// settled at a third of the limit: found there, as the last of a series of cuts
	for (let t = 1; p.rateAt(t * 100) > 5 / 3; t++) p.congestion(t * 100, t * 100);
	const start = 10_000;
	p.rateAt(start);
	let t = start;
	while (p.rateAt(t) < 4.9) t += 100;
	expect(t - start).toBeLessThanOrEqual(6000);
});

test('a repeated congestion never drives the rate below a sixteenth of the ceiling', () => {
	const p = new Pacer(16, 0);
	for (let t = 1; t < 100; t++) p.congestion(t * 10, t * 10);
	expect(p.rateAt(1000)).toBeGreaterThanOrEqual(1);
});

// athena's daily-quota counter (X-RateLimit-Remaining) on each of this process's answers: samples
// every `gapMs`, while the whole app (this process and the others) makes `appPerSecond` calls.
function watched(appPerSecond: number, gapMs: number, count: number, start = 40_000) {
	const w = new QuotaWatch();
	let remaining = start;
	for (let k = 0; k < count; k++) {
		w.observe(Math.round(remaining), k * gapMs);
		remaining -= (appPerSecond * gapMs) / 1000;
	}
	return { w, now: (count - 1) * gapMs };
}

test('alone on the app: the counter drops only by its own calls, so the process paces at the limit', () => {
	const { w, now } = watched(5, 200, 10); // 5 calls/s, all its own
	expect(w.cap(5, now)).toBe(5);
});

test('sharing the app: the process paces at its share of just under the limit (two processes at 2.5/s each → 4.75 together)', () => {
	const { w, now } = watched(5, 400, 8); // its own 2.5/s of the app's 5/s
	expect(w.cap(5, now)).toBeCloseTo(2.5 * 0.95, 1);
	// three processes each at full speed (15/s seen): each goes to a third of 4.75 at once
	const three = watched(15, 200, 10);
	expect(three.w.cap(5, three.now)).toBeCloseTo((5 * 4.75) / 15, 1);
});

test('a counter that tells nothing is ignored: too few calls, a counter that does not move, a reset at midnight', () => {
	expect(watched(5, 200, 2).w.cap(5, 200)).toBeUndefined();
	const still = watched(0, 200, 10); // not counting every call (or counting late)
	expect(still.w.cap(5, still.now)).toBeUndefined();
	const w = new QuotaWatch();
	for (let k = 0; k < 5; k++) w.observe(100 - k * 3, k * 200);
	w.observe(50_000, 1000); // midnight GMT: a new day's quota
	expect(w.cap(5, 1000)).toBeUndefined();
});

test('old answers leave the window: a process that has been idle starts without an estimate', () => {
	const { w } = watched(15, 200, 10);
	expect(w.cap(5, 60_000)).toBeUndefined();
});

test('a counter falling faster than the limit and its burst allow is not read as other processes', () => {
	const { w, now } = watched(100, 200, 10); // 100 calls/s against a 5/s app: some other counter
	expect(w.cap(5, now)).toBeUndefined();
});
