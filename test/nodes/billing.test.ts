// Balances, receipts and claims (read only) through n8n's engine against the sandbox.
import { runNodes, sandboxCredentials, type MemoryCredentials } from '../harness/n8n';
import { control, counters, sandbox, settings, type Sandbox } from '../harness/sandbox';

let sb: Sandbox;
let creds: MemoryCredentials;
beforeAll(async () => {
	sb = await sandbox({ patients: 30 });
	creds = sandboxCredentials({ url: sb.url });
});
afterAll(() => sb.close());
beforeEach(() => control(sb, 'POST', '/_control/reset-counters'));

const byId = (value: string) => ({ __rl: true, mode: 'id', value });
const billing = (operation: string, p: object = {}) => ({ resource: 'billing', operation, ...p });
const run = async (parameters: object) => {
	const { output, error } = await runNodes(creds, [{ parameters }]);
	expect(error).toBeUndefined();
	return output('athenahealth').map((i) => i.json);
};

describe.each([false, true])('ids as numbers: %s', (idsAsNumbers) => {
	beforeAll(() => settings(sb, { idsAsNumbers }));

	test('Get Balances: one item per provider group; a string or numeric 0 balance also as a number; claim details attached', async () => {
		const items = await run(billing('getBalances', { patientId: byId('1') }));
		expect(items.map((b) => [b.providergroupid, b.balance, b.balanceAmount])).toEqual([
			['1', '-978.7', -978.7],
			['2', 0, 0],
		]);
		expect((items[0].claimdetails as any[]).map((c) => c.claimid)).toEqual([]);
		const all = await run(
			billing('getBalances', { patientId: byId('1'), options: { showallclaims: true } }),
		);
		expect((all[0].claimdetails as any[]).map((c) => c.claimid)).toEqual(['1301', '1302']);
		expect((all[0].claimdetails as any[])[0]).toMatchObject({
			servicedate: '06/22/2026',
			servicedateIso: '2026-06-22',
		});
		const owing = await run(billing('getBalances', { patientId: byId('2') }));
		expect((owing[0].claimdetails as any[]).map((c) => c.claimid)).toEqual(['2301']);
		const plain = await run(
			billing('getBalances', { patientId: byId('2'), options: { showbalancedetails: false } }),
		);
		expect(plain[0].claimdetails).toBeUndefined();
	});

	test("Get Receipts reads athena's bare array; amounts also as numbers", async () => {
		const items = await run(
			billing('getReceipts', { patientId: byId('7'), departmentId: byId('1') }),
		);
		expect(items.map((r) => [r.epaymentid, r.type, r.amount, r.amountNumber])).toEqual([
			['77', 'PURCHASE', '1', 1],
			['79', 'VOID', '.16', 0.16],
		]);
		expect(items[0].requestdateIso).toBe('2026-07-13T17:28:14');
	});

	test('Get Many Claims by patient, and Get Claim (a plain object, not an array)', async () => {
		const claims = await run(
			billing('getClaims', { filters: { patientid: '7923' }, returnAll: true }),
		);
		expect(claims.map((c) => c.claimid)).toEqual(['7923301', '7923302']);
		expect(claims[0]).toMatchObject({ patientid: '7923', billedservicedateIso: '2026-06-22' });
		const [claim] = await run(billing('getClaim', { claimId: '7923301' }));
		expect(claim).toMatchObject({ claimid: '7923301', patientid: '7923' });
		expect((claim.procedures as any[])[0]).toMatchObject({
			procedurecode: '99202',
			transactionid: '79232801',
		});
	});
});

test("Claims need a filter and valid ids, refused before any request; an unknown claim is athena's 404", async () => {
	await settings(sb, { idsAsNumbers: false });
	const none = await runNodes(creds, [{ parameters: billing('getClaims', { filters: {} }) }]);
	expect(none.error?.message).toBe(
		'Add a Patient ID, Department ID, Service After or Created After filter',
	);
	const bad = await runNodes(creds, [
		{ parameters: billing('getClaims', { filters: { patientid: '1 OR 1=1' } }) },
	]);
	expect(bad.error?.message).toContain('Patient ID must be a numeric athena ID');
	const noDept = await runNodes(creds, [
		{
			parameters: billing('getReceipts', { patientId: byId('1'), departmentId: byId('={{ "" }}') }),
		},
	]);
	expect(noDept.error?.message).toContain('Department must be a numeric athena ID');
	expect((await counters(sb)).requests).toBe(0);
	const unknown = await runNodes(creds, [{ parameters: billing('getClaim', { claimId: '5' }) }]);
	expect(unknown.error?.message).toBe('The claim ID is invalid.');
	expect(unknown.error?.httpCode).toBe('404');
});
