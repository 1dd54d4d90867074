// The Event Trigger the way n8n runs a webhook trigger: n8n-core's HookContext for activation
// (checkExists, then create when it answers false; n8n then saves the static data) and
// deactivation (delete), and n8n-core's WebhookContext for each request, on a real HTTP server that
// reads the raw body as n8n's body parser does and answers as n8n's webhook handler does for
// responseMode onReceived: the node's own answer when it wrote one, else 200 before the execution
// starts. (n8n hands the node express's request and response, which extend node's http ones; the
// node uses only what node's own carry.) Each request sees a copy of the saved static data, as n8n loads it from its database.
import http from 'node:http';
import type { AddressInfo } from 'node:net';

import { ExecutionLifecycleHooks, HookContext, WebhookContext } from 'n8n-core';
import {
	Workflow,
	type IDataObject,
	type INode,
	type INodeExecutionData,
	type INodeType,
	type IWebhookData,
	type IWebhookResponseData,
} from 'n8n-workflow';

import { additionalData, CRED, loadPackage, nodeTypes, type MemoryCredentials } from './n8n';

export const EVENT_TRIGGER = 'n8n-nodes-athenahealth.athenahealthEventTrigger';

export interface Answer {
	status: number;
	body: string;
	ms: number;
}

let workflowSeq = 0;

export async function eventTrigger(credentials: MemoryCredentials, parameters: IDataObject) {
	const { loader } = await loadPackage();
	const type = loader.nodeTypes.athenahealthEventTrigger.type as INodeType;
	const workflowId = `wf-push-${++workflowSeq}`;
	const node: INode = {
		id: 'push',
		name: 'athenahealth Event Trigger',
		type: EVENT_TRIGGER,
		typeVersion: 1,
		position: [0, 0],
		webhookId: `hook-${workflowSeq}`,
		parameters: parameters as INode['parameters'],
		credentials: { [CRED]: { id: 'cred-1', name: 'athena' } },
	};
	/** n8n's database copy of the workflow's static data. */
	let saved: IDataObject = {};
	const executions: INodeExecutionData[][] = [];
	const server = http.createServer((req, res) => {
		void handle(req, res);
	});
	await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
	const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}/webhook`;
	const url = `${base}/${node.webhookId}/athena-events`;

	const types = await nodeTypes();
	const workflowOf = (staticData: IDataObject) =>
		new Workflow({
			id: workflowId,
			nodes: [node],
			connections: {},
			active: true,
			nodeTypes: types,
			staticData,
		});
	const data = (extra: object = {}) => {
		const hooks = new ExecutionLifecycleHooks('webhook', '1', {
			id: workflowId,
			nodes: [node],
		} as never);
		return { ...additionalData(credentials, hooks), webhookBaseUrl: base, ...extra } as never;
	};
	const webhookData = (): IWebhookData =>
		({
			httpMethod: 'POST',
			node: node.name,
			path: `${node.webhookId}/athena-events`,
			webhookDescription: type.description.webhooks![0],
			workflowId,
			webhookId: node.webhookId,
			workflowExecuteAdditionalData: data(),
		}) as IWebhookData;

	const hook = (activation: 'activate' | 'init' = 'activate') => {
		const staticData = JSON.parse(JSON.stringify(saved));
		const workflow = workflowOf(staticData);
		const ctx = new HookContext(workflow, node, data(), 'trigger', activation, webhookData());
		const methods = type.webhookMethods!.default!;
		return {
			ctx,
			methods,
			save: () => {
				saved = JSON.parse(JSON.stringify(workflow.staticData));
			},
		};
	};

	async function handle(req: http.IncomingMessage, res: http.ServerResponse) {
		const chunks: Buffer[] = [];
		for await (const chunk of req) chunks.push(chunk as Buffer);
		// n8n's body parser keeps the bytes as received in req.rawBody
		(req as unknown as { rawBody: Buffer }).rawBody = Buffer.concat(chunks);
		const reply = (status: number, body: unknown) => {
			res.writeHead(status, { 'content-type': 'application/json' });
			res.end(JSON.stringify(body));
		};
		if (req.method !== 'POST' || !req.url?.startsWith(new URL(url).pathname))
			return reply(404, { message: 'not registered' });
		const workflow = workflowOf(JSON.parse(JSON.stringify(saved)));
		const ctx = new WebhookContext(
			workflow,
			node,
			data({ httpRequest: req, httpResponse: res }),
			'webhook',
			webhookData(),
			[],
			null,
		);
		let result: IWebhookResponseData;
		try {
			result = await type.webhook!.call(ctx);
		} catch (error) {
			return reply(500, { message: (error as Error).message });
		}
		if (!result.noWebhookResponse && !res.headersSent)
			reply(
				200,
				result.workflowData
					? { message: 'Workflow was started' }
					: (result.webhookResponse ?? { message: 'Webhook call received' }),
			);
		if (result.workflowData) executions.push(result.workflowData[0]);
	}

	return {
		node,
		url,
		executions,
		items: () => executions.flat().map((i) => i.json),
		/** The node's static data as n8n saved it (getWorkflowStaticData('node')). */
		staticData: () => (saved[`node:${node.name}`] ?? {}) as IDataObject,
		/** Waits until the executions carry `count` items. */
		async waitForItems(count: number) {
			for (let i = 0; i < 400 && executions.flat().length < count; i++)
				await new Promise((r) => setTimeout(r, 25));
			return executions.flat().map((i) => i.json);
		},
		/** What n8n does on activation: checkExists, create when it answered false, then save static data. */
		async activate(activation: 'activate' | 'init' = 'activate') {
			const h = hook(activation);
			const exists = await h.methods.checkExists.call(h.ctx);
			if (!exists) await h.methods.create.call(h.ctx);
			h.save();
			return exists;
		},
		async deactivate() {
			const h = hook();
			const done = await h.methods.delete.call(h.ctx);
			h.save();
			return done;
		},
		/** POSTs a body with headers to the trigger, as athena does; the answer and its latency. */
		async post(body: string, headers: Record<string, string>): Promise<Answer> {
			const started = performance.now();
			const res = await fetch(url, {
				method: 'POST',
				headers: { 'content-type': 'application/fhir+json', ...headers },
				body,
			});
			const text = await res.text();
			return { status: res.status, body: text, ms: performance.now() - started };
		},
		close: () =>
			new Promise<void>((r) => {
				server.closeAllConnections();
				server.close(() => r());
			}),
	};
}
