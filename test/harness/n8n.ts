// Runs the built package the way n8n does: n8n-core's PackageDirectoryLoader loads dist/, real
// workflows execute in WorkflowExecute (or PollContext for the trigger), and credentials go through
// n8n-core's own OAuth2 client-credentials path. Only the credential store is ours (in memory).
import path from 'node:path';

import { Logger } from '@n8n/backend-common';
import { Container } from '@n8n/di';
import os from 'node:os';
import fs from 'node:fs';

import {
	BinaryDataService,
	Credentials,
	ErrorReporter,
	ExecutionLifecycleHooks,
	LoadOptionsContext,
	PackageDirectoryLoader,
	PollContext,
	WorkflowExecute,
} from 'n8n-core';
import {
	createRunExecutionData,
	ICredentialsHelper,
	NodeHelpers,
	Workflow,
	type ICredentialDataDecryptedObject,
	type IDataObject,
	type IHttpRequestOptions,
	type INode,
	type INodeExecutionData,
	type INodeType,
	type INodeTypes,
	type IVersionedNodeType,
	type IDeferredPromise,
	type IRun,
	type IWorkflowExecuteAdditionalData,
	type WorkflowExecuteMode,
} from 'n8n-workflow';

export const ROOT = path.resolve(__dirname, '../..');
export const CRED = 'athenahealthOAuth2Api';

let loaderPromise: Promise<{ loader: PackageDirectoryLoader; warnings: string[] }> | undefined;

/** Loads dist/ once per worker, recording anything the loader warns about. */
export function loadPackage() {
	loaderPromise ??= (async () => {
		const warnings: string[] = [];
		const logger = Container.get(Logger);
		const original = logger.warn;
		// At log levels above warn, n8n freezes warn as a no-op; then there is nothing to record.
		const capture = Object.getOwnPropertyDescriptor(logger, 'warn')?.writable !== false;
		if (capture)
			logger.warn = ((message: string, meta?: Parameters<typeof original>[1]) =>
				warnings.push(String(message)) &&
				original.call(logger, message, meta)) as typeof logger.warn;
		const loader = new PackageDirectoryLoader(ROOT);
		await loader.loadAll();
		if (capture) logger.warn = original;
		return { loader, warnings };
	})();
	return loaderPromise;
}

let binaryPromise: Promise<string> | undefined;

/**
 * n8n's binary store in its default (filesystem) mode, in a temp folder: nodes stream files to disk
 * through it exactly as in n8n. Returns the folder.
 */
export function binaryStore(): Promise<string> {
	binaryPromise ??= (async () => {
		const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'athena-binary-'));
		const service = new BinaryDataService(
			{ mode: 'filesystem', localStoragePath: dir } as never,
			Container.get(ErrorReporter),
			Container.get(Logger),
		);
		await service.init();
		Container.set(BinaryDataService, service);
		return dir;
	})();
	return binaryPromise;
}

/** Node types from other packages a workflow may use (the benchmarks load n8n's own HTTP Request node). */
export const extraNodeTypes: Record<string, INodeType | IVersionedNodeType> = {};

export async function nodeTypes(): Promise<INodeTypes> {
	const { loader } = await loadPackage();
	const get = (type: string) => {
		if (extraNodeTypes[type]) return extraNodeTypes[type];
		const entry = loader.nodeTypes[type.split('.').pop()!];
		if (!entry) throw new Error(`unknown node type ${type}`);
		return entry.type;
	};
	return {
		getByName: get,
		getByNameAndVersion: (type, version) => NodeHelpers.getVersionedNodeType(get(type), version),
		getKnownTypes: () => ({}),
	};
}

/** The credential store n8n keeps in its database, here in memory; tokens n8n fetches are kept. */
export class MemoryCredentials extends ICredentialsHelper {
	tokenUpdates = 0;

	constructor(
		public data: ICredentialDataDecryptedObject,
		/** Other credential types, stored as given (e.g. n8n's generic oAuth2Api). */
		public others: Record<string, ICredentialDataDecryptedObject> = {},
	) {
		super();
	}

	getParentTypes(name: string): string[] {
		return name === CRED ? ['oAuth2Api'] : [];
	}

	async authenticate(_c: ICredentialDataDecryptedObject, _t: string, options: IHttpRequestOptions) {
		return options;
	}

	async preAuthentication() {
		return undefined;
	}

	async getCredentials() {
		return new Credentials({ id: 'cred-1', name: 'athena' }, CRED, '');
	}

	/** Like n8n's CLI: credential defaults applied, then `={{ }}` defaults resolved with $self. */
	async getDecrypted(
		_a?: unknown,
		_n?: unknown,
		type = CRED,
	): Promise<ICredentialDataDecryptedObject> {
		if (type !== CRED) return this.others[type] ?? {};
		const { loader } = await loadPackage();
		const properties = loader.credentialTypes[CRED].type.properties;
		const withDefaults = NodeHelpers.getNodeParameters(
			properties,
			this.data as never,
			true,
			false,
			null,
			null,
		) as IDataObject;
		const merged: IDataObject = {
			...this.data,
			...withDefaults,
			oauthTokenData: this.data.oauthTokenData as IDataObject,
		};
		const node: INode = {
			id: 'c',
			name: 'cred',
			type: 'n8n-nodes-athenahealth.athenahealth',
			typeVersion: 1,
			position: [0, 0],
			parameters: {},
		};
		const wf = new Workflow({
			nodes: [node],
			connections: {},
			active: false,
			nodeTypes: await nodeTypes(),
		});
		const resolved: IDataObject = {};
		for (const [key, value] of Object.entries(merged)) {
			resolved[key] =
				typeof value === 'string' && value.startsWith('=')
					? (wf.expression.getParameterValue(
							value,
							null,
							0,
							0,
							node.name,
							[],
							'internal',
							{},
							undefined,
							false,
							merged,
						) as IDataObject[string])
					: value;
		}
		return resolved as ICredentialDataDecryptedObject;
	}

	async updateCredentials() {}

	async updateCredentialsOauthTokenData(
		_n: unknown,
		type: string,
		data: ICredentialDataDecryptedObject,
	) {
		this.tokenUpdates++;
		if (type !== CRED)
			this.others[type] = { ...this.others[type], oauthTokenData: data.oauthTokenData };
		else this.data = { ...this.data, oauthTokenData: data.oauthTokenData };
	}

	getCredentialsProperties() {
		return [];
	}
}

export interface SandboxCredentialOptions {
	url: string;
	practiceId?: string;
	allowedPracticeIds?: string;
	requestsPerSecond?: number;
	processesSharingLimit?: number;
	clientId?: string;
	clientSecret?: string;
	enableFhir?: boolean;
	/** More credential fields (e.g. a private key for Private Key JWT). */
	extra?: IDataObject;
}

export function sandboxCredentials(o: SandboxCredentialOptions): MemoryCredentials {
	return new MemoryCredentials({
		environment: 'custom',
		customBaseUrl: o.url,
		practiceId: o.practiceId ?? '195900',
		allowedPracticeIds: o.allowedPracticeIds ?? '',
		requestsPerSecond: o.requestsPerSecond ?? 50,
		enableFhir: o.enableFhir ?? false,
		clientId: o.clientId ?? 'sandbox-client',
		clientSecret: o.clientSecret ?? 'sandbox-secret',
		...(o.processesSharingLimit ? { processesSharingLimit: o.processesSharingLimit } : {}),
		...o.extra,
	});
}

export function additionalData(
	credentials: MemoryCredentials,
	hooks: ExecutionLifecycleHooks,
): IWorkflowExecuteAdditionalData {
	return {
		executionId: '1',
		hooks,
		credentialsHelper: credentials,
		webhookWaitingBaseUrl: 'http://localhost/waiting-webhook',
		formWaitingBaseUrl: 'http://localhost/waiting-form',
		webhookBaseUrl: 'http://localhost/webhook',
		webhookTestBaseUrl: 'http://localhost/webhook-test',
		restApiUrl: 'http://localhost',
		instanceBaseUrl: 'http://localhost',
		variables: {},
		currentNodeParameters: undefined,
		executionTimeoutTimestamp: undefined,
		userId: 'test',
	} as unknown as IWorkflowExecuteAdditionalData;
}

export interface RunResult {
	run: IRun;
	/** Items on the first output of a node's first run. */
	output(nodeName: string): INodeExecutionData[];
	/** The error that stopped the workflow, if any. */
	error?: Error & {
		description?: string;
		httpCode?: string;
		context?: IDataObject;
		failure?: IDataObject;
	};
}

export interface NodeSpec {
	name?: string;
	type?: string;
	typeVersion?: number;
	nodeCredentials?: INode['credentials'];
	parameters: IDataObject;
	onError?: INode['onError'];
	credentials?: boolean;
}

/**
 * Runs one athenahealth node (or a chain of them, connected in order) with the given input items,
 * through WorkflowExecute, as n8n runs a manual execution (or, with `mode`, a production one).
 */
export async function runNodes(
	credentials: MemoryCredentials,
	specs: NodeSpec[],
	input: IDataObject[] = [{}],
	options: { mode?: WorkflowExecuteMode; cancelAfterMs?: number; staticData?: IDataObject } = {},
): Promise<RunResult> {
	await binaryStore();
	const nodes: INode[] = specs.map((s, i) => ({
		id: `n${i}`,
		name: s.name ?? (i === 0 ? 'athenahealth' : `athenahealth${i}`),
		type: s.type ?? 'n8n-nodes-athenahealth.athenahealth',
		typeVersion: s.typeVersion ?? 1,
		position: [i * 200, 0],
		parameters: s.parameters as INode['parameters'],
		onError: s.onError,
		credentials:
			s.nodeCredentials ??
			(s.credentials === false ? undefined : { [CRED]: { id: 'cred-1', name: 'athena' } }),
	}));
	const connections: Workflow['connectionsBySourceNode'] = {};
	for (let i = 0; i + 1 < nodes.length; i++)
		connections[nodes[i].name] = { main: [[{ node: nodes[i + 1].name, type: 'main', index: 0 }]] };
	// `options.staticData` plays n8n's database: a run starts from a copy of it, and what the run
	// changed is written back only when n8n would save it: after a run that is not manual, with
	// the static data n8n's engine hands to the workflowExecuteAfter hook when it changed.
	const stored = options.staticData ?? {};
	const workflow = new Workflow({
		id: 'wf',
		nodes,
		connections,
		active: false,
		nodeTypes: await nodeTypes(),
		staticData: JSON.parse(JSON.stringify(stored)),
	});
	const mode = options.mode ?? 'manual';
	const hooks = new ExecutionLifecycleHooks(mode, '1', {
		id: 'wf',
		name: 'test',
		nodes,
		connections,
		active: false,
		settings: {},
	} as never);
	const done = new Promise<IRun>((resolve) =>
		hooks.addHandler('workflowExecuteAfter', (run, newStaticData) => {
			if (mode !== 'manual' && newStaticData) {
				for (const key of Object.keys(stored)) delete stored[key];
				Object.assign(stored, JSON.parse(JSON.stringify(newStaticData)));
			}
			resolve(run);
		}),
	);
	const runData = createRunExecutionData({
		executionData: {
			nodeExecutionStack: [
				{ node: nodes[0], data: { main: [input.map((json) => ({ json }))] }, source: null },
			],
		},
	});
	const execute = new WorkflowExecute(additionalData(credentials, hooks), mode, runData);
	const promise = execute.processRunExecutionData(workflow);
	if (options.cancelAfterMs !== undefined)
		setTimeout(() => promise.cancel(), options.cancelAfterMs);
	const run = await done;
	const resultData = run.data.resultData;
	return {
		run,
		output: (name) => resultData.runData[name]?.[0]?.data?.main?.[0] ?? [],
		error: resultData.error as RunResult['error'],
	};
}

/** An execution the trigger started: its items, and how n8n would report its end. */
export interface Emitted {
	items: INodeExecutionData[];
	/** Ends the execution as n8n reports it to the trigger (resolving `__emit`'s donePromise). */
	finish(status?: 'success' | 'error'): void;
}

/** Builds a PollContext for the trigger whose `__emit` records executions the way n8n starts them. */
export async function pollContext(
	credentials: MemoryCredentials,
	parameters: IDataObject,
	mode: WorkflowExecuteMode = 'trigger',
	staticData: IDataObject = {},
	budgetMs?: number,
) {
	const node: INode = {
		id: 't',
		name: 'athenahealth Trigger',
		type: 'n8n-nodes-athenahealth.athenahealthTrigger',
		typeVersion: 1,
		position: [0, 0],
		parameters: parameters as INode['parameters'],
		credentials: { [CRED]: { id: 'cred-1', name: 'athena' } },
	};
	const workflow = new Workflow({
		id: 'wf',
		nodes: [node],
		connections: {},
		active: true,
		nodeTypes: await nodeTypes(),
		staticData,
	});
	const hooks = new ExecutionLifecycleHooks(mode, '1', { id: 'wf', nodes: [node] } as never);
	const emitted: Emitted[] = [];
	const emit = (
		data: INodeExecutionData[][],
		_response?: unknown,
		done?: IDeferredPromise<IRun>,
	) => {
		emitted.push({
			items: data[0] ?? [],
			finish: (status = 'success') =>
				done?.resolve({
					status,
					mode,
					startedAt: new Date(),
					finished: status === 'success',
					data: createRunExecutionData(
						status === 'error'
							? { resultData: { error: new Error('a later node failed') as never, runData: {} } }
							: {},
					),
				} as IRun),
		});
	};
	const context = new PollContext(
		workflow,
		node,
		additionalData(credentials, hooks),
		mode,
		'activate',
		mode === 'manual' ? undefined : emit,
	);
	// n8n releases after 2.8 give polls a time budget (getPollBudgetMs); 2.8's PollContext has none.
	if (budgetMs !== undefined) Object.assign(context, { getPollBudgetMs: () => budgetMs });
	return { workflow, node, context, emitted };
}

// n8n makes one poll context per activation and polls through it until the workflow stops; here
// one static-data object stands for one activation. A restart is a copy of the saved state.
const activations = new WeakMap<IDataObject, Awaited<ReturnType<typeof pollContext>>>();

/** Every execution the trigger started in the activation `staticData` stands for, in order. */
export const executions = (staticData: IDataObject): Emitted[] =>
	activations.get(staticData)?.emitted ?? [];

/** What n8n would have saved: static data at the last emit. A copy, to run as a new activation. */
export const restart = (saved: IDataObject): IDataObject => JSON.parse(JSON.stringify(saved));

/** One poll, the way n8n's poll executor calls it; returns the execution it started, if any. */
export async function pollOnce(
	credentials: MemoryCredentials,
	parameters: IDataObject,
	opts: { mode?: WorkflowExecuteMode; staticData?: IDataObject; budgetMs?: number } = {},
): Promise<Emitted | undefined> {
	const { loader } = await loadPackage();
	const mode = opts.mode ?? 'trigger';
	const staticData = opts.staticData ?? {};
	let activation = mode === 'manual' ? undefined : activations.get(staticData);
	if (!activation) {
		// a new activation here stands for a restarted n8n: the trigger's process memory starts empty
		if (mode !== 'manual')
			// eslint-disable-next-line @typescript-eslint/no-require-imports
			require(path.join(ROOT, 'dist/nodes/Athenahealth/trigger/memory.js')).newProcess();
		activation = await pollContext(credentials, parameters, mode, staticData, opts.budgetMs);
		if (mode !== 'manual') activations.set(staticData, activation);
	}
	if (opts.budgetMs !== undefined)
		Object.assign(activation.context, { getPollBudgetMs: () => opts.budgetMs });
	const before = activation.emitted.length;
	const result = await (loader.nodeTypes.athenahealthTrigger.type as INodeType).poll!.call(
		activation.context,
	);
	if (result) return { items: result[0] ?? [], finish: () => undefined }; // returned, not emitted (manual mode)
	return activation.emitted.length > before
		? activation.emitted[activation.emitted.length - 1]
		: undefined;
}

/** One poll whose execution then ends as `outcome` (default: finished successfully); returns its items. */
export async function poll(
	credentials: MemoryCredentials,
	parameters: IDataObject,
	opts: {
		mode?: WorkflowExecuteMode;
		staticData?: IDataObject;
		budgetMs?: number;
		outcome?: 'success' | 'error' | 'unfinished';
	} = {},
): Promise<INodeExecutionData[]> {
	const execution = await pollOnce(credentials, parameters, opts);
	if (!execution) return [];
	if (opts.outcome !== 'unfinished') execution.finish(opts.outcome);
	await new Promise((resolve) => setImmediate(resolve)); // n8n settles the done promise asynchronously
	return execution.items;
}

/** Calls a listSearch method the way the editor does, through n8n-core's LoadOptionsContext. */
export async function listSearch(
	credentials: MemoryCredentials,
	method: string,
	filter?: string,
	parameters: IDataObject = {},
) {
	const { loader } = await loadPackage();
	const node: INode = {
		id: 'n',
		name: 'athenahealth',
		type: 'n8n-nodes-athenahealth.athenahealth',
		typeVersion: 1,
		position: [0, 0],
		parameters: parameters as INode['parameters'],
		credentials: { [CRED]: { id: 'cred-1', name: 'athena' } },
	};
	const workflow = new Workflow({
		id: 'wf',
		nodes: [node],
		connections: {},
		active: false,
		nodeTypes: await nodeTypes(),
	});
	const hooks = new ExecutionLifecycleHooks('manual', '1', { id: 'wf', nodes: [node] } as never);
	// the editor sends the node's current parameters along with a list search
	const context = new LoadOptionsContext(
		workflow,
		node,
		{
			...additionalData(credentials, hooks),
			currentNodeParameters: parameters as INode['parameters'],
		},
		'parameters.departmentId',
	);
	const methods = (
		loader.nodeTypes.athenahealth.type as unknown as {
			methods: {
				listSearch: Record<
					string,
					(
						this: unknown,
						f?: string,
					) => Promise<{ results: Array<{ name: string; value: string }> }>
				>;
			};
		}
	).methods;
	return await methods.listSearch[method].call(context, filter);
}

/** A node's load-options method (a dropdown's list), called as the editor does. */
export async function loadOptions(
	credentials: MemoryCredentials,
	method: string,
	parameters: IDataObject = {},
): Promise<Array<{ name: string; value: string }>> {
	const methods = (await loadPackage()).loader.nodeTypes.athenahealth.type as unknown as {
		methods: {
			loadOptions: Record<
				string,
				(this: unknown) => Promise<Array<{ name: string; value: string }>>
			>;
			listSearch: Record<string, (this: unknown, f?: string) => Promise<unknown>>;
		};
	};
	// called from a list search, so it gets the context the editor gives the node's methods
	const original = methods.methods.listSearch;
	methods.methods.listSearch = {
		...original,
		__loadOptions: async function (this: unknown) {
			return { results: await methods.methods.loadOptions[method].call(this) };
		},
	};
	try {
		return (await listSearch(credentials, '__loadOptions', undefined, parameters)).results;
	} finally {
		methods.methods.listSearch = original;
	}
}
