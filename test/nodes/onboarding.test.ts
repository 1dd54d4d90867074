// Practice → Check Onboarding against the sandbox: a ready practice, one that has not enabled the
// app, one without FHIR and one without subscriptions, each reported in words an admin can act on.
import { runNodes, sandboxCredentials, type MemoryCredentials } from '../harness/n8n';
import { counters, sandbox, settings, type Sandbox } from '../harness/sandbox';

let sb: Sandbox;
let creds: MemoryCredentials;
beforeAll(async () => {
	sb = await sandbox({ booked: 50, openSlots: 50, patients: 30 });
	creds = sandboxCredentials({ url: sb.url, allowedPracticeIds: '1128700', enableFhir: true });
});
afterAll(() => sb.close());
beforeEach(() => settings(sb, { practicesNotEnabled: '', practicesWithoutFhir: '' }));

const check = async (extra: object = {}) => {
	const r = await runNodes(creds, [
		{ parameters: { resource: 'practice', operation: 'checkOnboarding', ...extra } },
	]);
	expect(r.error).toBeUndefined();
	return Object.fromEntries(
		r.output('athenahealth').map((i) => [i.json.practiceId, i.json]),
	) as Record<string, any>;
};

test('one item per allowed practice: a subscribed practice with FHIR is ready; one without FHIR or subscriptions says what to do', async () => {
	await runNodes(creds, [
		{ parameters: { resource: 'subscription', operation: 'subscribe', feed: 'appointments' } },
	]);
	await settings(sb, { practicesWithoutFhir: '1128700' });
	const byId = await check();
	expect(Object.keys(byId).sort()).toEqual(['1128700', '195900']);
	expect(byId['195900']).toMatchObject({
		reachable: true,
		name: 'athenahealth MDP Sandbox',
		fhir: 'ok',
		subscribedFeeds: ['appointments'],
		ready: true,
		problems: [],
	});
	expect(byId['195900'].departments).toBeGreaterThan(0);
	expect(byId['1128700']).toMatchObject({ reachable: true, fhir: 'refused', subscribedFeeds: [] });
	expect(byId['1128700'].problems).toEqual([
		expect.stringMatching(
			/refuses this app FHIR access to practice 1128700 .*ask athena's API team/,
		),
		expect.stringMatching(/^No changed-data feed is subscribed .*Change Subscription → Subscribe/),
	]);
});

test('a practice that has not enabled the app is reported as such, and nothing more is asked of it', async () => {
	await settings(sb, { practicesNotEnabled: '1128700' });
	const before = (await counters(sb)).byPath;
	const byId = await check({ practicesToCheck: 'list', practiceIds: '1128700' });
	expect(byId['1128700']).toEqual({
		practiceId: '1128700',
		reachable: false,
		ready: false,
		problems: [
			expect.stringMatching(/^Practice 1128700 has not enabled this app .*enable the app/),
		],
	});
	// the ping only (repeated once with a fresh token, as for any 401)
	const after = (await counters(sb)).byPath;
	const asked = Object.keys(after).filter((k) => after[k] !== before[k]);
	expect(asked).toEqual(['GET /v1/{id}/ping']);
});

test('a listed practice the credential does not allow is refused before any request', async () => {
	const before = (await counters(sb)).requests;
	const r = await runNodes(creds, [
		{
			parameters: {
				resource: 'practice',
				operation: 'checkOnboarding',
				practicesToCheck: 'list',
				practiceIds: '195900, 42',
			},
		},
	]);
	expect(r.error?.message).toBe('Practice 42 is not allowed by this credential');
	expect((await counters(sb)).requests).toBe(before);
});
