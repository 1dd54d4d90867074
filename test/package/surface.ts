// What a saved workflow depends on in the nodes' descriptions: node type names and versions, and
// for every parameter its name, where it shows, its type, its default and its option values.
// Parameter order, labels and help texts may change; these may not. The default text of Tool
// Description is help text for a model (it is improved freely; a node that set its own keeps it). New parameters and new
// options may be added (a saved workflow never holds them).
import type { INodeProperties, INodeTypeDescription } from 'n8n-workflow';

export interface Surface {
	node: string;
	/** parameter key (name, type, where it shows, default) → its option values, or nested ones */
	parameters: Record<string, string[]>;
}

function options(p: INodeProperties): string[] {
	if (!p.options) return [];
	return (p.options as Array<Record<string, unknown>>).flatMap((o) => {
		if ('value' in o) return [JSON.stringify(o.value)];
		if ('values' in o)
			return (o.values as INodeProperties[]).flatMap((v) => [
				`${o.name}.${key(v)}`,
				...options(v).map((x) => `${o.name}.${v.name}=${x}`),
			]);
		const inner = o as unknown as INodeProperties;
		return [key(inner), ...options(inner).map((x) => `${inner.name}=${x}`)];
	});
}

function key(p: INodeProperties): string {
	return JSON.stringify({
		name: p.name,
		type: p.type,
		show: p.displayOptions?.show,
		hide: p.displayOptions?.hide,
		default: p.name === 'toolDescription' ? undefined : p.default,
	});
}

/** A recorded parameter key read as `key` writes it now (e.g. without a tool text's default). */
function rekey(k: string): string {
	const p = JSON.parse(k) as Record<string, unknown>;
	return JSON.stringify({ ...p, default: p.name === 'toolDescription' ? undefined : p.default });
}

export function surface(description: INodeTypeDescription): Surface {
	const parameters: Record<string, string[]> = {};
	for (const p of description.properties)
		parameters[key(p)] = [...new Set([...(parameters[key(p)] ?? []), ...options(p)])].sort();
	return {
		node: `${description.name}@${JSON.stringify(description.version)}`,
		parameters: Object.fromEntries(
			Object.entries(parameters).sort(([a], [b]) => a.localeCompare(b)),
		),
	};
}

/** What `before` had that `now` lacks: a parameter, or an option value of one. */
export function missing(before: Surface, now: Surface): string[] {
	if (before.node !== now.node) return [`node ${before.node} is now ${now.node}`];
	return Object.entries(before.parameters).flatMap(([recorded, values]) => {
		const k = rekey(recorded);
		if (!(k in now.parameters)) return [`${before.node} parameter ${k}`];
		return values
			.filter((v) => !now.parameters[k].includes(v))
			.map((v) => `${before.node} parameter ${k} option ${v}`);
	});
}
