// Path safety: no parameter or expression can make a request leave the allowed practice or the FHIR
// base. Every request the sandbox sees is in its raw request log (counters.log, the path exactly as
// the client sent it), so the checks assert on where requests went, not on messages alone.
import {
	listSearch,
	poll,
	runNodes,
	sandboxCredentials,
	type MemoryCredentials,
} from '../harness/n8n';
import { control, counters, sandbox, type Sandbox } from '../harness/sandbox';

let sb: Sandbox;
let creds: MemoryCredentials;
beforeAll(async () => {
	sb = await sandbox({ patients: 40, booked: 40, openSlots: 40, days: 5 });
	// only practice 195900 is allowed; 1128700 exists in the sandbox and must never be reached
	creds = sandboxCredentials({ url: sb.url, enableFhir: true });
});
afterAll(() => sb.close());
beforeEach(async () => {
	await control(sb, 'POST', '/_control/reset-counters');
	await control(sb, 'DELETE', '/_control/faults');
});

const ALLOWED = /^(GET|POST|PUT|DELETE) (\/oauth2\/v1\/token|\/v1\/195900\/[^/]|\/fhir\/r4\/[^/])/;

async function requestLog(): Promise<string[]> {
	return (await counters(sb)).log as string[];
}

/** Every request stayed under /v1/195900 or the FHIR base, with no traversal segment in the raw path. */
async function expectOnlyAllowedRequests() {
	for (const line of await requestLog()) {
		expect(line).toMatch(ALLOWED);
		expect(
			line
				.split(' ')[1]
				.split('/')
				.map((s) => decodeURIComponent(s)),
		).not.toContain('..');
		expect(line).not.toMatch(/1128700/);
	}
}

const TRAVERSALS = [
	'..',
	'.',
	'../1128700/appointments',
	'../../1128700/appointments',
	'%2e%2e',
	'%2E%2E/1128700/appointments',
	'.%2e/1128700',
	'a/b',
	'1/../../1128700',
	'..\\1128700',
	'1128700/../195900',
	'appointments/../../1128700/appointments',
	' ..',
	'\t..',
	'%2F..%2F1128700',
	'Patient/../../v1/1128700/patients',
];

const byId = (value: string) => ({ __rl: true, mode: 'id', value });
// each traversal string arrives through an expression, as in a workflow that maps ids from input
const EXPR = '={{ $json.t }}';
const LOCATOR = { __rl: true, mode: 'id', value: EXPR };

type Case = { name: string; parameters: Record<string, unknown> };
const cases: Case[] = [
	{
		name: 'Patient Get: Patient',
		parameters: { resource: 'patient', operation: 'get', patientId: LOCATOR },
	},
	{
		name: 'Patient Update: Patient',
		parameters: {
			resource: 'patient',
			operation: 'update',
			patientId: LOCATOR,
			updateFields: { mobilephone: '5551234567' },
		},
	},
	{
		name: 'Patient Get: Practice ID',
		parameters: { resource: 'patient', operation: 'get', patientId: byId('1'), practiceId: EXPR },
	},
	{
		name: 'Patient Get Many: Department',
		parameters: { resource: 'patient', operation: 'getAll', departmentId: LOCATOR },
	},
	{
		name: 'Appointment Get',
		parameters: { resource: 'appointment', operation: 'get', appointmentId: EXPR },
	},
	{
		name: 'Appointment Book',
		parameters: {
			resource: 'appointment',
			operation: 'book',
			appointmentId: EXPR,
			patientId: byId('1'),
		},
	},
	{
		name: 'Appointment Cancel',
		parameters: {
			resource: 'appointment',
			operation: 'cancel',
			appointmentId: EXPR,
			patientId: byId('1'),
		},
	},
	{
		name: 'Appointment Reschedule',
		parameters: {
			resource: 'appointment',
			operation: 'reschedule',
			appointmentId: EXPR,
			newAppointmentId: '1',
			patientId: byId('1'),
		},
	},
	{
		name: 'Appointment Check In',
		parameters: { resource: 'appointment', operation: 'checkIn', appointmentId: EXPR },
	},
	{
		name: 'Appointment Check Out',
		parameters: { resource: 'appointment', operation: 'checkOut', appointmentId: EXPR },
	},
	{
		name: 'Appointment Add Note',
		parameters: {
			resource: 'appointment',
			operation: 'addNote',
			appointmentId: EXPR,
			notetext: 'x',
		},
	},
	{
		name: 'Appointment Get Notes',
		parameters: { resource: 'appointment', operation: 'getNotes', appointmentId: EXPR },
	},
	{
		name: 'Reminder Get',
		parameters: { resource: 'appointmentReminder', operation: 'get', reminderId: EXPR },
	},
	{
		name: 'Reminder Delete',
		parameters: { resource: 'appointmentReminder', operation: 'delete', reminderId: EXPR },
	},
	{
		name: 'Department Get',
		parameters: { resource: 'department', operation: 'get', departmentId: LOCATOR },
	},
	{
		name: 'Provider Get',
		parameters: { resource: 'provider', operation: 'get', providerId: LOCATOR },
	},
	{
		name: 'Appointment Type Get',
		parameters: { resource: 'appointmentType', operation: 'get', appointmentTypeId: LOCATOR },
	},
	{
		name: 'Appointment Reason: Patient Type',
		parameters: {
			resource: 'appointmentReason',
			operation: 'getAll',
			departmentId: byId('1'),
			providerId: byId('1'),
			patientType: EXPR,
			returnAll: true,
		},
	},
	...['subscribe', 'getStatus', 'listEvents', 'unsubscribe'].map((operation) => ({
		name: `Change Subscription ${operation}: Feed`,
		parameters: { resource: 'subscription', operation, feed: EXPR },
	})),
	{
		name: 'FHIR Read: Resource Type',
		parameters: { resource: 'fhir', operation: 'read', resourceType: EXPR, id: 'a-195900.E-1' },
	},
	{
		name: 'FHIR Read: Resource ID',
		parameters: { resource: 'fhir', operation: 'read', resourceType: 'Encounter', id: EXPR },
	},
	{
		name: 'FHIR Search: Resource Type',
		parameters: { resource: 'fhir', operation: 'search', resourceType: EXPR, ids: 'a-195900.E-1' },
	},
	{
		name: 'Bulk Start: Group ID',
		parameters: { resource: 'bulkExport', operation: 'start', groupId: EXPR },
	},
	{
		name: 'Bulk Start: Resource Types',
		parameters: { resource: 'bulkExport', operation: 'start', resourceTypes: '={{ [$json.t] }}' },
	},
	{
		name: 'Custom API Call: Path',
		parameters: { resource: 'customApiCall', operation: 'call', method: 'GET', path: EXPR },
	},
];

test.each(cases.map((c) => [c.name, c] as const))(
	'%s: every traversal string is refused before it reaches athena',
	async (_name, { parameters }) => {
		const input = TRAVERSALS.map((t) => ({ t }));
		const { output, error } = await runNodes(
			creds,
			[{ parameters, onError: 'continueRegularOutput' }],
			input,
		);
		expect(error).toBeUndefined();
		const items = output('athenahealth');
		expect(items).toHaveLength(TRAVERSALS.length);
		for (const item of items) expect(item.json.error).toEqual(expect.any(String));
		await expectOnlyAllowedRequests();
	},
);

test('Bulk status URLs that climb out of the FHIR base are refused (Get Status, Download Files, Cancel)', async () => {
	const urls = [
		'/fhir/r4/../../v1/1128700/patients',
		'/fhir/r4/bulkstatus/%2e%2e/%2e%2e/v1/1128700/patients',
		'/fhir/r4/..%2F..%2Fv1/1128700',
		'/v1/1128700/patients',
	].map((p) => ({ t: `${sb.url}${p}` }));
	for (const operation of ['getStatus', 'downloadFiles', 'cancel']) {
		const { output } = await runNodes(
			creds,
			[
				{
					parameters: { resource: 'bulkExport', operation, statusUrl: EXPR },
					onError: 'continueRegularOutput',
				},
			],
			urls,
		);
		expect(output('athenahealth').map((i) => typeof i.json.error)).toEqual(
			urls.map(() => 'string'),
		);
	}
	expect((await counters(sb)).requests).toBe(0);
});

test('regression: Change Subscription with feed "../1128700/appointments" creates nothing on practice 1128700', async () => {
	const before = (await control(sb, 'GET', '/_control/subscriptions')).length;
	const { error } = await runNodes(creds, [
		{
			parameters: {
				resource: 'subscription',
				operation: 'subscribe',
				feed: '={{ "../1128700/appointments" }}',
			},
		},
	]);
	expect(error?.message).toMatch(/^Feed must be one of /);
	expect((await control(sb, 'GET', '/_control/subscriptions')).length).toBe(before);
	expect((await counters(sb)).requests).toBe(0);
});

test('regression: the appointment reason patient type and the FHIR resource type accept only their listed values', async () => {
	const reason = await runNodes(creds, [
		{
			parameters: {
				resource: 'appointmentReason',
				operation: 'getAll',
				departmentId: byId('1'),
				providerId: byId('1'),
				patientType: '={{ "../../1128700/patients" }}',
				returnAll: true,
			},
		},
	]);
	expect(reason.error?.message).toMatch(/^Patient Type must be one of "all" \(All\)/);
	const type = await runNodes(creds, [
		{
			parameters: {
				resource: 'fhir',
				operation: 'read',
				resourceType: '={{ "../metadata#" }}',
				id: 'a-195900.E-1',
			},
		},
	]);
	expect(type.error?.message).toMatch(/^Resource Type must be one of /);
	expect((await counters(sb)).requests).toBe(0);
});

test('regression: a FHIR group id of ".." is refused, so the Group export never becomes /fhir/r4/$export', async () => {
	for (const groupId of ['..', '.', '...', 'Group/..']) {
		const { error } = await runNodes(creds, [
			{ parameters: { resource: 'bulkExport', operation: 'start', groupId } },
		]);
		expect(error?.message).toMatch(/^Group ID must be a FHIR id/);
	}
	expect((await counters(sb)).requests).toBe(0);
	// a valid id still works
	const ok = await runNodes(creds, [
		{ parameters: { resource: 'bulkExport', operation: 'start', groupId: 'a-1.c-195900' } },
	]);
	expect(ok.error).toBeUndefined();
	await control(sb, 'DELETE', '/_control/faults');
	await runNodes(creds, [
		{
			parameters: {
				resource: 'bulkExport',
				operation: 'cancel',
				statusUrl: ok.output('athenahealth')[0].json.statusUrl,
			},
		},
	]);
	await expectOnlyAllowedRequests();
});

test("regression: the trigger's Other Feed option accepts only its listed feeds", async () => {
	await expect(
		poll(creds, { event: 'otherFeed', otherFeed: '../1128700/appointments' }),
	).rejects.toThrow(/^Feed must be one of /);
	await expect(poll(creds, { event: 'otherFeed', otherFeed: 'appointments' })).rejects.toThrow(
		/^Feed must be one of /,
	);
	expect((await counters(sb)).requests).toBe(0);
});

test('a next link that leaves the practice is refused (paging follows athena only below the practice)', async () => {
	await control(sb, 'POST', '/_control/faults', {
		path: '/v1/195900/departments$',
		phase: 'after',
		status: 200,
		body: {
			departments: [{ departmentid: '1' }],
			totalcount: 3,
			next: '/v1/195900/../1128700/departments?offset=1',
		},
	});
	const { error } = await runNodes(creds, [
		{ parameters: { resource: 'department', operation: 'getAll', returnAll: true } },
	]);
	expect(error?.message).toBe('Refused to send a request outside the allowed practice');
	await expectOnlyAllowedRequests();
});

test("list search (resource locators) lists the node's Practice ID, and refuses one the credential does not allow", async () => {
	const two = sandboxCredentials({ url: sb.url, allowedPracticeIds: '1128700' });
	const listed = await listSearch(two, 'searchDepartments', undefined, { practiceId: '1128700' });
	expect(listed.results.length).toBeGreaterThan(0);
	expect(await requestLog()).toContain('GET /v1/1128700/departments');
	expect(await requestLog()).not.toContain('GET /v1/195900/departments');
	await control(sb, 'POST', '/_control/reset-counters');
	await expect(
		listSearch(creds, 'searchDepartments', undefined, { practiceId: '1128700' }),
	).rejects.toThrow('Practice 1128700 is not allowed by this credential');
	await expect(
		listSearch(creds, 'searchProviders', undefined, { practiceId: '={{ "../1128700" }}' }),
	).rejects.toThrow(/Practice ID must be a numeric athena ID/);
	expect((await counters(sb)).requests).toBe(0);
});

test("a FHIR next link on athena's origin that climbs out of the FHIR base is refused by the transport", async () => {
	await control(sb, 'POST', '/_control/faults', {
		path: '/fhir/r4/Patient$',
		phase: 'after',
		status: 200,
		body: {
			resourceType: 'Bundle',
			type: 'searchset',
			entry: [{ resource: { resourceType: 'Patient', id: 'a-195900.E-1' } }],
			link: [{ relation: 'next', url: `${sb.url}/fhir/r4/%2e%2e/%2e%2e/v1/1128700/patients` }],
		},
	});
	const { error } = await runNodes(creds, [
		{
			parameters: {
				resource: 'fhir',
				operation: 'search',
				resourceType: 'Patient',
				ids: '1',
				returnAll: true,
			},
		},
	]);
	expect(error?.message).toBe('Refused to send a request outside the allowed practice');
	await expectOnlyAllowedRequests();
});
