// Patient Get Many on a department over athena's 1,000-record search limit
// (docs/athena-behaviour.md#patient-search-limit): read in parts by the first letters of the last
// name, under each reading of how athena matches a last name (inferred: by its beginning, or the
// whole name; docs/athena-behaviour.md#name-matching).
import { runNodes, sandboxCredentials } from '../harness/n8n';
import { control, counters, sandbox, settings, type Sandbox } from '../harness/sandbox';

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
			expect(error?.description).toMatch(/With FHIR turned on in the credential/);
			expect(output('athenahealth')).toEqual([]);
		});

		// with FHIR on, the department is read through FHIR Patient?ah-department= and mapped back to
		// athenaNet records; whether FHIR caps that search is not documented (each reading)
		const fhirCreds = () => sandboxCredentials({ url: sb.url, enableFhir: true });
		test('with FHIR on and no FHIR cap: every patient of the department once, as athenaNet records', async () => {
			await settings(sb, { fhirDepartmentCap: 'none' });
			const { error, output } = await runNodes(fhirCreds(), [getMany('1')]);
			expect(error).toBeUndefined();
			const ids = output('athenahealth').map((item: any) => item.json.patientid);
			expect(new Set(ids).size).toBe(ids.length);
			expect(ids.sort()).toEqual(activeIn('1').sort());
			// athenaNet's own records (departmentid, status), not FHIR resources
			for (const item of output('athenahealth'))
				expect(item.json).toMatchObject({ departmentid: '1', status: 'active' });
			expect((await counters(sb)).byPath['GET /fhir/r4/Patient']).toBeGreaterThanOrEqual(2);
		});

		test('with FHIR on and a Limit: stops at the Limit', async () => {
			await settings(sb, { fhirDepartmentCap: 'none' });
			const { error, output } = await runNodes(fhirCreds(), [
				getMany('1', { returnAll: false, limit: 1010 }),
			]);
			expect(error).toBeUndefined();
			const ids = output('athenahealth').map((item: any) => item.json.patientid);
			expect(ids).toHaveLength(1010);
			expect(ids.every((id: string) => activeIn('1').includes(id))).toBe(true);
		});

		test.each([
			['error', /FHIR search of the department failed too/],
			['truncate', /FHIR search of the department stopped at 1000 of \d+ patients/],
		])(
			'with FHIR on and FHIR capping the search (%s): refused, nothing partial',
			async (fhirDepartmentCap, why) => {
				await settings(sb, { fhirDepartmentCap });
				const { error, output } = await runNodes(fhirCreds(), [getMany('1')]);
				expect(error?.message).toBe(
					'Department 1 has more than 1,000 active patients, more than athena returns for one search',
				);
				expect(error?.description).toMatch(why);
				expect(output('athenahealth')).toEqual([]);
			},
		);
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
