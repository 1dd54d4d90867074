import type { IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';

/** How an operation appears in the node's Operation list (and in the node creator's actions). */
export interface OperationOption {
	name: string;
	value: string;
	action: string;
	description?: string;
}

/**
 * One operation, everything about it in its own `<operation>.operation.ts` (docs/development.md):
 * its option, its parameters, what a model reads when it is a tool, whether it changes athena,
 * and how it handles exactly one input item. Whether it has Simplify is read from its parameters.
 */
export interface Operation {
	option: OperationOption;
	description: INodeProperties[];
	/** What a model reads about it as a tool; the WRITE warning is added when `writes` is true. */
	toolDescription: string;
	/** Whether it changes data in athena (a model is told to confirm with the user first). */
	writes: boolean;
	execute(this: IExecuteFunctions, itemIndex: number): Promise<INodeExecutionData[]>;
}

/** A resource: its name in the Resource list, its default operation and its operations. */
export interface ResourceDefinition {
	name: string;
	/** The Resource parameter's value (saved in workflows: never change it). */
	resource: string;
	/** The operation a new node starts on (saved workflows omit it: never change it). */
	defaultOperation: string;
	operations: Operation[];
	/** Parameters several of its operations share (shown by their own display options). */
	fields?: INodeProperties[];
}
