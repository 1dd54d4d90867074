import {
	NodeOperationError,
	type IExecuteFunctions,
	type INodeExecutionData,
	type INodeProperties,
} from 'n8n-workflow';

import { cutToolList, isTool, withArgumentNames } from '../shared/toolUse';
import { asNodeError } from '../transport/errors';

import type { Operation } from './types';

const onSuccess = new WeakMap<object, Array<() => void>>();

/** Runs `fn` only if the node run returns its items and this item succeeded (e.g. to mark files as delivered). */
export function afterSuccess(ctx: IExecuteFunctions, fn: () => void) {
	const list = onSuccess.get(ctx) ?? [];
	list.push(fn);
	onSuccess.set(ctx, list);
}

/** Parameter name → display name, for the operation's fields and the options inside them. */
function displayNames(fields: INodeProperties[]): Record<string, string> {
	const names: Record<string, string> = {};
	const add = (list: unknown[]) => {
		for (const f of list as Array<{ name?: string; displayName?: string; options?: unknown[] }>) {
			if (f.name && f.displayName) names[f.name] ??= f.displayName;
			if (Array.isArray(f.options) && f.options.some((o) => (o as INodeProperties).displayName))
				add(f.options);
		}
	};
	add(fields);
	return names;
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
		let op: Operation | undefined;
		try {
			const resource = this.getNodeParameter('resource', i) as string;
			const operation = this.getNodeParameter('operation', i) as string;
			op = resources[resource]?.[operation];
			if (!op)
				throw new NodeOperationError(
					this.getNode(),
					`The operation "${operation}" of "${resource}" is not known`,
					{ itemIndex: i },
				);
			// as a tool, a list cut at its Limit ends with an item saying so (shared/toolUse.ts)
			for (const result of cutToolList(this, i, await op.execute.call(this, i)))
				out.push({ ...result, pairedItem: result.pairedItem ?? { item: i } });
		} catch (error) {
			onSuccess.get(this)?.splice(registered);
			const nodeError = asNodeError(this.getNode(), error);
			nodeError.context.itemIndex ??= i;
			// as a tool, the model reads its own argument names beside the fields' names
			if (op && isTool(this))
				nodeError.message = withArgumentNames(
					this.getNode(),
					nodeError.message,
					displayNames(op.description),
				);
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
