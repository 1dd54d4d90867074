import type { IDeferredPromise, INodeExecutionData, IPollFunctions, IRun } from 'n8n-workflow';

import type { Batch, TriggerState } from './checkpoint';
import { catchUp, settled } from './memory';

// How a poll hands its changes to n8n so that it learns when their execution has finished.
//
// Returning items from poll() lets n8n start the execution but says nothing about its outcome. n8n's
// poll context also has `__emit(data, responsePromise, donePromise)`, the call n8n itself makes with
// what poll() returns; its donePromise settles once the execution has finished (in queue mode once
// the worker reports the job done), which is how n8n's message-queue triggers acknowledge only
// after the workflow ran. The trigger emits that way and returns nothing. A host without `__emit`
// gets the items returned, and the batch counts as delivered once emitted.
//
// n8n saves static data only when something is emitted. To save "this batch finished" at once,
// the trigger can emit an empty execution right after (option Save Finished Deliveries At Once);
// otherwise that fact reaches the database with the next poll that emits. Under n8n's durable
// scheduler each poll has its own copy of the state: the mark is saved with the latest poll's state
// (memory.ts), never with the older copy of the poll that emitted the batch.
//
// A donePromise resolved without a run means n8n started no execution (under the durable scheduler:
// the poll lost its lease, so n8n refused to save its cursor and execution): the changes are
// delivered again whatever *When An Execution Fails* says.

export type OnExecutionError = 'leave' | 'redeliver';

type Emit = (
	data: INodeExecutionData[][],
	responsePromise?: undefined,
	donePromise?: IDeferredPromise<IRun>,
) => void;

const failed = (run: IRun | undefined) =>
	!run ||
	run.status === 'error' ||
	run.status === 'crashed' ||
	run.status === 'canceled' ||
	Boolean(run.data?.resultData?.error);

/** Emits one poll's items; returns what poll() must return. */
export function deliver(
	ctx: IPollFunctions,
	state: TriggerState,
	batch: Batch,
	items: INodeExecutionData[],
	onError: OnExecutionError,
	saveAtOnce: boolean,
	node: string,
): INodeExecutionData[][] | null {
	const emit = (ctx as unknown as { __emit?: Emit }).__emit;
	if (typeof emit !== 'function') {
		batch.status = 'done';
		return [items];
	}
	const outcome = (run: IRun | undefined, rejected: boolean) => {
		const started = rejected || run !== undefined;
		const status = !started
			? 'redeliver'
			: (!rejected && !failed(run)) || onError === 'leave'
				? 'done'
				: 'redeliver';
		settled(node, batch, status, started);
		catchUp(node, state);
		// an execution with no items runs no node; emitting it is what makes n8n save the state now
		if (status === 'done' && saveAtOnce) emit.call(ctx, [[]]);
	};
	// n8n-workflow 1.x does not export createDeferredPromise: the same three members, built here
	let resolve: IDeferredPromise<IRun>['resolve'] = () => undefined;
	let reject: IDeferredPromise<IRun>['reject'] = () => undefined;
	const promise = new Promise<IRun>((res, rej) => {
		resolve = res;
		reject = rej;
	});
	promise.then(
		(run) => outcome(run, false),
		() => outcome(undefined, true),
	);
	// n8n takes this poll's copy of the state to save with the execution: with every outcome known now
	catchUp(node, state);
	emit.call(ctx, [items], undefined, { promise, resolve, reject });
	return null;
}
