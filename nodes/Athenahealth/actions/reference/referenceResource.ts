import {
	updateDisplayOptions,
	type IDataObject,
	type IExecuteFunctions,
	type INodeProperties,
} from 'n8n-workflow';

import { athenaList } from '../../transport/paginate';
import { athenaRequest } from '../../transport/request';
import { returnAllAndLimit } from '../fields';
import { single, toItems } from '../output';
import { idParam, maxItems, practiceOf } from '../params';
import type { ResourceDefinition } from '../types';

// Department, Provider and Appointment Type share one shape: GET /{path}/{id} (a one-element
// array) and GET /{path} (a wrapped, paged list). One factory keeps the three in step; each
// resource's own facts (path, fields, tool descriptions) are in reference/index.ts.

export interface ReferenceConfig {
	resource: string;
	/** The Resource list's name, e.g. Appointment Type. */
	label: string;
	plural: string;
	/** What a model reads about Get and Get Many (see types.ts). */
	toolDescriptions: { get: string; getAll: string };
	path: string;
	wrapper: string;
	locator: INodeProperties;
	/** Extra boolean/query options for Get Many, passed through as query parameters. */
	listOptions?: INodeProperties[];
}

export function referenceResource(cfg: ReferenceConfig): ResourceDefinition {
	const show = (operation: string) => ({
		show: { resource: [cfg.resource], operation: [operation] },
	});
	const idName = cfg.locator.name;
	const listOptions: INodeProperties[] = cfg.listOptions?.length
		? [
				{
					displayName: 'Options',
					name: 'listOptions',
					type: 'collection',
					placeholder: 'Add Option',
					default: {},
					options: cfg.listOptions,
				},
			]
		: [];
	const label = cfg.label.toLowerCase();
	return {
		name: cfg.label,
		resource: cfg.resource,
		defaultOperation: 'getAll',
		operations: [
			{
				option: {
					name: 'Get',
					value: 'get',
					action: `Get ${/^[aeiou]/i.test(label) ? 'an' : 'a'} ${label}`,
					description: `Get one ${label} by ID`,
				},
				toolDescription: cfg.toolDescriptions.get,
				writes: false,
				description: updateDisplayOptions(show('get'), [cfg.locator]),
				async execute(this: IExecuteFunctions, i: number) {
					const id = idParam(this, idName, i, cfg.label)!;
					const body = await athenaRequest(this, {
						method: 'GET',
						path: `${cfg.path}/${id}`,
						practiceId: practiceOf(this, i),
						itemIndex: i,
					});
					return toItems([single(body)], i);
				},
			},
			{
				option: {
					name: 'Get Many',
					value: 'getAll',
					action: `Get many ${cfg.plural}`,
					description: `List the practice's ${cfg.plural}`,
				},
				toolDescription: cfg.toolDescriptions.getAll,
				writes: false,
				description: updateDisplayOptions(show('getAll'), [...returnAllAndLimit, ...listOptions]),
				async execute(this: IExecuteFunctions, i: number) {
					const qs = this.getNodeParameter('listOptions', i, {}) as IDataObject;
					const records = await athenaList(this, {
						method: 'GET',
						path: cfg.path,
						wrapper: cfg.wrapper,
						qs,
						practiceId: practiceOf(this, i),
						itemIndex: i,
						maxItems: maxItems(this, i),
					});
					return toItems(records, i);
				},
			},
		],
	};
}
