// Patient operations through n8n's engine against the sandbox.
import { listSearch, runNodes, sandboxCredentials, type MemoryCredentials } from '../harness/n8n';
import { control, counters, fault, sandbox, type Sandbox } from '../harness/sandbox';

let sb: Sandbox;
let creds: MemoryCredentials;
beforeAll(async () => {
	sb = await sandbox({ patients: 300 });
	creds = sandboxCredentials({ url: sb.url });
});
afterAll(() => sb.close());
beforeEach(() => control(sb, 'POST', '/_control/reset-counters'));

const patient = (operation: string, p: object = {}) => ({ resource: 'patient', operation, ...p });
const byId = (value: string) => ({ __rl: true, mode: 'id', value });

test('Get returns the patient as athena names its fields, ids as strings, with ISO dates', async () => {
	const { output, error } = await runNodes(creds, [
		{ parameters: patient('get', { patientId: byId('1') }) },
	]);
	expect(error).toBeUndefined();
	const [item] = output('athenahealth');
	const stored = sb.state.patients.get('1');
	expect(item.json).toMatchObject({
		patientid: '1',
		firstname: stored.firstname,
		lastname: stored.lastname,
		dob: stored.dob,
	});
	expect(item.json.dobIso).toBe(
		`${stored.dob.slice(6)}-${stored.dob.slice(0, 2)}-${stored.dob.slice(3, 5)}`,
	);
});

test('Get with ids sent as numbers still gives string ids', async () => {
	await control(sb, 'POST', '/_control/settings', { idsAsNumbers: true });
	const { output } = await runNodes(creds, [
		{ parameters: patient('get', { patientId: byId('1') }) },
	]);
	await control(sb, 'POST', '/_control/settings', { idsAsNumbers: false });
	expect(output('athenahealth')[0].json.patientid).toBe('1');
	expect(typeof output('athenahealth')[0].json.departmentid).toBe('string');
});

test('Search needs an identifying field, checked before any request', async () => {
	const { error } = await runNodes(creds, [
		{ parameters: patient('search', { filters: { status: 'active' }, returnAll: true }) },
	]);
	expect(error?.message).toBe('Add at least one search field');
	expect((await counters(sb)).requests).toBe(0);
});

test('Search by last name and a date of birth in any common form', async () => {
	const stored = sb.state.patients.get('7');
	const iso = `${stored.dob.slice(6)}-${stored.dob.slice(0, 2)}-${stored.dob.slice(3, 5)}`;
	const { output, error } = await runNodes(creds, [
		{
			parameters: patient('search', {
				filters: { lastname: stored.lastname, dob: iso },
				returnAll: true,
			}),
		},
	]);
	expect(error).toBeUndefined();
	expect(output('athenahealth').map((i) => i.json.patientid)).toContain('7');
	for (const item of output('athenahealth')) expect(item.json.dob).toBe(stored.dob);
});

test("Get Many by department returns every active patient there (more than athena's default page of 10) and honours Limit", async () => {
	const all = [...sb.state.patients.values()].filter(
		(p: any) => p.departmentid === '1' && p.status === 'active',
	);
	const many = await runNodes(creds, [
		{
			parameters: patient('getAll', { departmentId: byId('1'), status: 'active', returnAll: true }),
		},
	]);
	expect(
		many
			.output('athenahealth')
			.map((i) => i.json.patientid)
			.sort(),
	).toEqual(all.map((p: any) => p.patientid).sort());
	const few = await runNodes(creds, [
		{
			parameters: patient('getAll', {
				departmentId: byId('1'),
				status: 'active',
				returnAll: false,
				limit: 3,
			}),
		},
	]);
	expect(few.output('athenahealth')).toHaveLength(3);
});

test("Find Best Match returns athena's score", async () => {
	const stored = sb.state.patients.get('2');
	const { output, error } = await runNodes(creds, [
		{
			parameters: patient('findBestMatch', {
				firstname: stored.firstname,
				lastname: stored.lastname,
				dob: stored.dob,
			}),
		},
	]);
	expect(error).toBeUndefined();
	const top = output('athenahealth')[0].json;
	expect(top.patientid).toBe('2');
	expect(top.score).toBe('23');
	expect(top.scoreNumber).toBe(23);
});

test('Create makes a patient, and says so when athena matched an existing one instead', async () => {
	const fields = {
		firstname: 'Zoë',
		lastname: 'Núñez-Østergaard',
		dob: '1990-02-28',
		departmentId: byId('1'),
		additionalFields: { mobilephone: '5551234567', email: 'zoe@example.org' },
	};
	const first = await runNodes(creds, [{ parameters: patient('create', fields) }]);
	expect(first.error).toBeUndefined();
	const created = first.output('athenahealth')[0].json;
	expect(created).toMatchObject({ created: true, matchedExisting: false });
	expect(sb.state.patients.get(created.patientid).firstname).toBe('Zoë');
	const again = await runNodes(creds, [{ parameters: patient('create', fields) }]);
	expect(again.output('athenahealth')[0].json).toMatchObject({
		patientid: created.patientid,
		created: false,
		matchedExisting: true,
	});
	expect(
		[...sb.state.patients.values()].filter((p: any) => p.lastname === 'Núñez-Østergaard'),
	).toHaveLength(1);
});

test("Create validates athena's field lengths and contact rule before calling", async () => {
	const long = await runNodes(creds, [
		{
			parameters: patient('create', {
				firstname: 'A',
				lastname: 'X'.repeat(31),
				dob: '1990-01-01',
				departmentId: byId('1'),
				additionalFields: { zip: '02110' },
			}),
		},
	]);
	expect(long.error?.message).toBe(
		'lastname is 31 characters long; athena accepts at most 30. Shorten it before sending.',
	);
	const noContact = await runNodes(creds, [
		{
			parameters: patient('create', {
				firstname: 'A',
				lastname: 'B',
				dob: '1990-01-01',
				departmentId: byId('1'),
			}),
		},
	]);
	expect(noContact.error?.message).toBe('Add a way to reach the patient');
	const badDate = await runNodes(creds, [
		{
			parameters: patient('create', {
				firstname: 'A',
				lastname: 'B',
				dob: '31/31/1990',
				departmentId: byId('1'),
				additionalFields: { zip: '02110' },
			}),
		},
	]);
	expect(badDate.error?.message).toBe('Date of Birth is not a date athena can use');
	expect((await counters(sb)).requests).toBe(0);
});

test('Update sends only the given fields', async () => {
	const before = { ...sb.state.patients.get('34772') };
	const { output, error } = await runNodes(creds, [
		{
			parameters: patient('update', {
				patientId: byId('34772'),
				updateFields: { mobilephone: '5559876543' },
			}),
		},
	]);
	expect(error).toBeUndefined();
	expect(output('athenahealth')[0].json).toEqual({
		patientid: '34772',
		updatedFields: ['mobilephone'],
	});
	const after = sb.state.patients.get('34772');
	expect(after.mobilephone).toBe('5559876543');
	expect({
		...after,
		mobilephone: before.mobilephone,
		lastmodified: before.lastmodified,
		lastmodifiedby: before.lastmodifiedby,
	}).toEqual(before);
});

test('list search returns the sandbox departments, filtered by what the user types', async () => {
	const all = await listSearch(creds, 'searchDepartments');
	expect(all.results).toHaveLength(sb.state.departments.length);
	expect(all.results[0]).toEqual({ name: 'Rome Office (1)', value: '1' });
	const some = await listSearch(creds, 'searchDepartments', 'belfast');
	expect(some.results).toEqual([{ name: 'Belfast Primary Care (145)', value: '145' }]);
	const patients = await listSearch(creds, 'searchPatients', sb.state.patients.get('1').lastname);
	expect(patients.results.map((r) => r.value)).toContain('1');
});

test('Simplify keeps the most used fields (with their ISO companions)', async () => {
	const { output } = await runNodes(creds, [
		{ parameters: patient('get', { patientId: byId('1'), simplify: true }) },
	]);
	expect(Object.keys(output('athenahealth')[0].json).sort()).toEqual(
		[
			'patientid',
			'firstname',
			'lastname',
			'dob',
			'dobIso',
			'sex',
			'email',
			'homephone',
			'mobilephone',
			'departmentid',
			'status',
			'zip',
			'lastmodified',
		].sort(),
	);
});

test('Create with Bypass Patient Matching, answer lost: a same-name patient that was there is not taken for the new one', async () => {
	const create = (p: object = {}) =>
		patient('create', {
			departmentId: byId('1'),
			firstname: 'Ada',
			lastname: 'Twinlost',
			dob: '1970-04-05',
			additionalFields: { zip: '02139', ...p },
		});
	const first = await runNodes(creds, [{ parameters: create() }]);
	expect(first.error).toBeUndefined();
	await fault(sb, { method: 'POST', path: '/patients$', phase: 'before', reset: true });
	const { error } = await runNodes(creds, [
		{ parameters: create({ bypasspatientmatching: true }) },
	]);
	await control(sb, 'DELETE', '/_control/faults');
	expect(error?.message).toMatch(/^athena did not confirm the creation of patient Ada Twinlost/);
});
