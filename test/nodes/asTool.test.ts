// What a model receives from the node as a tool, through n8n-core's own tool path (the schema n8n
// builds from `$fromAI`, the node run with the model's arguments) against the sandbox: a list cut
// at the tool's Limit says so, two differently configured nodes of one operation read differently,
// and a bad argument is named by the model's own argument name.
import { sandboxCredentials, type MemoryCredentials } from '../harness/n8n';
import { control, counters, sandbox, type Sandbox } from '../harness/sandbox';
import { runTools } from '../harness/tools';

let sb: Sandbox;
let creds: MemoryCredentials;
beforeAll(async () => {
	sb = await sandbox({ booked: 600, openSlots: 200, daysBack: 5, days: 30 });
	creds = sandboxCredentials({ url: sb.url });
});
afterAll(() => sb.close());
beforeEach(async () => {
	await control(sb, 'POST', '/_control/reset-counters');
});

const byId = (value: string) => ({ __rl: true, mode: 'id', value });
const ai = (key: string, description: string) =>
	`={{ $fromAI('${key}', \`${description}\`, 'string') }}`;
const ymd = (daysAhead: number) =>
	new Date(Date.now() + daysAhead * 86400_000).toISOString().slice(0, 10);
const iso = (athena: string) => `${athena.slice(6)}-${athena.slice(0, 2)}-${athena.slice(3, 5)}`;

test('two Find Open Slots nodes configured differently read differently, and neither offers what it fixes', async () => {
	const { tools } = await runTools(creds, {
		'Slots In Department 1': {
			resource: 'appointment',
			operation: 'getOpenSlots',
			departmentId: byId('1'),
			reasonId: '-1',
			startDate: ai('startDate', 'First day, YYYY-MM-DD'),
			endDate: ai('endDate', 'Last day, YYYY-MM-DD'),
		},
		'Slots Next Week': {
			resource: 'appointment',
			operation: 'getOpenSlots',
			departmentId: byId(ai('departmentId', 'athena department ID, digits only')),
			appointmentTypeId: byId('2'),
			startDate: ymd(7),
			endDate: ymd(14),
		},
	});
	const byName = (name: string) => tools.find((t) => t.name === name)!;
	const fixedDepartment = byName('Slots_In_Department_1');
	const fixedDates = byName('Slots_Next_Week');
	expect(Object.keys(fixedDepartment.arguments).sort()).toEqual(['endDate', 'startDate']);
	expect(Object.keys(fixedDates.arguments)).toEqual(['departmentId']);
	expect(fixedDates.arguments.departmentId).toBe('athena department ID, digits only');
	expect(JSON.stringify(fixedDepartment)).not.toBe(JSON.stringify(fixedDates));
	for (const t of tools) {
		// the text says what the operation does and returns, and the form of what the model fills;
		// never an input list the node may fix (department, appointment type or reason, dates)
		expect(t.description).toMatch(/^Find open .*athenahealth.*Returns/);
		expect(t.description).toMatch(/digits only.*YYYY-MM-DD/);
		expect(t.description).not.toMatch(/Needs|reason ID|optional start/i);
	}
});

test('a list cut at the tool limit ends with an item saying how many there are; a whole list does not', async () => {
	const [from, to] = [ymd(0), ymd(20)];
	const booked = [...sb.state.appointments.values()].filter(
		(a: any) =>
			a.departmentid === '1' &&
			a.appointmentstatus === 'f' &&
			iso(a.date) >= from &&
			iso(a.date) <= to,
	);
	expect(booked.length).toBeGreaterThan(10);
	const { results } = await runTools(
		creds,
		{
			'List Booked': {
				resource: 'appointment',
				operation: 'getManyBooked',
				departmentId: byId('1'),
				startDate: ai('startDate', 'First day, YYYY-MM-DD'),
				endDate: ai('endDate', 'Last day, YYYY-MM-DD'),
				options: { appointmentstatus: 'f' },
			},
		},
		[
			{ tool: 'List_Booked', args: { startDate: from, endDate: to } },
			{ tool: 'List_Booked', args: { startDate: '2001-01-01', endDate: '2001-01-02' } },
		],
	);
	const cut = JSON.parse(results[0].text) as Array<Record<string, unknown>>;
	// the tool's Limit (10 in tool use) records, then one item that says the list was cut
	expect(cut).toHaveLength(11);
	expect(cut.slice(0, 10).every((a) => typeof a.appointmentid === 'string')).toBe(true);
	expect(cut[10]).toEqual({
		moreResults: true,
		returned: 10,
		total: booked.length,
		note: expect.stringMatching(
			new RegExp(`^Only the first 10 of ${booked.length} results are shown .*narrow the search`),
		),
	});
	const none = JSON.parse(results[1].text);
	expect(JSON.stringify(none)).not.toContain('moreResults');
});

test("a bad argument is named by the model's argument, with the field's name and an example in the right form, before any request", async () => {
	const { results } = await runTools(
		creds,
		{
			'Book Appointment': {
				resource: 'appointment',
				operation: 'book',
				appointmentId: ai('slotId', 'The appointmentid of an open slot, digits only'),
				patientId: byId(ai('patientId', 'athena patient ID, digits only')),
				appointmentTypeId: byId('2'),
			},
			'Find Open Slots': {
				resource: 'appointment',
				operation: 'getOpenSlots',
				departmentId: byId('1'),
				reasonId: '-1',
				startDate: ai('from', 'First day, YYYY-MM-DD'),
				endDate: ai('to', 'Last day, YYYY-MM-DD'),
			},
		},
		[
			{ tool: 'Book_Appointment', args: { slotId: 'slot 12', patientId: '1' } },
			{ tool: 'Find_Open_Slots', args: { from: '2027-02-30', to: '2027-03-05' } },
			{ tool: 'Find_Open_Slots', args: { from: ymd(30), to: ymd(20) } },
		],
	);
	expect(results.map((r) => r.ok)).toEqual([false, false, false]);
	// the argument the model filled, the field's name for people, and an id in the right form
	expect(results[0].text).toMatch(
		/^slotId \(Open Slot ID\) must be a numeric athena ID \(digits only\), got "slot 12"\. .*e\.g\. 12345\./,
	);
	expect(results[1].text).toMatch(
		/^from \(Start Date\) is not a date athena can use[\s\S]*Got "2027-02-30"\. Use YYYY-MM-DD/,
	);
	// a rule across two fields names both arguments
	expect(results[2].text).toMatch(/^to \(End Date\) is before from \(Start Date\)/);
	expect((await counters(sb)).requests).toBe(0);
});
