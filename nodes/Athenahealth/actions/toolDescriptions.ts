import type { INodeProperties } from 'n8n-workflow';

import { RESOURCES, toolTextOf } from './resources';

// What a model reads when the node runs as a tool (AI Agent, MCP Server Trigger). n8n's automatic
// tool description is only the operation's action ("Book an appointment in athenahealth"); a model
// also needs the inputs and their form, what comes back, and which calls change athena (so an agent
// can ask the user first). The node declares its own `toolDescription`, shown only in tool use
// ('@tool'), one per operation: n8n then adds none of its own and sends this text, editable per node.
// Each operation file carries its own text (types.ts: Operation.toolDescription).

/** One `toolDescription` per operation, shown only when the node is a tool. */
export function toolDescriptionFields(): INodeProperties[] {
	return RESOURCES.flatMap(({ resource, operations }) =>
		operations.map((op) => ({
			displayName: 'Tool Description',
			name: 'toolDescription',
			type: 'string' as const,
			typeOptions: { rows: 3 },
			default: toolTextOf(op),
			description:
				'What the model reads about this tool: what it does, its inputs and what it returns',
			displayOptions: {
				show: { '@tool': [true], resource: [resource], operation: [op.option.value] },
			},
		})),
	);
}

// Defaults that differ in tool use: records a model reads stay compact.
const TOOL_DEFAULTS: Record<string, boolean | number> = { simplify: true, limit: 10 };

/** Splits each parameter with a tool default into a workflow copy and a tool copy. */
export function withToolDefaults(properties: INodeProperties[]): INodeProperties[] {
	return properties.flatMap((p) => {
		if (!(p.name in TOOL_DEFAULTS)) return [p];
		const onlyIf = (tool: boolean) => ({
			...p.displayOptions,
			show: { ...p.displayOptions?.show, '@tool': [tool] },
		});
		return [
			{ ...p, displayOptions: onlyIf(false) },
			{ ...p, default: TOOL_DEFAULTS[p.name], displayOptions: onlyIf(true) },
		];
	});
}
