// The node as n8n runs it as a tool: a workflow whose first node takes tools on its `ai_tool`
// input (as n8n's AI Agent does) and gets them from n8n-core's own getInputConnectionData, which
// builds each tool from the connected node (description, argument schema from its `$fromAI`
// expressions) and runs the node when the tool is called. The calling node stands in for the
// model: it records what the tools say about themselves and calls them with the given arguments.
import { ExecutionLifecycleHooks, WorkflowExecute } from 'n8n-core';
import {
	createRunExecutionData,
	Workflow,
	type IDataObject,
	type IExecuteFunctions,
	type INode,
	type INodeType,
	type IRun,
} from 'n8n-workflow';

import {
	additionalData,
	binaryStore,
	CRED,
	extraNodeTypes,
	loadPackage,
	nodeTypes,
	type MemoryCredentials,
} from './n8n';

export const TOOL_TYPE = 'n8n-nodes-athenahealth.athenahealthTool';

/** What a model is given of one tool: its name, its description and its arguments. */
export interface ToolView {
	name: string;
	description: string;
	/** argument → its description, from the schema n8n builds from the `$fromAI` expressions */
	arguments: Record<string, string | undefined>;
}

export interface ToolCall {
	tool: string;
	args: IDataObject;
}

type StructuredTool = {
	name: string;
	description: string;
	schema: { shape: Record<string, { description?: string }> };
	invoke(args: IDataObject): Promise<string>;
};

const caller: INodeType = {
	description: {
		displayName: 'Tool Caller',
		name: 'toolCaller',
		group: ['transform'],
		version: 1,
		description: 'Calls the connected tools as a model would',
		defaults: { name: 'Tool Caller' },
		inputs: ['main', 'ai_tool'],
		outputs: ['main'],
		properties: [{ displayName: 'Calls', name: 'calls', type: 'json', default: '[]' }],
	},
	async execute(this: IExecuteFunctions) {
		const tools = (await this.getInputConnectionData('ai_tool', 0)) as StructuredTool[];
		const calls = JSON.parse(this.getNodeParameter('calls', 0) as string) as ToolCall[];
		const views: ToolView[] = tools.map((t) => ({
			name: t.name,
			description: t.description,
			arguments: Object.fromEntries(
				Object.entries(t.schema.shape).map(([k, v]) => [k, v.description]),
			),
		}));
		const results: IDataObject[] = [];
		for (const call of calls) {
			const tool = tools.find((t) => t.name === call.tool);
			if (!tool) throw new Error(`no tool ${call.tool}`);
			try {
				results.push({ ok: true, text: await tool.invoke(call.args) });
			} catch (error) {
				results.push({ ok: false, text: (error as Error).message });
			}
		}
		return [[{ json: { tools: views, results } as unknown as IDataObject }]];
	},
};

let registered: Promise<void> | undefined;

/** Registers the tool variant of the action node the way n8n makes it ("…Tool", an `ai_tool` output). */
function registerTypes() {
	registered ??= (async () => {
		const { loader } = await loadPackage();
		const base = loader.nodeTypes.athenahealth.type as INodeType;
		const description = {
			...base.description,
			name: 'athenahealthTool',
			displayName: `${base.description.displayName} Tool`,
			inputs: [],
			outputs: ['ai_tool'],
		};
		delete (description as { usableAsTool?: unknown }).usableAsTool;
		extraNodeTypes[TOOL_TYPE] = Object.create(base, {
			description: { value: description },
		}) as INodeType;
		extraNodeTypes['test.toolCaller'] = caller;
	})();
	return registered;
}

/**
 * Connects the given athenahealth tool nodes (name → parameters) to a calling node and makes the
 * calls in order. Returns what the tools said about themselves and each call's answer as the
 * model reads it (the tool's JSON text, or the error message).
 */
export async function runTools(
	credentials: MemoryCredentials,
	tools: Record<string, IDataObject>,
	calls: ToolCall[] = [],
): Promise<{ tools: ToolView[]; results: Array<{ ok: boolean; text: string }> }> {
	await registerTypes();
	await binaryStore();
	const callerNode: INode = {
		id: 'caller',
		name: 'Tool Caller',
		type: 'test.toolCaller',
		typeVersion: 1,
		position: [0, 0],
		parameters: { calls: JSON.stringify(calls) },
	};
	const toolNodes: INode[] = Object.entries(tools).map(([name, parameters], i) => ({
		id: `tool${i}`,
		name,
		type: TOOL_TYPE,
		typeVersion: 1,
		position: [i * 200, 200],
		parameters: parameters as INode['parameters'],
		credentials: { [CRED]: { id: 'cred-1', name: 'athena' } },
	}));
	const nodes = [callerNode, ...toolNodes];
	const connections: Workflow['connectionsBySourceNode'] = Object.fromEntries(
		toolNodes.map((n) => [
			n.name,
			{ ai_tool: [[{ node: callerNode.name, type: 'ai_tool' as const, index: 0 }]] },
		]),
	);
	const workflow = new Workflow({
		id: 'wf',
		nodes,
		connections,
		active: false,
		nodeTypes: await nodeTypes(),
		staticData: {},
	});
	const hooks = new ExecutionLifecycleHooks('manual', '1', {
		id: 'wf',
		name: 'tools',
		nodes,
		connections,
		active: false,
		settings: {},
	} as never);
	const done = new Promise<IRun>((resolve) =>
		hooks.addHandler('workflowExecuteAfter', (run) => resolve(run)),
	);
	const runData = createRunExecutionData({
		executionData: {
			nodeExecutionStack: [{ node: callerNode, data: { main: [[{ json: {} }]] }, source: null }],
		},
	});
	const execute = new WorkflowExecute(additionalData(credentials, hooks), 'manual', runData);
	void execute.processRunExecutionData(workflow);
	const run = await done;
	const error = run.data.resultData.error;
	if (error) throw error;
	const out = run.data.resultData.runData[callerNode.name][0].data!.main[0]![0].json;
	return out as unknown as Awaited<ReturnType<typeof runTools>>;
}
