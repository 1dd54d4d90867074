// Hands messages to executions: up to `batchSize` per execution (or what arrived within
// `batchWaitMs`), and when `ordered`, one execution at a time per key, messages of one key in
// arrival order, while up to `parallel` executions run for different keys.
import type { AckCode } from '../hl7/ack';

export interface Verdict {
	code: AckCode;
	text?: string;
}

export interface Delivery<T> {
	item: T;
	/** the partition; '' when there is none */
	key: string;
	settle(verdict: Verdict): void;
}

export interface DispatcherOptions<T> {
	batchSize: number;
	batchWaitMs: number;
	/** most executions in flight at once */
	parallel: number;
	/** same key: one execution at a time, in arrival order */
	ordered: boolean;
	/** Runs one execution for these items; resolves with its verdict once it has finished. */
	run(items: T[]): Promise<Verdict>;
	/** Called whenever the number of queued or running messages drops. */
	onProgress?(): void;
	/** Queue only until start() is called. */
	held?: boolean;
}

export class Dispatcher<T> {
	private readonly lanes = new Map<string, Array<Delivery<T>>>();
	private readonly busy = new Set<string>();
	private inflight = 0;
	private running = 0;
	private queuedCount = 0;
	private timer: NodeJS.Timeout | undefined;
	private stopped = false;
	private idle: Array<() => void> = [];

	private held: boolean;

	constructor(private readonly o: DispatcherOptions<T>) {
		this.held = Boolean(o.held);
	}

	start() {
		this.held = false;
		this.pump(false);
	}

	/** messages waiting for an execution */
	get queued() {
		return this.queuedCount;
	}

	/** messages in executions that have not finished */
	get active() {
		return this.running;
	}

	push(d: Delivery<T>) {
		const lane = this.lanes.get(d.key);
		if (lane) lane.push(d);
		else this.lanes.set(d.key, [d]);
		this.queuedCount++;
		this.pump(false);
	}

	/** No new executions from now on; resolves when the running ones finished (or after ms). */
	async stop(ms: number) {
		this.stopped = true;
		clearTimeout(this.timer);
		if (!this.inflight) return;
		let timer: NodeJS.Timeout | undefined;
		await Promise.race([
			new Promise<void>((resolve) => this.idle.push(resolve)),
			new Promise((resolve) => (timer = setTimeout(resolve, ms))),
		]);
		clearTimeout(timer);
	}

	private pump(force: boolean) {
		if (this.stopped || this.held) return;
		while (this.inflight < this.o.parallel && this.queuedCount > 0) {
			if (!force && this.o.batchSize > 1 && this.queuedCount < this.o.batchSize) {
				// wait a little for more messages to fill the batch
				this.timer ??= setTimeout(() => {
					this.timer = undefined;
					this.pump(true);
				}, this.o.batchWaitMs);
				return;
			}
			const batch: Array<Delivery<T>> = [];
			const taken: string[] = [];
			for (const [key, lane] of this.lanes) {
				if (batch.length >= this.o.batchSize) break;
				if (this.o.ordered && this.busy.has(key)) continue;
				const n = Math.min(lane.length, this.o.batchSize - batch.length);
				batch.push(...lane.splice(0, n));
				taken.push(key);
				this.lanes.delete(key);
				// a lane with more waiting goes to the back, so other keys get their turn
				if (lane.length) this.lanes.set(key, lane);
			}
			if (!batch.length) return;
			clearTimeout(this.timer);
			this.timer = undefined;
			this.queuedCount -= batch.length;
			this.running += batch.length;
			if (this.o.ordered) for (const k of taken) this.busy.add(k);
			this.inflight++;
			const finish = (verdict: Verdict) => {
				this.inflight--;
				this.running -= batch.length;
				if (this.o.ordered) for (const k of taken) this.busy.delete(k);
				for (const d of batch) d.settle(verdict);
				if (!this.inflight) this.idle.splice(0).forEach((r) => r());
				this.o.onProgress?.();
				// one execution at a time: the next also waits (up to batchWaitMs) for a full batch, so
				// fewer, fuller executions leave the process's event loop to the listener and its ACKs;
				// several: the free slot is used at once, so executions for different keys overlap
				this.pump(this.o.parallel > 1);
			};
			let result: Promise<Verdict>;
			try {
				result = this.o.run(batch.map((d) => d.item));
			} catch (error) {
				result = Promise.reject(error);
			}
			result.then(finish, (error: Error) =>
				finish({ code: 'AE', text: error?.message ?? 'failed' }),
			);
		}
	}
}
