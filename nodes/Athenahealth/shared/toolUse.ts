import type { IDataObject, IExecuteFunctions, INode, INodeExecutionData } from 'n8n-workflow';

// What changes when n8n runs the node as a tool (an AI Agent's tool or an MCP Server Trigger's):
// n8n runs it as the node's type name + "Tool", with the values of `$fromAI(...)` expressions
// filled from the model's arguments (docs/ai-agents.md#what-a-model-reads).

/** Whether n8n runs this node as a tool. */
export function isTool(ctx: IExecuteFunctions): boolean {
	return ctx.getNode().type.endsWith('Tool');
}

const FROM_AI = /\$fromAI\(\s*(['"`])([A-Za-z0-9_-]{1,64})\1/;

/** Every `$fromAI` key in the node's parameters, with the name of the parameter it fills. */
export function fromAiArguments(node: INode): Array<{ parameter: string; key: string }> {
	const found: Array<{ parameter: string; key: string }> = [];
	const walk = (value: unknown, name: string) => {
		if (typeof value === 'string') {
			const m = FROM_AI.exec(value);
			if (m) found.push({ parameter: name, key: m[2] });
		} else if (Array.isArray(value)) {
			for (const v of value) walk(v, name);
		} else if (value && typeof value === 'object') {
			const obj = value as IDataObject;
			// a resource locator's value belongs to the locator parameter itself
			if (obj.__rl) walk(obj.value, name);
			else for (const [k, v] of Object.entries(obj)) walk(v, k);
		}
	};
	for (const [k, v] of Object.entries(node.parameters ?? {})) walk(v, k);
	return found;
}

/**
 * The name an input error gives a field: the field's own name for people, and, when a model fills
 * it through `$fromAI`, the model's argument first, so the model knows which argument to fix.
 */
export function fieldLabel(ctx: IExecuteFunctions, parameter: string, label: string): string {
	const arg = fromAiArguments(ctx.getNode()).find((a) => a.parameter === parameter);
	return arg ? `${arg.key} (${label})` : label;
}

/**
 * In an error raised while the node runs as a tool, names the `$fromAI` argument beside each field
 * the message names by its display name (`displayNames`: parameter name → display name).
 */
export function withArgumentNames(
	node: INode,
	message: string,
	displayNames: Record<string, string>,
): string {
	let text = message;
	const escape = (v: string) => v.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
	// longest names first, whole words only, so "Date" is not found inside "Birth Date"
	const args = fromAiArguments(node)
		.map((a) => ({ ...a, shown: displayNames[a.parameter] }))
		.filter((a) => a.shown)
		.sort((a, b) => b.shown.length - a.shown.length);
	for (const { key, shown } of args) {
		if (text.includes(`${key} (`)) continue; // named already (fieldLabel)
		const re = new RegExp(`(^|[^\\w(])${escape(shown)}(?![\\w)])`);
		text = text.replace(re, (_m, before: string) => `${before}${key} (${shown})`);
	}
	return text;
}

// A list cut at the tool's Limit. As a tool, a list asks athena for one record more than its
// Limit; when that record comes, the model gets Limit records and one last item saying more exist.
const cuts = new WeakMap<
	object,
	Map<number, { limit: number; total?: number; totalUnknown?: boolean }>
>();

/** The number of records to ask for: `limit`, or one more when running as a tool. */
export function toolListSize(ctx: IExecuteFunctions, itemIndex: number, limit: number): number {
	if (!isTool(ctx)) return limit;
	const map = cuts.get(ctx) ?? new Map();
	map.set(itemIndex, { limit });
	cuts.set(ctx, map);
	return limit + 1;
}

/** Records the total athena reported for a list (athena's `totalcount`, FHIR's `Bundle.total`). */
export function noteListTotal(ctx: object, itemIndex: number | undefined, total: number) {
	const cut = cuts.get(ctx)?.get(itemIndex ?? 0);
	if (cut && cut.total === undefined && Number.isFinite(total)) cut.total = total;
}

/** For a list put together from several searches: no one search's total is the list's. */
export function listTotalUnknown(ctx: object, itemIndex: number) {
	const cut = cuts.get(ctx)?.get(itemIndex);
	if (cut) cut.totalUnknown = true;
}

/** Cuts a tool's list to its Limit, adding the item that tells the model more exist. */
export function cutToolList(
	ctx: IExecuteFunctions,
	itemIndex: number,
	results: INodeExecutionData[],
): INodeExecutionData[] {
	const cut = cuts.get(ctx)?.get(itemIndex);
	cuts.get(ctx)?.delete(itemIndex);
	// resources a FHIR search added with _include are not results of their own
	const isResult = (r: INodeExecutionData) => r.json._searchMode !== 'include';
	if (!cut || results.filter(isResult).length <= cut.limit) return results;
	const kept: INodeExecutionData[] = [];
	let count = 0;
	for (const r of results) {
		if (isResult(r) && ++count > cut.limit) break;
		kept.push(r);
	}
	const total =
		cut.total !== undefined && !cut.totalUnknown && cut.total > cut.limit ? cut.total : undefined;
	const shown = total
		? `Only the first ${cut.limit} of ${total} results are shown`
		: `Only the first ${cut.limit} results are shown; more exist`;
	return [
		...kept,
		{
			json: {
				moreResults: true,
				returned: cut.limit,
				...(total ? { total } : {}),
				note:
					`${shown} (this tool's limit). Do not treat them as all; narrow the search ` +
					'(for example a shorter date range, or one department, provider or patient) to see the others.',
			},
			pairedItem: { item: itemIndex },
		},
	];
}
