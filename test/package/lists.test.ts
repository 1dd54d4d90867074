// n8n's lint reads option lists only where they are written out; the action node derives its
// Operation lists from the operations themselves. Here, what the lint would check of every option
// list, derived or not: alphabetical, the default among the options, and the one literal list the
// lint forces (the Resource list) equal to actions/resources.ts.
import type { INodeProperties, INodeTypeDescription } from 'n8n-workflow';

/* eslint-disable @typescript-eslint/no-require-imports */
const { Athenahealth } = require('../../dist/nodes/Athenahealth/Athenahealth.node.js');
const {
	AthenahealthTrigger,
} = require('../../dist/nodes/Athenahealth/AthenahealthTrigger.node.js');
const { RESOURCES } = require('../../dist/nodes/Athenahealth/actions/resources.js');
/* eslint-enable @typescript-eslint/no-require-imports */

const nodes: INodeTypeDescription[] = [
	new Athenahealth().description,
	new AthenahealthTrigger().description,
];
const optionsParams = nodes.flatMap((d) =>
	d.properties
		.filter(
			(p): p is INodeProperties & { options: Array<{ name: string; value: string }> } =>
				p.type === 'options' && Array.isArray(p.options),
		)
		.map((p) => ({ node: d.name, p })),
);

// the lists derived from a registry (operations, feeds, events) and the Resource list
const DERIVED = ['operation', 'resource', 'feed', 'event', 'otherFeed'];

test.each(
	optionsParams.map(
		({ node, p }) =>
			[`${node} ${p.name} ${JSON.stringify(p.displayOptions?.show ?? {})}`, p] as const,
	),
)('%s: default among the options', (_, p) => {
	if (p.default !== '') expect(p.options.map((o) => o.value)).toContain(p.default);
	if (!DERIVED.includes(p.name)) return;
	const names = p.options.map((o) => o.name);
	expect(names).toEqual([...names].sort((a, b) => a.localeCompare(b)));
});

test("the Resource list is actions/resources.ts, and each resource's default operation is one of its operations", () => {
	const resource = nodes[0].properties.find((p) => p.name === 'resource')!;
	expect((resource.options as Array<{ value: string }>).map((o) => o.value).sort()).toEqual(
		RESOURCES.map((r: { resource: string }) => r.resource).sort(),
	);
	for (const r of RESOURCES)
		expect(r.operations.map((op: { option: { value: string } }) => op.option.value)).toContain(
			r.defaultOperation,
		);
});
