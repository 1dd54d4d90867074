// The trigger over several practices: each subscribed and read on its own, with its own delivery
// bookkeeping, within one poll; items carry practiceId; the delivery guarantees hold per practice.
import type { IDataObject } from 'n8n-workflow';

import {
	executions,
	pollOnce,
	restart,
	sandboxCredentials,
	type MemoryCredentials,
} from '../harness/n8n';
import { control, sandbox, scenario, settings, type Sandbox } from '../harness/sandbox';

let sb: Sandbox;
let ids: string[];
beforeAll(async () => {
	sb = await sandbox({ booked: 300, openSlots: 300, patients: 100 });
	ids = [...sb.state.patients.keys()];
});
afterAll(() => sb.close());

const app = (name: string, allowedPracticeIds = '1128700') =>
	sandboxCredentials({
		url: sb.url,
		clientId: `${name}-client`,
		clientSecret: `${name}-secret`,
		allowedPracticeIds,
	});
const patients = (extra: IDataObject = {}) => ({
	event: 'anyPatientChange',
	source: 'feed',
	...extra,
});
/** One poll; every execution it started (one per practice with changes) finishes; their items. */
async function poll(
	creds: MemoryCredentials,
	params: IDataObject,
	opts: { staticData: IDataObject },
) {
	const before = executions(opts.staticData).length;
	await pollOnce(creds, params, opts);
	const started = executions(opts.staticData).slice(before);
	for (const e of started) e.finish();
	await new Promise((resolve) => setImmediate(resolve));
	return started.flatMap((e) => e.items);
}
const byPractice = (items: Array<{ json: IDataObject }>) =>
	items.map((i) => `${String(i.json.practiceId)}:${String(i.json.patientid)}`).sort();

test("every allowed practice: both subscribed on activation, both practices' changes delivered once, each labelled", async () => {
	const creds = app('a');
	const state: IDataObject = {};
	expect(await poll(creds, patients({ practices: 'allowed' }), { staticData: state })).toEqual([]);
	const subs = await control(sb, 'GET', '/_control/subscriptions');
	const mine = JSON.stringify(subs);
	expect(mine).toMatch(/a-client\|195900\|patients/);
	expect(mine).toMatch(/a-client\|1128700\|patients/);
	await scenario(sb, [
		{ action: 'updatePatient', patientid: ids[1] },
		{ action: 'updatePatient', patientid: ids[2], practiceid: '1128700' },
		{ action: 'updatePatient', patientid: ids[3], practiceid: '1128700' },
	]);
	const first = await poll(creds, patients({ practices: 'allowed' }), { staticData: state });
	expect(byPractice(first)).toEqual(
		[`1128700:${ids[2]}`, `1128700:${ids[3]}`, `195900:${ids[1]}`].sort(),
	);
	expect(await poll(creds, patients({ practices: 'allowed' }), { staticData: state })).toEqual([]);
});

test('a listed practice the credential does not allow is refused before any request', async () => {
	const creds = app('b', '');
	await expect(
		poll(creds, patients({ practices: 'list', practiceIds: '195900, 1128700' }), {
			staticData: {},
		}),
	).rejects.toThrow('Practice 1128700 is not allowed by this credential');
});

test('per practice: an execution lost in a crash is delivered again for its practice only', async () => {
	const creds = app('c');
	const params = patients({ practices: 'list', practiceIds: '195900, 1128700' });
	const state: IDataObject = {};
	await poll(creds, params, { staticData: state });
	await scenario(sb, [
		{ action: 'updatePatient', patientid: ids[4] },
		{ action: 'updatePatient', patientid: ids[5], practiceid: '1128700' },
	]);
	// the poll's executions start and n8n dies before either finishes: what was saved is the state
	// at the emit (both batches unfinished)
	const before = executions(state).length;
	await pollOnce(creds, params, { staticData: state });
	expect(executions(state).length - before).toBe(2); // one execution per practice
	const saved = restart(state);
	// a new activation replays each practice's unfinished batch, from its own bookkeeping
	await scenario(sb, [{ action: 'updatePatient', patientid: ids[6], practiceid: '1128700' }]);
	const again = await poll(creds, params, { staticData: saved });
	expect(byPractice(again)).toEqual(
		expect.arrayContaining([`1128700:${ids[5]}`, `1128700:${ids[6]}`, `195900:${ids[4]}`]),
	);
	expect(new Set(byPractice(again)).size).toBe(byPractice(again).length);
	expect(await poll(creds, params, { staticData: saved })).toEqual([]);
});

test('a practice that has not enabled the app does not stop the others (nor the activation); its keys carry the practice', async () => {
	const creds = app('d');
	const params = patients({ practices: 'allowed' });
	const state: IDataObject = {};
	await settings(sb, { practicesNotEnabled: '1128700' });
	try {
		expect(await poll(creds, params, { staticData: state })).toEqual([]);
		await scenario(sb, [{ action: 'updatePatient', patientid: ids[7] }]);
		const items = await poll(creds, params, { staticData: state });
		expect(byPractice(items)).toEqual([`195900:${ids[7]}`]);
		// once the practice enables the app, it is subscribed and read too
		await settings(sb, { practicesNotEnabled: '' });
		expect(await poll(creds, params, { staticData: state })).toEqual([]);
		await scenario(sb, [{ action: 'updatePatient', patientid: ids[8], practiceid: '1128700' }]);
		const later = await poll(creds, params, { staticData: state });
		expect(byPractice(later)).toEqual([`1128700:${ids[8]}`]);
		expect(String(later[0].json.deliveryKey)).toMatch(/^1128700:/);
		expect(String(items[0].json.deliveryKey)).not.toMatch(/^195900:/);
	} finally {
		await settings(sb, { practicesNotEnabled: '' });
	}
});
