// Practice discovery through n8n's engine against the sandbox: the practices a credential reaches
// (/v1/1/practiceinfo), one practice, and the Practice ID picker built on the same list.
import { listSearch, runNodes, sandboxCredentials, type MemoryCredentials } from '../harness/n8n';
import { control, counters, sandbox, settings, type Sandbox } from '../harness/sandbox';

let sb: Sandbox;
let creds: MemoryCredentials;
beforeAll(async () => {
	sb = await sandbox({ patients: 20 });
	creds = sandboxCredentials({ url: sb.url });
});
afterAll(() => sb.close());
beforeEach(() => control(sb, 'POST', '/_control/reset-counters'));

describe.each([false, true])('ids as numbers and flags as strings: %s', (reading) => {
	beforeAll(() => settings(sb, { idsAsNumbers: reading, practiceFlagsAsStrings: reading }));

	test('Get Many lists every practice the credential reaches, and whether it allows calls there', async () => {
		const { output, error } = await runNodes(creds, [
			{ parameters: { resource: 'practice', operation: 'getAll' } },
		]);
		expect(error).toBeUndefined();
		expect(
			output('athenahealth').map((i) => [
				i.json.practiceid,
				i.json.allowedByCredential,
				i.json.hasclinicals,
				i.json.iscoordinatorsender,
			]),
		).toEqual([
			['195900', true, true, false],
			['1128700', false, true, false],
		]);
		expect((await counters(sb)).byPath['GET /v1/{id}/practiceinfo']).toBe(1);
	});

	test("Get reads the credential's practice, or an allowed one picked in Practice ID", async () => {
		const own = await runNodes(creds, [{ parameters: { resource: 'practice', operation: 'get' } }]);
		expect(own.output('athenahealth')[0].json).toMatchObject({
			practiceid: '195900',
			name: 'athenahealth MDP Sandbox',
			hasclinicals: true,
		});
		const allowed = sandboxCredentials({ url: sb.url, allowedPracticeIds: '1128700' });
		const other = await runNodes(allowed, [
			{
				parameters: {
					resource: 'practice',
					operation: 'get',
					practiceId: { __rl: true, mode: 'list', value: '1128700' },
				},
			},
		]);
		expect(other.error).toBeUndefined();
		expect(other.output('athenahealth')[0].json.practiceid).toBe('1128700');
	});
});

test('a practice the credential does not allow is refused before any request', async () => {
	const { error } = await runNodes(creds, [
		{
			parameters: {
				resource: 'practice',
				operation: 'get',
				practiceId: { __rl: true, mode: 'id', value: '1128700' },
			},
		},
	]);
	expect(error?.message).toBe('Practice 1128700 is not allowed by this credential');
	expect(error?.description).toContain('Allowed Practice IDs');
	expect((await counters(sb)).requests).toBe(0);
});

test('the Practice ID picker lists the reachable practices and marks those the credential does not allow', async () => {
	const all = await listSearch(creds, 'searchPractices');
	expect(all.results).toEqual([
		{ name: 'athenahealth MDP Sandbox (195900)', value: '195900' },
		{ name: 'MDP-Hospital Test 1128700 (1128700) – not in Allowed Practice IDs', value: '1128700' },
	]);
	expect(
		(await listSearch(creds, 'searchPractices', 'hospital')).results.map((r) => r.value),
	).toEqual(['1128700']);
});

test('the other pickers follow a Practice ID picked from the list (a resource locator), as the editor sends it', async () => {
	const two = sandboxCredentials({ url: sb.url, allowedPracticeIds: '1128700' });
	const picked = (value: string) => ({ practiceId: { __rl: true, mode: 'list', value } });
	expect(
		(await listSearch(two, 'searchDepartments', undefined, picked('1128700'))).results.length,
	).toBeGreaterThan(0);
	expect(
		(
			await listSearch(creds, 'searchDepartments', undefined, {
				practiceId: { __rl: true, mode: 'id', value: '' },
			})
		).results.length,
	).toBeGreaterThan(0);
	await expect(
		listSearch(creds, 'searchDepartments', undefined, picked('1128700')),
	).rejects.toThrow('Practice 1128700 is not allowed by this credential');
	await expect(
		listSearch(creds, 'searchProviders', undefined, {
			practiceId: { __rl: true, mode: 'id', value: '={{ "../1128700" }}' },
		}),
	).rejects.toThrow(/Practice ID must be a numeric athena ID/);
});
