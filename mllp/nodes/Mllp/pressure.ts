// Back-pressure for the MLLP listener (mllp/README.md#back-pressure-and-limits): past *Max per
// Minute* or *Max Backlog* the listener stops reading from its sockets (TCP back-pressure: senders
// wait, nothing is refused or dropped) and reads again once below; said once per episode in the log.
import type { MllpServer } from './server';

export interface BackPressureOptions {
	/** messages in the last minute that pause reading (0 = no cap) */
	maxPerMinute: number;
	/** messages not yet delivered that pause reading */
	maxBacklog: number;
	backlog(): number;
	/** the listener, once it is up */
	listener(): MllpServer | undefined;
	log(level: 'info' | 'warn', text: string): void;
}

export interface BackPressure {
	/** A message arrived (counted against the rate cap). */
	arrived(): void;
	/** Pauses or resumes the listener as the caps say now. */
	check(): void;
	stop(): void;
}

export function backPressure(o: BackPressureOptions): BackPressure {
	const arrivals: number[] = [];
	let timer: NodeJS.Timeout | undefined;
	let stopped = false;
	const check = () => {
		const server = o.listener();
		if (!server || stopped) return;
		const now = Date.now();
		let gone = 0;
		while (gone < arrivals.length && now - arrivals[gone] >= 60000) gone++;
		if (gone) arrivals.splice(0, gone);
		const overRate = o.maxPerMinute > 0 && arrivals.length >= o.maxPerMinute;
		const overBacklog = o.backlog() >= o.maxBacklog;
		if ((overRate || overBacklog) && !server.paused) {
			server.pause();
			o.log(
				'warn',
				`MLLP: stopped reading from senders (${
					overRate
						? `${o.maxPerMinute} messages in the last minute`
						: `${o.backlog()} messages not yet delivered`
				}); resuming when below`,
			);
		} else if (!overRate && !overBacklog && server.paused) {
			server.resume();
			o.log('info', 'MLLP: reading from senders again');
		}
		// past the rate cap: look again when the oldest arrival leaves the minute
		if (overRate && !timer) {
			timer = setTimeout(
				() => {
					timer = undefined;
					check();
				},
				Math.max(10, 60000 - (now - arrivals[0])),
			);
		}
	};
	return {
		arrived() {
			if (o.maxPerMinute > 0) arrivals.push(Date.now());
		},
		check,
		stop() {
			stopped = true;
			clearTimeout(timer);
		},
	};
}
