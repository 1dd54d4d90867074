// athena's rules checked before any request, and athena's "too broad" 400 for a large department.
import { runNodes, sandboxCredentials, type MemoryCredentials } from '../harness/n8n';
import { control, counters, sandbox, type Sandbox } from '../harness/sandbox';

let sb: Sandbox;
let creds: MemoryCredentials;
beforeAll(async () => {
	// department 1 holds more than 1,000 patients, as in athena's preview practice
	sb = await sandbox({
		patients: 1300,
		departmentOnePatients: 1100,
		booked: 20,
		openSlots: 20,
		days: 5,
	});
	creds = sandboxCredentials({ url: sb.url });
});
afterAll(() => sb.close());
beforeEach(() => control(sb, 'POST', '/_control/reset-counters'));

const byId = (value: string) => ({ __rl: true, mode: 'id', value });
const nextYear = `${new Date().getUTCFullYear() + 1}-03-04`;

async function refused(parameters: object, message: string | RegExp) {
	const { error } = await runNodes(creds, [{ parameters }]);
	if (typeof message === 'string') expect(error?.message).toBe(message);
	else expect(error?.message).toMatch(message);
	expect((await counters(sb)).requests).toBe(0);
	return error;
}

test('Modified Before without Modified After is refused, naming the field', async () => {
	const error = await refused(
		{
			resource: 'appointment',
			operation: 'getManyBooked',
			startDate: '2026-11-01',
			endDate: '2026-11-30',
			options: { endlastmodified: '2026-11-20T10:00:00' },
			returnAll: true,
		},
		'Modified Before needs Modified After',
	);
	expect(error?.description).toMatch(/Add Modified After/);
});

test('an end date before the start date is refused (Get Many Booked, Get Open Slots, Reminders)', async () => {
	await refused(
		{
			resource: 'appointment',
			operation: 'getManyBooked',
			startDate: '2026-11-30',
			endDate: '2026-11-01',
			returnAll: true,
		},
		'End Date is before Start Date',
	);
	await refused(
		{
			resource: 'appointment',
			operation: 'getManyBooked',
			startDate: '2026-11-01',
			endDate: '2026-11-30',
			options: { startlastmodified: '2026-11-20T10:00:00', endlastmodified: '2026-11-20T09:00:00' },
			returnAll: true,
		},
		'Modified Before is before Modified After',
	);
	await refused(
		{
			resource: 'appointment',
			operation: 'getOpenSlots',
			departmentId: byId('1'),
			appointmentTypeId: byId('2'),
			startDate: '2026-12-10',
			endDate: '2026-12-09',
			returnAll: true,
		},
		'End Date is before Start Date',
	);
	await refused(
		{
			resource: 'appointmentReminder',
			operation: 'getAll',
			departmentId: byId('1'),
			startDate: '2027-12-01',
			endDate: '2026-12-01',
			returnAll: true,
		},
		'End Date is before Start Date',
	);
});

test('a birth date in the future is refused in Patient Search and Patient Create', async () => {
	await refused(
		{
			resource: 'patient',
			operation: 'search',
			filters: { lastname: 'Smith', dob: nextYear },
			returnAll: true,
		},
		'Date of Birth is in the future',
	);
	await refused(
		{
			resource: 'patient',
			operation: 'create',
			firstname: 'Ada',
			lastname: 'Future',
			dob: nextYear,
			departmentId: byId('1'),
			additionalFields: { zip: '02139' },
		},
		'Date of Birth is in the future',
	);
	// today is fine
	const today = new Date().toISOString().slice(0, 10);
	const { error } = await runNodes(creds, [
		{
			parameters: {
				resource: 'patient',
				operation: 'search',
				filters: { lastname: 'Smith', dob: today },
				returnAll: true,
			},
		},
	]);
	expect(error).toBeUndefined();
});

test('the sandbox answers a future birth date as athena does ("Improper DOB.")', async () => {
	const { error } = await runNodes(creds, [
		{
			parameters: {
				resource: 'customApiCall',
				operation: 'call',
				method: 'GET',
				path: '/patients',
				query: {
					parameter: [
						{ name: 'lastname', value: 'Smith' },
						{ name: 'dob', value: `03/04/${new Date().getUTCFullYear() + 1}` },
					],
				},
			},
		},
	]);
	expect(error?.message).toBe('Improper DOB.');
});

test('Patient Search refuses email-only and ZIP-only searches (athena 400s them) before any request', async () => {
	const email = await refused(
		{
			resource: 'patient',
			operation: 'search',
			filters: { email: 'a@example.org' },
			returnAll: true,
		},
		'Add at least one search field',
	);
	expect(email?.description).toMatch(/Email only narrow/);
	const zip = await refused(
		{ resource: 'patient', operation: 'search', filters: { zip: '02139' }, returnAll: true },
		'Add at least one search field',
	);
	expect(zip?.description).toMatch(/ZIP Code only narrow/);
	// with a name they narrow the search
	const { error } = await runNodes(creds, [
		{
			parameters: {
				resource: 'patient',
				operation: 'search',
				filters: { lastname: 'Smith', zip: '02139' },
				returnAll: true,
			},
		},
	]);
	expect(error).toBeUndefined();
});
