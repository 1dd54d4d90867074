import { NodeOperationError, type IExecuteFunctions, type INodeExecutionData } from 'n8n-workflow';

import { asNodeError } from '../transport/errors';

import type { Operation } from './types';

const onSuccess = new WeakMap<object, Array<() => void>>();

/** Runs `fn` only if the node run returns its items and this item succeeded (e.g. to mark files as delivered). */
export function afterSuccess(ctx: IExecuteFunctions, fn: () => void) {
	const list = onSuccess.get(ctx) ?? [];
	list.push(fn);
	onSuccess.set(ctx, list);
}

/**
 * Owns the per-item loop: every operation handles exactly one item; here each output gets its
 * pairedItem, errors get the item index, and On Error (continue) keeps the other items going.
 */
export async function route(
	this: IExecuteFunctions,
	resources: Record<string, Record<string, Operation>>,
): Promise<INodeExecutionData[][]> {
	const items = this.getInputData();
	const out: INodeExecutionData[] = [];
	for (let i = 0; i < items.length; i++) {
		// callbacks an item registers count only if that item succeeds
		const registered = onSuccess.get(this)?.length ?? 0;
		try {
			const resource = this.getNodeParameter('resource', i) as string;
			const operation = this.getNodeParameter('operation', i) as string;
			const op = resources[resource]?.[operation];
			if (!op)
				throw new NodeOperationError(
					this.getNode(),
					`The operation "${operation}" of "${resource}" is not known`,
					{ itemIndex: i },
				);
			for (const result of await op.execute.call(this, i))
				out.push({ ...result, pairedItem: result.pairedItem ?? { item: i } });
		} catch (error) {
			onSuccess.get(this)?.splice(registered);
			const nodeError = asNodeError(this.getNode(), error);
			nodeError.context.itemIndex ??= i;
			if (this.continueOnFail()) {
				// n8n routes an item to the error output by its `error` (and then keeps only the message
				// in json); on the regular output the json also says why and which item
				const toErrorOutput = this.getNode().onError === 'continueErrorOutput';
				out.push({
					json: {
						error: nodeError.message,
						description: nodeError.description ?? undefined,
						itemIndex: i,
					},
					...(toErrorOutput ? { error: nodeError } : {}),
					pairedItem: { item: i },
				});
				continue;
			}
			throw nodeError;
		}
	}
	for (const fn of onSuccess.get(this) ?? []) fn();
	onSuccess.delete(this);
	return [out];
}
