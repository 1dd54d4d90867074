// A feed is one entry of nodes/Athenahealth/trigger/feeds.ts: Change Subscription's Feed list and the
// trigger's Event and Feed lists are derived from it, and the sandbox serves every feed in it.
import type { INodeProperties, INodeTypeDescription } from 'n8n-workflow';

/* eslint-disable @typescript-eslint/no-require-imports */
const { Athenahealth } = require('../../dist/nodes/Athenahealth/Athenahealth.node.js');
const {
	AthenahealthTrigger,
} = require('../../dist/nodes/Athenahealth/AthenahealthTrigger.node.js');
const { FEEDS } = require('../../dist/nodes/Athenahealth/trigger/feeds.js');
const sandboxFeeds = require('../../sandbox/routes/feeds.js').EVENTS as Record<string, string[]>;
/* eslint-enable @typescript-eslint/no-require-imports */

const values = (p: INodeProperties | undefined) =>
	(p?.options as Array<{ value: string }>).map((o) => o.value).sort();
const param = (d: INodeTypeDescription, name: string) => d.properties.find((p) => p.name === name);
const action: INodeTypeDescription = new Athenahealth().description;
const trigger: INodeTypeDescription = new AthenahealthTrigger().description;

type Feed = { path: string; events?: Array<{ value: string }> };

test("Change Subscription's Feed list is every feed of the registry", () => {
	expect(values(param(action, 'feed'))).toEqual(FEEDS.map((f: Feed) => f.path).sort());
});

test("the trigger's Event list is every named event, plus Other Feed; its Feed list is every raw feed", () => {
	expect(values(param(trigger, 'event'))).toEqual(
		[...FEEDS.flatMap((f: Feed) => (f.events ?? []).map((e) => e.value)), 'otherFeed'].sort(),
	);
	expect(values(param(trigger, 'otherFeed'))).toEqual(
		FEEDS.filter((f: Feed) => !f.events?.length)
			.map((f: Feed) => f.path)
			.sort(),
	);
});

test('the sandbox serves every feed of the registry', () => {
	for (const f of FEEDS as Feed[]) expect(Object.keys(sandboxFeeds)).toContain(f.path);
});
