// Patient Get Many on a department over athena's 1,000-record search limit
// (docs/athena-behaviour.md#patient-search-limit): read in parts by the first letters of the last
// name, under each reading of how athena matches a last name (inferred: by its beginning, or the
// whole name; docs/athena-behaviour.md#name-matching).
import { runNodes, sandboxCredentials } from '../harness/n8n';
import { control, counters, sandbox, type Sandbox } from '../harness/sandbox';

const byId = (value: string) => ({ __rl: true, mode: 'id', value });
const getMany = (departmentId: string, more: object = { returnAll: true }) => ({
	parameters: {
		resource: 'patient',
		operation: 'getAll',
		departmentId: byId(departmentId),
		status: 'active',
		...more,
	},
});

describe.each(['prefix', 'exact'])('athena matches last names: %s', (patientNameMatch) => {
	let sb: Sandbox;
	beforeAll(async () => {
		// department 1 holds more than 1,000 patients, as in athena's preview practice
		sb = await sandbox({
			qps: 50,
			patients: 1300,
			departmentOnePatients: 1100,
			booked: 20,
			openSlots: 20,
			days: 5,
			patientNameMatch,
		});
	});
	afterAll(() => sb.close());
	beforeEach(() => control(sb, 'POST', '/_control/reset-counters'));
	const activeIn = (department: string) =>
		[...sb.state.patients.values()]
			.filter((p: any) => p.departmentid === department && p.status === 'active')
			.map((p: any) => p.patientid);

	if (patientNameMatch === 'prefix') {
		test("Return All gives every patient of the department once (names starting with Ø, O' and accents included)", async () => {
			const { error, output } = await runNodes(sandboxCredentials({ url: sb.url }), [getMany('1')]);
			expect(error).toBeUndefined();
			const ids = output('athenahealth').map((item: any) => item.json.patientid);
			expect(ids.length).toBeGreaterThan(1000);
			expect(new Set(ids).size).toBe(ids.length);
			expect(ids.sort()).toEqual(activeIn('1').sort());
			expect(output('athenahealth').some((item: any) => /^Ø/.test(item.json.lastname))).toBe(true);
		});

		test('a Limit stops the parts once it is reached', async () => {
			const { error, output } = await runNodes(sandboxCredentials({ url: sb.url }), [
				getMany('1', { returnAll: false, limit: 1050 }),
			]);
			expect(error).toBeUndefined();
			const ids = output('athenahealth').map((item: any) => item.json.patientid);
			expect(ids).toHaveLength(1050);
			expect(new Set(ids).size).toBe(1050);
			expect(ids.every((id: string) => activeIn('1').includes(id))).toBe(true);
		});
	} else {
		test('the node says the department cannot be read in parts and returns nothing partial', async () => {
			const { error, output } = await runNodes(sandboxCredentials({ url: sb.url }), [getMany('1')]);
			expect(error?.message).toBe(
				'Department 1 has more than 1,000 active patients, more than athena returns for one search',
			);
			expect(error?.description).toMatch(/did not match names by their first letters/);
			expect(error?.description).toMatch(
				/Patient Search: Department ID 1 plus a Last Name or a Date of Birth/,
			);
			expect(error?.description).toMatch(/larger than 1000 records/); // athena's own words
			expect(output('athenahealth')).toEqual([]);
		});
	}

	test('a smaller department comes back whole with one search', async () => {
		const { error, output } = await runNodes(sandboxCredentials({ url: sb.url }), [getMany('21')]);
		expect(error).toBeUndefined();
		expect(
			output('athenahealth')
				.map((item: any) => item.json.patientid)
				.sort(),
		).toEqual(activeIn('21').sort());
		expect((await counters(sb)).byPath['GET /v1/{id}/patients']).toBe(1);
	});
});

test('a last initial over 1,000 is read by last and first initial: patients named exactly "Li" are all there', async () => {
	const sb = await sandbox({
		qps: 50,
		patients: 1300,
		departmentOnePatients: 1200,
		booked: 20,
		openSlots: 20,
		days: 5,
	});
	try {
		const department = [...sb.state.patients.values()].filter(
			(p: any) => p.departmentid === '1' && p.status === 'active',
		);
		department
			.slice(0, 1100)
			.forEach((p: any, n: number) => (p.lastname = ['Li', 'Lin', 'Liu', 'Lee'][n % 4]));
		const { error, output } = await runNodes(sandboxCredentials({ url: sb.url }), [getMany('1')]);
		expect(error).toBeUndefined();
		const ids = output('athenahealth').map((item: any) => item.json.patientid);
		expect(new Set(ids).size).toBe(ids.length);
		expect(ids.sort()).toEqual(department.map((p: any) => p.patientid).sort());
		expect(output('athenahealth').filter((item: any) => item.json.lastname === 'Li')).toHaveLength(
			275,
		);
	} finally {
		await sb.close();
	}
});
