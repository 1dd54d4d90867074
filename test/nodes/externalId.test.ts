// Patient custom fields and Create or Update by External ID through n8n's engine against the
// sandbox, under each reading of the custom field switches (docs/athena-behaviour.md#patient-custom-fields).
import { listSearch, runNodes, sandboxCredentials, type MemoryCredentials } from '../harness/n8n';
import { control, counters, fault, sandbox, settings, type Sandbox } from '../harness/sandbox';

let sb: Sandbox;
let creds: MemoryCredentials;
beforeAll(async () => {
	sb = await sandbox({ patients: 30 });
	creds = sandboxCredentials({ url: sb.url });
});
afterAll(() => sb.close());
beforeEach(async () => {
	await control(sb, 'DELETE', '/_control/faults');
	await control(sb, 'POST', '/_control/reset-counters');
});

const byId = (value: string) => ({ __rl: true, mode: 'id', value });
const patient = (operation: string, p: object = {}) => ({ resource: 'patient', operation, ...p });
const run = async (parameters: object, input?: object[]) => {
	const { output, error } = await runNodes(creds, [{ parameters }], input as never);
	expect(error).toBeUndefined();
	return output('athenahealth').map((i) => i.json);
};
const posts = async () =>
	((await counters(sb)).log as string[]).filter((l) => l === 'POST /v1/195900/patients').length;
const writesSeen = async () =>
	((await counters(sb)).log as string[]).filter((l) => /^(POST|PUT|DELETE) /.test(l));
const withId = (id: string) =>
	[...sb.state.patientCustomFields.entries()].filter(
		([, m]: [string, Map<string, any>]) => m.get('1')?.customfieldvalue === id,
	);

// the other system's patients, as a Code node would hand them over
const upsert = (extra: object = {}) =>
	patient('createOrUpdateByExternalId', {
		customFieldId: byId('1'),
		externalId: '={{ $json.id }}',
		departmentId: byId('1'),
		firstname: '={{ $json.first }}',
		lastname: '={{ $json.last }}',
		dob: '={{ $json.dob }}',
		additionalFields: { mobilephone: '={{ $json.mobile }}', zip: '02139' },
		...extra,
	});

const READINGS = [
	{ customFieldSearchMatch: 'by-field', successAsString: false },
	{ customFieldSearchMatch: 'exact', successAsString: true },
];

describe.each(READINGS)('custom field readings %o', (reading) => {
	const tag = `${reading.customFieldSearchMatch}${reading.successAsString ? 's' : 'b'}`.replace(
		/[^a-z]/gi,
		'',
	);
	beforeAll(() => settings(sb, reading));

	test("the custom field pickers list athena's bare array; the searchable one is marked", async () => {
		const all = await listSearch(creds, 'searchCustomFields');
		expect(all.results.map((r) => r.value)).toEqual(['1', '162', '22', '323', '41']);
		expect(all.results[0].name).toBe('Legacy Patient ID (searchable) (1)');
		const searchable = await listSearch(creds, 'searchSearchableCustomFields');
		expect(searchable.results.map((r) => r.value)).toEqual(['1', '162']);
	});

	test('Set Custom Fields (a select field by its option name), read back; Get Custom Fields names them', async () => {
		const [set] = await run(
			patient('setCustomFields', {
				patientId: byId('60178'),
				departmentId: byId('1'),
				customFields: {
					field: [
						{ customFieldId: '22', value: `T-${tag}` },
						{ customFieldId: '162', value: 'yes' },
					],
				},
			}),
		);
		expect(set).toMatchObject({ patientid: '60178', verified: true, disallowedcount: 0 });
		expect(set.customfields).toEqual([
			{ customfieldid: '22', customfieldvalue: `T-${tag}` },
			{ customfieldid: '162', optionid: '61' },
		]);
		const got = await run(
			patient('getCustomFields', { patientId: byId('60178'), departmentId: byId('1') }),
		);
		expect(got.map((f) => [f.customfieldid, f.name, f.customfieldvalue, f.optionvalue])).toEqual([
			['22', 'Test Patient Field', `T-${tag}`, undefined],
			['162', 'Healthkit Enabled', undefined, 'Yes'],
		]);
		const bySelect = await run(
			patient('findByCustomField', { customFieldId: byId('162'), value: 'Yes', returnAll: true }),
		);
		expect(bySelect.map((p) => p.patientid)).toContain('60178');
	});

	test('Set Custom Fields refuses an unknown option and a too long value before any write', async () => {
		const option = await runNodes(creds, [
			{
				parameters: patient('setCustomFields', {
					patientId: byId('60178'),
					departmentId: byId('1'),
					customFields: { field: [{ customFieldId: '162', value: 'Maybe' }] },
				}),
			},
		]);
		expect(option.error?.message).toBe(
			'Custom field 162 (Healthkit Enabled) has no option "Maybe"',
		);
		expect(option.error?.description).toMatch(/Yes \(61\), No \(62\)/);
		const long = await runNodes(creds, [
			{
				parameters: patient('setCustomFields', {
					patientId: byId('60178'),
					departmentId: byId('1'),
					customFields: { field: [{ customFieldId: '22', value: 'x'.repeat(11) }] },
				}),
			},
		]);
		expect(long.error?.message).toBe(
			'Custom field 22 (Test Patient Field) takes at most 10 characters',
		);
		expect(await writesSeen()).toEqual([]);
	});

	test('a DATE field: the value goes as mm/dd/yyyy and reads back so', async () => {
		const [set] = await run(
			patient('setCustomFields', {
				patientId: byId('7'),
				departmentId: byId('1'),
				customFields: { field: [{ customFieldId: '41', value: '2026-03-09' }] },
			}),
		);
		expect(set).toMatchObject({ verified: true });
		expect(set.customfields).toMatchObject([
			{ customfieldid: '41', customfieldvalue: '03/09/2026' },
		]);
		const bad = await runNodes(creds, [
			{
				parameters: patient('setCustomFields', {
					patientId: byId('7'),
					departmentId: byId('1'),
					customFields: { field: [{ customFieldId: '41', value: 'soon' }] },
				}),
			},
		]);
		expect(bad.error?.message).toBe(
			'Custom field 41 (Consent Signed) is not a date athena can use',
		);
	});

	test("a field that disallows updates keeps its first value: the read-back says so; athena's 404 for an unknown patient", async () => {
		const set = (value: string, pid = '60179') =>
			runNodes(creds, [
				{
					parameters: patient('setCustomFields', {
						patientId: byId(pid),
						departmentId: byId('1'),
						customFields: { field: [{ customFieldId: '323', value }] },
					}),
				},
			]);
		await set(`first${tag}`);
		const second = await set(`second${tag}`);
		expect(second.error?.message).toBe(
			'athena did not take custom field(s) 323 (Baystate Patient, disallows updates) for patient 60179',
		);
		expect(second.error?.description).toMatch(/disallowedcount 1/);
		const missing = await set('x', '999999');
		expect(missing.error?.message).toMatch(/The Patient ID or Department ID is invalid/);
	});

	test('Find by Custom Field: text values as athena matches them; a field that is not searchable is refused before any search', async () => {
		await run(
			patient('setCustomFields', {
				patientId: byId('60180'),
				departmentId: byId('1'),
				customFields: { field: [{ customFieldId: '1', value: `Find-${tag}` }] },
			}),
		);
		const found = await run(
			patient('findByCustomField', {
				customFieldId: byId('1'),
				value: `Find-${tag}`,
				returnAll: true,
			}),
		);
		expect(found.map((p) => p.patientid)).toEqual(['60180']);
		const other = await run(
			patient('findByCustomField', {
				customFieldId: byId('1'),
				value: `FIND-${tag}`,
				returnAll: true,
			}),
		);
		expect(other.map((p) => p.patientid)).toEqual(
			reading.customFieldSearchMatch === 'exact' ? [] : ['60180'],
		);
		await control(sb, 'POST', '/_control/reset-counters');
		const refused = await runNodes(creds, [
			{ parameters: patient('findByCustomField', { customFieldId: byId('22'), value: 'x' }) },
		]);
		expect(refused.error?.message).toBe(
			'Custom field 22 (Test Patient Field) is not searchable in athena',
		);
		expect((await counters(sb)).log).toEqual(['GET /v1/195900/customfields']);
		const slash = await runNodes(creds, [
			{ parameters: patient('findByCustomField', { customFieldId: byId('1'), value: 'a/b' }) },
		]);
		expect(slash.error?.message).toBe('Value cannot be used to search athena');
		// an error from the search names its path without the value searched for
		await fault(sb, { method: 'GET', path: '/patients/customfields/1/', status: 400, count: 1 });
		const failed = await runNodes(creds, [
			{
				parameters: patient('findByCustomField', {
					customFieldId: byId('1'),
					value: 'EHR-SECRET-77',
				}),
			},
		]);
		expect(failed.error).toBeDefined();
		expect(JSON.stringify([failed.error?.message, failed.error?.description])).toContain(
			'/patients/customfields/1/(value)',
		);
		const { message, description, errorResponse } = failed.error as any;
		expect(JSON.stringify({ message, description, errorResponse })).not.toContain('EHR-SECRET-77');
	});

	test('Create or Update by External ID, run twice over a list: one patient per external id; the second run changes only what changed', async () => {
		const list = [1, 2, 3].map((n) => ({
			id: `${tag}-${n}`,
			first: 'Ext',
			last: `Person${tag}${n}`,
			dob: `1980-01-0${n}`,
			mobile: `555010000${n}`,
		}));
		const first = await run(upsert(), list);
		expect(first.map((r) => r.action)).toEqual(['created', 'created', 'created']);
		expect(first.every((r) => r.externalIdVerified === true)).toBe(true);
		expect(await posts()).toBe(3);
		for (const p of list) expect(withId(p.id)).toHaveLength(1);
		await control(sb, 'POST', '/_control/reset-counters');
		list[1].mobile = '5550109999';
		const second = await run(upsert(), list);
		expect(second.map((r) => [r.action, r.updatedFields])).toEqual([
			['unchanged', []],
			['updated', ['mobilephone']],
			['unchanged', []],
		]);
		expect(second.map((r) => r.patientid)).toEqual(first.map((r) => r.patientid));
		expect(await posts()).toBe(0);
		expect(await writesSeen()).toEqual([`PUT /v1/195900/patients/${String(first[1].patientid)}`]);
		// the practice's custom fields are read once per run, not per item
		expect(
			((await counters(sb)).log as string[]).filter((l) => l === 'GET /v1/195900/customfields'),
		).toHaveLength(1);
		expect(sb.state.patients.get(String(first[1].patientid)).mobilephone).toBe('5550109999');
	});

	test('duplicate items with one external id in one run create one patient', async () => {
		const item = {
			id: `${tag}-dup`,
			first: 'Dup',
			last: `Twice${tag}`,
			dob: '1975-05-05',
			mobile: '5550102020',
		};
		const out = await run(upsert(), [item, { ...item }, { ...item, mobile: '5550103030' }]);
		expect(out.map((r) => r.action)).toEqual(['created', 'unchanged', 'updated']);
		expect(new Set(out.map((r) => r.patientid)).size).toBe(1);
		expect(await posts()).toBe(1);
		expect(withId(item.id)).toHaveLength(1);
	});

	test('the answer to the create is lost: found again before anything is repeated, never a second patient', async () => {
		const item = {
			id: `${tag}-lost`,
			first: 'Lost',
			last: `Answer${tag}`,
			dob: '1966-06-06',
			mobile: '5550104040',
		};
		const before = sb.state.patients.size;
		await fault(sb, { method: 'POST', path: '/patients$', phase: 'after', reset: true });
		const [made] = await run(upsert(), [item, { ...item }]);
		expect(made).toMatchObject({ action: 'created', recoveredAfterUnconfirmedCreate: true });
		expect(sb.state.patients.size).toBe(before + 1);
		expect(await posts()).toBe(1);
		expect(withId(item.id)).toHaveLength(1);
		const [again] = await run(upsert(), [item]);
		expect(again).toMatchObject({ action: 'unchanged', patientid: made.patientid });
		expect(sb.state.patients.size).toBe(before + 1);
	});

	test('a create lost with nothing visible: the item says it may have happened, and a later item with that id is not created either', async () => {
		const item = {
			id: `${tag}-gone`,
			first: 'Gone',
			last: `Never${tag}`,
			dob: '1955-05-05',
			mobile: '5550105050',
		};
		await fault(sb, { method: 'POST', path: '/patients$', phase: 'before', reset: true });
		const { output } = await runNodes(
			creds,
			[{ parameters: upsert(), onError: 'continueRegularOutput' }],
			[item, { ...item }],
		);
		const [a, b] = output('athenahealth').map((i) => i.json);
		expect(a.error).toBe(
			`athena did not confirm the creation of the patient with external ID ${item.id} (custom field 1): it may have taken effect`,
		);
		expect(a.description).toMatch(/Set Custom Fields/);
		expect(b.error).toMatch(
			/^An earlier item of this run left the creation .* unconfirmed; not created again$/,
		);
		expect(await posts()).toBe(1);
	});

	test('two patients holding one external id: an error naming both, nothing written', async () => {
		const id = `${tag}-two`;
		for (const pid of ['60181', '60182'])
			await run(
				patient('setCustomFields', {
					patientId: byId(pid),
					departmentId: byId('1'),
					customFields: { field: [{ customFieldId: '1', value: id }] },
				}),
			);
		await control(sb, 'POST', '/_control/reset-counters');
		const { error } = await runNodes(
			creds,
			[{ parameters: upsert() }],
			[{ id, first: 'Two', last: 'Holders', dob: '1990-01-01', mobile: '5550106060' }],
		);
		expect(error?.message).toBe(
			`2 athena patients hold external ID ${id} (custom field 1): 60181, 60182`,
		);
		expect(error?.description).toMatch(/^Nothing was changed/);
		expect(await writesSeen()).toEqual([]);
	});
});

test('Create or Update by External ID refuses a select or non-searchable field and a missing contact before any write', async () => {
	const one = { id: 'R-1', first: 'Ref', last: 'Used', dob: '1991-01-01', mobile: '' };
	const select = await runNodes(
		creds,
		[{ parameters: upsert({ customFieldId: byId('162') }) }],
		[one],
	);
	expect(select.error?.message).toBe('Custom field 162 (Healthkit Enabled) is a select field');
	const notSearchable = await runNodes(
		creds,
		[{ parameters: upsert({ customFieldId: byId('22') }) }],
		[one],
	);
	expect(notSearchable.error?.message).toBe(
		'Custom field 22 (Test Patient Field) is not searchable in athena',
	);
	const noContact = await runNodes(
		creds,
		[{ parameters: upsert({ additionalFields: {} }) }],
		[one],
	);
	expect(noContact.error?.message).toBe('Add a way to reach the patient');
	expect(await writesSeen()).toEqual([]);
});

test('athena matches an existing patient without an external id: linked, no new patient; one holding another id: an error, nothing set', async () => {
	await settings(sb, READINGS[0]);
	const seeded = (id: string) => sb.state.patients.get(id);
	const item = (p: any, id: string) => ({
		id,
		first: p.firstname,
		last: p.lastname,
		dob: p.dob,
		mobile: '5550107070',
	});
	const before = sb.state.patients.size;
	const [linked] = await run(upsert(), [item(seeded('60183'), 'LINK-1')]);
	expect(linked).toMatchObject({
		patientid: '60183',
		action: 'linked',
		created: false,
		matchedExisting: true,
		externalIdVerified: true,
	});
	expect(sb.state.patients.size).toBe(before);
	expect(withId('LINK-1').map(([pid]) => pid)).toEqual(['60183']);

	await run(
		patient('setCustomFields', {
			patientId: byId('60184'),
			departmentId: byId('1'),
			customFields: { field: [{ customFieldId: '1', value: 'HELD-1' }] },
		}),
	);
	await control(sb, 'POST', '/_control/reset-counters');
	const { error } = await runNodes(
		creds,
		[{ parameters: upsert() }],
		[item(seeded('60184'), 'OTHER-2')],
	);
	expect(error?.message).toBe(
		'athena matched existing patient 60184, who already holds another external ID in custom field 1',
	);
	expect(error?.description).toMatch(/holds "HELD-1", not "OTHER-2"; nothing was changed/);
	expect((await writesSeen()).filter((l) => l.includes('customfields'))).toEqual([]);
	expect(withId('OTHER-2')).toEqual([]);
	expect(sb.state.patients.size).toBe(before);
});

test('storing the external id fails after the create: the item says which patient; a later item with that id stores it on the same patient', async () => {
	await settings(sb, READINGS[0]);
	const item = {
		id: 'STORE-1',
		first: 'Store',
		last: 'Failed',
		dob: '1977-07-07',
		mobile: '5550108080',
	};
	await fault(sb, { method: 'PUT', path: '/customfields$', status: 400, count: 1 });
	const { output } = await runNodes(
		creds,
		[{ parameters: upsert(), onError: 'continueRegularOutput' }],
		[item, { ...item }],
	);
	const [a, b] = output('athenahealth').map((i) => i.json);
	expect(a.error).toMatch(
		/^Patient \d+ is in athena, but storing external ID STORE-1 \(custom field 1\) on it failed/,
	);
	expect(b).toMatchObject({ action: 'unchanged', externalIdVerified: true });
	expect(String(a.error)).toContain(`Patient ${String(b.patientid)} `);
	expect(await posts()).toBe(1);
	expect(withId('STORE-1').map(([pid]) => pid)).toEqual([String(b.patientid)]);
});
