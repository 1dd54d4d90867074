// The node as a tool in a real n8n: example 8 (Chat Trigger → AI Agent with an OpenAI chat model and
// athenahealth tools) against a scripted OpenAI-compatible stub, and example 7 (MCP Server Trigger)
// through the official MCP client. Both against the sandbox; no network, no real model.
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';

import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';

import { counters, sandbox, type Sandbox } from '../harness/sandbox';
import { freePort, n8n, prepareN8n, waitFor } from './helpers';

type Msg = {
	role: string;
	content?: string | null;
	tool_calls?: Array<{ id: string; function: { name: string; arguments: string } }>;
};
type Call = { name: string; args: Record<string, unknown> };
interface ChatRequest {
	messages: Msg[];
	tools?: Array<{
		type: string;
		function: {
			name: string;
			description: string;
			parameters: { properties: Record<string, { description?: string }>; required?: string[] };
		};
	}>;
	stream?: boolean;
}

/**
 * An OpenAI-compatible chat-completions server whose answers a test scripts: `reply` gets the
 * conversation so far and returns the next tool call or the final text. Every request is kept.
 */
async function modelStub(reply: (messages: Msg[]) => Call | string) {
	const requests: ChatRequest[] = [];
	const server = http.createServer((req, res) => {
		let raw = '';
		req.on('data', (d) => (raw += d));
		req.on('end', () => {
			if (req.method !== 'POST' || !req.url?.endsWith('/chat/completions')) {
				res.writeHead(404).end();
				return;
			}
			const body = JSON.parse(raw) as ChatRequest;
			requests.push(body);
			const next = reply(body.messages);
			const message =
				typeof next === 'string'
					? { role: 'assistant', content: next }
					: {
							role: 'assistant',
							content: null,
							tool_calls: [
								{
									id: `call_${requests.length}`,
									type: 'function',
									function: { name: next.name, arguments: JSON.stringify(next.args) },
								},
							],
						};
			const finish = typeof next === 'string' ? 'stop' : 'tool_calls';
			const base = { id: `chatcmpl-${requests.length}`, created: 1, model: 'stub' };
			if (!body.stream) {
				res.writeHead(200, { 'content-type': 'application/json' });
				res.end(
					JSON.stringify({
						...base,
						object: 'chat.completion',
						choices: [{ index: 0, message, finish_reason: finish }],
						usage: { prompt_tokens: 1, completion_tokens: 1, total_tokens: 2 },
					}),
				);
				return;
			}
			const delta = message.tool_calls
				? { ...message, tool_calls: message.tool_calls.map((c, index) => ({ index, ...c })) }
				: message;
			const chunk = (choice: object) =>
				`data: ${JSON.stringify({ ...base, object: 'chat.completion.chunk', choices: [{ index: 0, ...choice }] })}\n\n`;
			res.writeHead(200, { 'content-type': 'text/event-stream' });
			res.end(
				chunk({ delta, finish_reason: null }) +
					chunk({ delta: {}, finish_reason: finish }) +
					'data: [DONE]\n\n',
			);
		});
	});
	const port = await freePort();
	await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
	return {
		url: `http://127.0.0.1:${port}/v1`,
		requests,
		close: () => new Promise<void>((resolve) => server.close(() => resolve())),
	};
}

const ymd = (daysAhead: number) =>
	new Date(Date.now() + daysAhead * 86400_000).toISOString().slice(0, 10);
/** athena's MM/DD/YYYY as YYYY-MM-DD. */
const iso = (athena: string) => athena.replace(/^(\d{2})\/(\d{2})\/(\d{4})$/, '$3-$1-$2');
const toolMessages = (messages: Msg[]) =>
	messages.filter((m) => m.role === 'tool').map((m) => String(m.content));

let sb: Sandbox;
let stub: Awaited<ReturnType<typeof modelStub>>;
let server: { ready: Promise<void>; stop: () => Promise<void>; output: string[] } | undefined;
let port: number;
let userFolder: string;
let patientId: string;
const MCP_TOKEN = 'e2e-mcp-client-token';

// The scripted model, over two chat messages. First message: open slots in department 1, then a
// proposal that asks the user to confirm. Second message ("yes"): it knows the proposal only from
// the chat memory (example 8's Simple Memory); it books with a malformed slot id (as a model might
// send), books again as the error told it, then answers.
const PROPOSAL = /slot (\d+) \(appointment type (\d+)\).*Shall I book it\?/;
function script(messages: Msg[]): Call | string {
	const lastUser = messages.map((m) => m.role).lastIndexOf('user');
	const results = toolMessages(messages.slice(lastUser + 1));
	if (!/^yes/i.test(String(messages[lastUser]?.content ?? ''))) {
		if (results.length === 0)
			return {
				name: 'Find_Open_Slots',
				args: { departmentId: '1', startDate: ymd(2), endDate: ymd(16) },
			};
		const slot = (JSON.parse(results[0]) as Array<Record<string, string>>)[0];
		return `I can book slot ${slot.appointmentid} (appointment type ${slot.appointmenttypeid}) on ${slot.date} at ${slot.starttime} for patient ${patientId}. Shall I book it?`;
	}
	const proposal = messages
		.slice(0, lastUser)
		.map((m) => PROPOSAL.exec(String(m.role === 'assistant' ? m.content : '')))
		.filter(Boolean)
		.at(-1);
	if (!proposal) return 'Which appointment should I book?';
	const book = { appointmentId: proposal[1], patientId, appointmentTypeId: proposal[2] };
	if (results.length === 0)
		return { name: 'Book_Appointment', args: { ...book, appointmentId: `slot ${proposal[1]}` } };
	if (results.length === 1) return { name: 'Book_Appointment', args: book };
	const booked = JSON.parse(results[1]) as Array<Record<string, string>>;
	return `Booked appointment ${booked[0].appointmentid} on ${booked[0].date} at ${booked[0].starttime} for patient ${patientId}.`;
}

beforeAll(
	async () => {
		sb = await sandbox({ qps: 20 });
		patientId = [...sb.state.patients.keys()][0];
		stub = await modelStub(script);
		let bin: string;
		({ bin, userFolder } = prepareN8n(sb.url, false));
		const work = fs.mkdtempSync(path.join(os.tmpdir(), 'n8n-athena-ai-'));
		// the credentials examples 7 and 8 name: the model stub, and the token MCP clients present
		const credentials = [
			{
				id: 'athenaExampleOpenAi',
				name: 'OpenAI',
				type: 'openAiApi',
				data: { apiKey: 'stub-key', url: stub.url },
			},
			{
				id: 'athenaExampleMcpBearer',
				name: 'athena MCP clients',
				type: 'httpBearerAuth',
				data: { token: MCP_TOKEN },
			},
		];
		fs.writeFileSync(path.join(work, 'credentials.json'), JSON.stringify(credentials));
		n8n.cli(bin, userFolder, [
			'import:credentials',
			`--input=${path.join(work, 'credentials.json')}`,
		]);
		fs.rmSync(work, { recursive: true, force: true });
		// both published; example 8 chats in the editor only, here its chat is a webhook the test posts to
		const example = (file: string) => ({
			...JSON.parse(fs.readFileSync(path.join(n8n.ROOT, 'examples', file), 'utf8')),
			active: true,
		});
		const agent = example('8-ai-agent-booking.json');
		agent.nodes.find((node: any) => node.name === 'Chat').parameters = {
			public: true,
			mode: 'webhook',
			options: { responseMode: 'lastNode' },
		};
		n8n.importWorkflows(bin, userFolder, sb.url, [agent, example('7-mcp-server.json')]);
		port = await freePort();
		server = n8n.startN8n(bin, userFolder, port);
		await server!.ready;
	},
	20 * 60 * 1000,
);

afterAll(async () => {
	await server?.stop();
	await stub?.close();
	await sb?.close();
	n8n.removeFolder(userFolder);
});

test(
	'example 8: the AI Agent finds open slots, asks to confirm, books exactly one slot on the "yes" in a second message, after being told how to fix a malformed id',
	async () => {
		const url = `http://localhost:${port}/webhook/athena-agent-example-8/chat`;
		const post = async (body: object) =>
			await fetch(url, {
				method: 'POST',
				headers: { 'content-type': 'application/json' },
				body: JSON.stringify(body),
			});
		// n8n registers the published workflows' webhooks just after it reports ready (this action runs nothing)
		await waitFor(
			'the chat webhook',
			async () =>
				(await post({ action: 'loadPreviousSession', sessionId: 'probe' })).status === 200
					? true
					: undefined,
			300000,
		);
		const bookedBefore = [...sb.state.appointments.values()].filter(
			(a: any) => a.appointmentstatus !== 'o',
		).length;
		const say = async (chatInput: string) => {
			const res = await post({ action: 'sendMessage', sessionId: 'e2e-agent', chatInput });
			expect(res.status).toBe(200);
			return ((await res.json()) as { output: string }).output;
		};
		const proposal = await say(
			`Book patient ${patientId} into the first open slot in department 1 in the next two weeks.`,
		);
		expect(proposal).toMatch(PROPOSAL);
		// nothing is booked before the user says yes
		expect((await counters(sb)).byPath['PUT /v1/{id}/appointments/{id}']).toBeUndefined();
		const firstTurn = stub.requests.length;

		// what the model was told about the tools: names, required inputs, descriptions
		const tools = stub.requests[0].tools!.map((t) => t.function);
		expect(tools.map((t) => t.name).sort()).toEqual([
			'Book_Appointment',
			'Find_Open_Slots',
			'Search_Patients',
		]);
		const byName = Object.fromEntries(tools.map((t) => [t.name, t]));
		expect(byName.Find_Open_Slots.parameters.required?.sort()).toEqual([
			'departmentId',
			'endDate',
			'startDate',
		]);
		expect(byName.Book_Appointment.parameters.required?.sort()).toEqual([
			'appointmentId',
			'appointmentTypeId',
			'patientId',
		]);
		expect(byName.Search_Patients.parameters.required?.sort()).toEqual(['dateOfBirth', 'lastName']);
		for (const t of tools) {
			expect(t.description).toMatch(/athenahealth.*Returns/s);
			for (const p of Object.values(t.parameters.properties))
				expect(p.description?.trim()).toBeTruthy();
		}
		expect(byName.Book_Appointment.description).toMatch(/WRITE: .*confirm with the user/);
		expect(byName.Find_Open_Slots.description).not.toMatch(/WRITE|reason ID|Needs/);

		// the slots the model read: the tool's Limit (10 in tool use), then an item saying the list
		// was cut (department 1 has dozens of open slots in those two weeks)
		const slots = JSON.parse(toolMessages(stub.requests[firstTurn - 1].messages).at(-1)!);
		expect(slots).toHaveLength(11);
		expect(slots[10]).toMatchObject({ moreResults: true, returned: 10 });
		expect(slots[10].total).toBeGreaterThan(10);
		for (const s of slots.slice(0, 10))
			expect([
				s.appointmentstatus,
				sb.state.appointments.get(s.appointmentid).departmentid,
			]).toEqual(['o', '1']);
		// Simplify is on in tool use: athena's bookkeeping fields stay out of the model's context
		expect(slots[0]).not.toHaveProperty('lastmodifiedby');

		const answer = await say('Yes, book it.');
		// the second message's model requests carry the proposal from the chat memory
		expect(JSON.stringify(stub.requests[firstTurn].messages)).toContain(proposal);
		// (what the memory keeps of the first message differs between n8n releases; this message's
		// tool results come after its own user message)
		const last = stub.requests.at(-1)!.messages;
		const results = toolMessages(last.slice(last.map((m) => m.role).lastIndexOf('user') + 1));
		expect(results).toHaveLength(2);
		// the error names the model's own argument, and the field for people
		expect(results[0]).toMatch(
			/appointmentId \(Open Slot ID\) must be a numeric athena ID \(digits only\), got \\?"slot \d+\\?"/,
		);
		const everything = JSON.stringify(stub.requests);
		expect(everything).not.toContain('sandbox-secret');
		for (const token of sb.tokens.keys()) expect(everything).not.toContain(token);

		// athena: exactly one booking, of the proposed slot for that patient, and one booking request
		const slot = slots[0];
		expect(
			[...sb.state.appointments.values()].filter((a: any) => a.appointmentstatus !== 'o').length,
		).toBe(bookedBefore + 1);
		expect(sb.state.appointments.get(slot.appointmentid)).toMatchObject({
			patientid: patientId,
			appointmentstatus: 'f',
		});
		expect((await counters(sb)).byPath['PUT /v1/{id}/appointments/{id}']).toBe(1);
		expect(answer).toBe(
			`Booked appointment ${slot.appointmentid} on ${slot.date} at ${slot.starttime} for patient ${patientId}.`,
		);
	},
	10 * 60 * 1000,
);

describe('example 7: the MCP Server Trigger', () => {
	let client: Client;
	const text = (result: any) => String(result.content?.[0]?.text ?? '');

	beforeAll(
		async () => {
			const url = new URL(`http://localhost:${port}/mcp/athena`);
			const connect = async (token?: string) => {
				const c = new Client({ name: 'athena-e2e', version: '1.0.0' });
				await c.connect(
					new StreamableHTTPClientTransport(
						url,
						token ? { requestInit: { headers: { authorization: `Bearer ${token}` } } } : undefined,
					),
				);
				return c;
			};
			client = await waitFor(
				'the MCP endpoint',
				async () => await connect(MCP_TOKEN).catch(() => undefined),
				300000,
			);
			// the example's endpoint wants the bearer token: a client without it is refused
			await expect(connect()).rejects.toThrow(/Authorization data is wrong/);
		},
		10 * 60 * 1000,
	);

	afterAll(async () => {
		await client?.close();
	});

	test('lists the curated athenahealth tools with their inputs and descriptions', async () => {
		const { tools } = await client.listTools();
		expect(tools.map((t) => t.name).sort()).toEqual([
			'Book_Appointment',
			'Cancel_Appointment',
			'Find_Open_Slots',
			'List_Booked_Appointments',
			'Search_Patients',
		]);
		const required = Object.fromEntries(
			tools.map((t) => [t.name, [...((t.inputSchema.required as string[]) ?? [])].sort()]),
		);
		expect(required).toEqual({
			Book_Appointment: ['appointmentId', 'appointmentTypeId', 'patientId'],
			Cancel_Appointment: ['appointmentId', 'patientId', 'reason'],
			Find_Open_Slots: ['departmentId', 'endDate', 'startDate'],
			List_Booked_Appointments: ['departmentId', 'endDate', 'startDate'],
			Search_Patients: ['dateOfBirth', 'lastName'],
		});
		for (const t of tools) {
			expect(t.description).toMatch(/athenahealth.*Returns/s);
			for (const p of Object.values(t.inputSchema.properties ?? {}))
				expect(String((p as { description?: string }).description ?? '').trim()).toBeTruthy();
		}
		for (const name of ['Book_Appointment', 'Cancel_Appointment'])
			expect(tools.find((t) => t.name === name)!.description).toMatch(/WRITE/);
	});

	test('patient search and the booked list answer what the sandbox holds, compact', async () => {
		const patient = sb.state.patients.get(patientId);
		const found = JSON.parse(
			text(
				await client.callTool({
					name: 'Search_Patients',
					arguments: { lastName: patient.lastname, dateOfBirth: iso(patient.dob) },
				}),
			),
		);
		expect(found.map((p: any) => p.patientid)).toContain(patientId);
		// Simplify is on in tool use: the fields a model needs, not athena's whole record
		const simple = [
			'patientid',
			'firstname',
			'lastname',
			'dob',
			'sex',
			'email',
			'homephone',
			'mobilephone',
			'departmentid',
			'status',
			'zip',
			'lastmodified',
		];
		// (each athena date also comes as ISO, e.g. dobIso)
		for (const p of found)
			expect(Object.keys(p).filter((k) => !simple.includes(k.replace(/Iso$/, '')))).toEqual([]);

		const [from, to] = [ymd(0), ymd(7)];
		const booked = JSON.parse(
			text(
				await client.callTool({
					name: 'List_Booked_Appointments',
					arguments: { departmentId: '1', startDate: from, endDate: to },
				}),
			),
		);
		const expected = [...sb.state.appointments.values()].filter(
			(a: any) =>
				a.departmentid === '1' &&
				a.appointmentstatus === 'f' &&
				iso(a.date) >= from &&
				iso(a.date) <= to,
		);
		// at most the tool's Limit (10), then, when there are more, one item that says so
		const records = booked.filter((a: any) => !a.moreResults);
		expect(records.length).toBe(Math.min(10, expected.length));
		expect(booked.slice(10)).toEqual(
			expected.length > 10
				? [expect.objectContaining({ moreResults: true, returned: 10, total: expected.length })]
				: [],
		);
		const ids = new Set(expected.map((a: any) => a.appointmentid));
		for (const a of records) {
			expect(ids.has(a.appointmentid)).toBe(true);
			expect(a).not.toHaveProperty('scheduledby');
		}
	});

	test('a malformed id, an impossible date or a missing value gets an error that says what to fix, and nothing reaches athena', async () => {
		const before = (await counters(sb)).requests;
		const call = async (name: string, args: Record<string, unknown>) => {
			const result: any = await client.callTool({ name, arguments: args });
			expect(result.isError).toBe(true);
			return text(result);
		};
		expect(
			await call('Book_Appointment', { appointmentId: '12ab', patientId, appointmentTypeId: '2' }),
		).toMatch(/must be a numeric athena ID \(digits only\), got "12ab"/);
		expect(
			await call('Find_Open_Slots', {
				departmentId: '1',
				startDate: '2027-02-30',
				endDate: '2027-03-05',
			}),
		).toMatch(
			/startDate \(Start Date\) is not a date athena can use[\s\S]*Got "2027-02-30"\. Use YYYY-MM-DD/,
		);
		expect(
			await call('Cancel_Appointment', { appointmentId: '', patientId, reason: 'test' }),
		).toMatch(
			/appointmentId \(Appointment ID\) must be a numeric athena ID \(digits only\), got nothing/,
		);
		expect(
			await call('Find_Open_Slots', { departmentId: '1', startDate: ymd(30), endDate: ymd(20) }),
		).toMatch(/endDate \(End Date\) is before startDate \(Start Date\)/);
		// an argument left out altogether: n8n checks the call against the tool's schema first
		expect(await call('Book_Appointment', { patientId, appointmentTypeId: '2' })).toMatch(
			/appointmentId/,
		);
		expect((await counters(sb)).requests).toBe(before);
	});
});
