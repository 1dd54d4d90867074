// The throttle's controller with explicit times: how it reacts to athena's 429s when several
// processes share one app's limit (queue mode), and how it takes up capacity again.
import { Pacer } from '../../nodes/Athenahealth/transport/throttle';

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
	expect([p.congestion(950, 1010), p.congestion(980, 1020), p.congestion(999, 1030)]).toEqual([false, false, false]);
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
