// Example 6, "insurance check before tomorrow's visits", run by a real n8n (`n8n execute`) against the
// sandbox: tomorrow's booked patients → their primary policy's eligibility check → the patients to
// call (not eligible, unverified, or no primary policy) posted to a sink.
import { control, sandbox, type Sandbox } from '../harness/sandbox';
import { n8n, prepareN8n } from './helpers';

let sb: Sandbox;
let bin: string;
let userFolder: string;

beforeAll(
	async () => {
		// BCBS (package 9037) answers "Ineligible", so some of tomorrow's patients need a call
		sb = await sandbox({
			qps: 20,
			booked: 400,
			openSlots: 400,
			eligibilityDelayMs: 50,
			eligibilityByPackage: { '9037': 'Ineligible' },
		});
		({ bin, userFolder } = prepareN8n(sb.url, false));
	},
	20 * 60 * 1000,
);

afterAll(async () => {
	await sb?.close();
	n8n.removeFolder(userFolder);
});

const itemsOf = (run: any, node: string) =>
	(run.data.resultData.runData[node]?.[0]?.data?.main?.[0] ?? []).map((i: any) => i.json);

test(
	'example 6: every patient booked tomorrow is checked once; those whose primary policy is not eligible, or who have none, are on the call list',
	async () => {
		await control(sb, 'DELETE', '/_sink/insurance-calls');
		await control(sb, 'POST', '/_control/reset-counters');
		const { run } = await n8n.execute(bin, userFolder, 'athenaExample6Eligibility');
		expect(run.data.resultData.error).toBeUndefined();
		const appointments = itemsOf(run, "Tomorrow's Appointments");
		expect(appointments.length).toBeGreaterThan(0);
		const patientIds = [...new Set<string>(appointments.map((a: any) => a.patientid))];
		const primary = (pid: string) =>
			sb.state.records
				.get(pid)
				?.insurances.find((p: any) => !p.cancelled && p.sequencenumber === '1');
		const checked = patientIds.filter((pid) => primary(pid));
		for (const pid of checked)
			expect(primary(pid).eligibilitylastchecked).toMatch(/^\d\d\/\d\d\/\d{4}$/);
		expect(
			(await control(sb, 'GET', '/_control/counters')).byPath[
				'POST /v1/{id}/patients/{id}/insurances/{id}/benefitdetails'
			],
		).toBe(checked.length);

		const toCall = patientIds
			.filter((pid) => primary(pid)?.eligibilitystatus !== 'Eligible')
			.sort();
		expect(toCall.length).toBeGreaterThan(0);
		expect(toCall.length).toBeLessThan(patientIds.length);
		const posts = await control(sb, 'GET', '/_sink/insurance-calls');
		expect(posts).toHaveLength(1);
		const list = posts[0].body;
		expect(list.count).toBe(toCall.length);
		expect(list.patients.map((p: any) => p.patientid).sort()).toEqual(toCall);
		for (const p of list.patients) {
			const stored = sb.state.patients.get(p.patientid);
			expect(p).toMatchObject({
				name: `${stored.firstname} ${stored.lastname}`,
				phone: stored.mobilephone,
			});
			expect(p.reason).toBe(
				primary(p.patientid)
					? `${primary(p.patientid).eligibilitystatus}: ${primary(p.patientid).eligibilitymessage}`
					: `Patient ${p.patientid} has no active primary policy`,
			);
		}
	},
	10 * 60 * 1000,
);
