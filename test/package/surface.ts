// What a saved workflow depends on in the nodes' descriptions: node type names and versions, and
// for every parameter its name, where it shows, its default and its option values. Parameter
// order, labels and help texts may change; these may not.
import type { INodeProperties, INodeTypeDescription } from 'n8n-workflow';

function options(p: INodeProperties): unknown {
	if (!p.options) return undefined;
	return (p.options as Array<Record<string, unknown>>).map((o) => ('value' in o ? o.value : 'values' in o ? { name: o.name, values: (o.values as INodeProperties[]).map(parameter) } : parameter(o as unknown as INodeProperties)));
}

function parameter(p: INodeProperties): string {
	return JSON.stringify({ name: p.name, type: p.type, show: p.displayOptions?.show, hide: p.displayOptions?.hide, default: p.default, options: options(p) });
}

export function surface(description: INodeTypeDescription): { node: string; parameters: string[] } {
	return {
		node: `${description.name}@${JSON.stringify(description.version)}`,
		parameters: [...new Set(description.properties.map(parameter))].sort(),
	};
}
