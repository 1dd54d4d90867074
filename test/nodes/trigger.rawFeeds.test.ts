// Every raw feed of the trigger's feed registry (nodes/Athenahealth/trigger/feeds.ts), driven
// through n8n-core's PollContext against the sandbox: the trigger subscribes, and a change athena
// queues on that feed is emitted once, as the raw record labelled with its feed. A feed added to the
// registry is tested here without a line of its own.
import type { IDataObject } from 'n8n-workflow';

import { poll, sandboxCredentials, type MemoryCredentials } from '../harness/n8n';
import { control, sandbox, scenario, type Sandbox } from '../harness/sandbox';

// eslint-disable-next-line @typescript-eslint/no-require-imports
const { RAW_FEED_OPTIONS } = require('../../dist/nodes/Athenahealth/trigger/feeds.js') as {
	RAW_FEED_OPTIONS: Array<{ value: string }>;
};

let sb: Sandbox;
let creds: MemoryCredentials;
beforeAll(async () => {
	sb = await sandbox({ patients: 20 });
	creds = sandboxCredentials({ url: sb.url });
});
afterAll(() => sb.close());

test.each(RAW_FEED_OPTIONS.map((f) => f.value))(
	'%s: the trigger subscribes, and a change is emitted once as the raw record',
	async (feed) => {
		const state: IDataObject = {};
		const params = { event: 'otherFeed', otherFeed: feed };
		expect(await poll(creds, params, { staticData: state })).toEqual([]);
		expect(
			(await control(sb, 'GET', '/_control/subscriptions')).map((s: { key: string }) => s.key),
		).toContain(`sandbox-client|195900|${feed}`);
		await scenario(sb, {
			action: 'feedChange',
			feed,
			record: { patientid: '7', departmentid: '1', marker: `${feed} 1` },
		});
		const items = await poll(creds, params, { staticData: state });
		expect(items.map((i) => i.json)).toEqual([
			expect.objectContaining({
				marker: `${feed} 1`,
				event: `${feed} change`,
				feed,
				practiceId: '195900',
				deliveryKey: expect.any(String),
			}),
		]);
		expect(await poll(creds, params, { staticData: state })).toEqual([]);
	},
);
