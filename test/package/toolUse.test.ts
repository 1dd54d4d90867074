// What a model sees of the action node as a tool, resolved the way n8n resolves a tool node's
// parameters (its tool type is the node's name + "Tool"; '@tool' display options see that name).
import { NodeHelpers, type INode, type INodeTypeDescription } from 'n8n-workflow';

/* eslint-disable @typescript-eslint/no-require-imports */
const { Athenahealth } = require('../../dist/nodes/Athenahealth/Athenahealth.node.js');
const { OPERATIONS } = require('../../dist/nodes/Athenahealth/actions/resources.js');
/* eslint-enable @typescript-eslint/no-require-imports */

const description: INodeTypeDescription = new Athenahealth().description;
const asTool: INodeTypeDescription = { ...description, name: `${description.name}Tool` };

const operations = description.properties
	.filter((p) => p.name === 'operation')
	.flatMap((p) =>
		(p.options as Array<{ value: string }>).map((o) => ({
			resource: p.displayOptions!.show!.resource![0] as string,
			operation: o.value,
		})),
	);

function resolve(type: INodeTypeDescription, resource: string, operation: string) {
	const node: INode = {
		id: '1',
		name: 'athena',
		type: `n8n-nodes-athenahealth.${type.name}`,
		typeVersion: 1,
		position: [0, 0],
		parameters: { resource, operation },
	};
	node.parameters = NodeHelpers.getNodeParameters(
		type.properties,
		node.parameters,
		true,
		false,
		node,
		type,
	)!;
	return node;
}

test.each(operations)(
	'$resource $operation tells a model what it does, needs and returns',
	({ resource, operation }) => {
		const node = resolve(asTool, resource, operation);
		const text = NodeHelpers.getToolDescriptionForNode(node, { description: asTool } as never);
		expect(text).toBe(node.parameters.toolDescription);
		expect(text.length).toBeGreaterThan(60);
		expect(text).toMatch(/Returns|Not meant for agents/);
		// the warning comes from the operation's own `writes`, and only from there
		expect(text.includes('WRITE:')).toBe(OPERATIONS[resource][operation].writes);
		// inputs in the form athena needs: ids as digits, dates as YYYY-MM-DD (a bulk export's group is a FHIR id)
		const inputs = description.properties
			.filter(
				(p) =>
					p.displayOptions?.show?.resource?.includes(resource) &&
					p.displayOptions?.show?.operation?.includes(operation),
			)
			.map((p) => p.name);
		if (inputs.some((n) => /Id$/.test(n) && n !== 'groupId') && resource !== 'fhir')
			expect(text).toMatch(/digits/);
		if (inputs.some((n) => /date$|^dob$/i.test(n))) expect(text).toMatch(/YYYY-MM-DD/);
	},
);

test('as a tool, Simplify is on and Limit is 10; in a workflow they stay off and 50', () => {
	const tool = resolve(asTool, 'appointment', 'getManyBooked').parameters;
	const plain = resolve(description, 'appointment', 'getManyBooked').parameters;
	expect([tool.simplify, tool.limit]).toEqual([true, 10]);
	expect([plain.simplify, plain.limit]).toEqual([false, 50]);
	// the workflow node has no tool description; n8n adds its own to tool types only
	expect(plain).not.toHaveProperty('toolDescription');
	expect(resolve(asTool, 'appointment', 'getOpenSlots').parameters.simplify).toBe(true);
});
