// The push topics are one registry (nodes/Athenahealth/push/topics.ts): the sandbox serves the same
// list athena documents, and every topic resource the registry can fetch names a read the sandbox
// answers.
/* eslint-disable @typescript-eslint/no-require-imports */
const {
	DOCUMENTED_TOPICS,
	TOPIC_RESOURCES,
	TOPIC_ID,
} = require('../../dist/nodes/Athenahealth/push/topics.js');
const { TOPIC_IDS } = require('../../sandbox/push');
const { Router } = require('../../sandbox/http');
const athenanet = require('../../sandbox/routes/athenanet');
const record = require('../../sandbox/routes/record');
/* eslint-enable @typescript-eslint/no-require-imports */

test("the registry's topics are the sandbox's (athena's documented list), each a valid topic id", () => {
	expect([...DOCUMENTED_TOPICS].sort()).toEqual([...TOPIC_IDS].sort());
	for (const t of DOCUMENTED_TOPICS) expect(t).toMatch(TOPIC_ID);
});

test('every athenaNet read the registry uses for Fetch Resource is a sandbox route', () => {
	const router = new Router();
	const sb = { state: {}, settings: {}, changed: () => undefined } as never;
	athenanet.register(router, sb);
	record.register(router, sb);
	for (const r of TOPIC_RESOURCES as Array<{
		resource: string;
		athenaPath?: (id: string) => string;
	}>) {
		if (!r.athenaPath) continue;
		const found = router.match('GET', `/v1/195900${r.athenaPath('1')}`);
		expect([r.resource, Boolean(found?.handler)]).toEqual([r.resource, true]);
	}
});
