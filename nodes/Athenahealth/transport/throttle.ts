import { sleep } from './sleep';

// One pacing schedule per credential + practice, shared by every node running in this n8n instance.
// It spaces calls evenly (no burst) so a server-side per-second bucket is never tripped, halves
// its rate when athena still answers 429, and climbs back by 2% of the target per success.

interface Schedule {
	target: number;
	rate: number;
	/** Earliest time the next call may start. */
	next: number;
}

const schedules = new Map<string, Schedule>();

function schedule(key: string, target: number): Schedule {
	let s = schedules.get(key);
	if (!s) {
		s = { target, rate: target, next: 0 };
		schedules.set(key, s);
	} else if (s.target !== target) {
		s.target = target;
		s.rate = Math.min(s.rate, target);
	}
	return s;
}

/**
 * Waits for this key's next slot; returns the milliseconds waited. A caller claims a slot only when
 * it is awake at that moment: callers that wake together after a stalled event loop take turns
 * instead of all going out at once (the server would see a burst).
 */
export async function acquire(key: string, ratePerSecond: number, signal?: AbortSignal): Promise<number> {
	if (!(ratePerSecond > 0)) return 0;
	const s = schedule(key, ratePerSecond);
	const began = Date.now();
	for (;;) {
		const now = Date.now();
		if (now >= s.next) {
			s.next = now + 1000 / s.rate;
			return now - began;
		}
		await sleep(s.next - now, signal);
	}
}

/** athena throttled us anyway: slow down and keep everyone off the server until it says so. */
export function penalize(key: string, retryAfterMs: number): void {
	const s = schedules.get(key);
	if (!s) return;
	s.rate = Math.max(s.target / 16, s.rate / 2);
	s.next = Math.max(s.next, Date.now() + retryAfterMs);
}

export function reward(key: string): void {
	const s = schedules.get(key);
	if (s && s.rate < s.target) s.rate = Math.min(s.target, s.rate + s.target * 0.02);
}
