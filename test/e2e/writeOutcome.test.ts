// In a real n8n (whose error classes rewrite messages that carry network codes): a booking whose
// answer was lost says the slot may be booked and how to check, on the error output with
// "Continue (using error output)" and as the workflow's error otherwise.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

import { fault, sandbox, type Sandbox } from '../harness/sandbox';
import { n8n } from './helpers';

let sb: Sandbox;
let bin: string;
let userFolder: string;

beforeAll(
	async () => {
		sb = await sandbox({ qps: 20, booked: 20, openSlots: 40, days: 5 });
		bin = n8n.ensureN8n();
		userFolder = fs.mkdtempSync(path.join(os.tmpdir(), 'n8n-athena-e2e-write-'));
		n8n.installPackage(userFolder);
	},
	20 * 60 * 1000,
);
afterAll(async () => {
	await sb?.close();
});

const credentials = { athenahealthOAuth2Api: { id: 'athenaSandboxCred1', name: 'athena sandbox' } };
const book = (name: string, slot: any, position: number, onError?: string) => ({
	id: name.replace(/\W/g, ''),
	name,
	type: 'n8n-nodes-athenahealth.athenahealth',
	typeVersion: 1,
	position: [position, 0],
	credentials,
	...(onError ? { onError } : {}),
	parameters: {
		resource: 'appointment',
		operation: 'book',
		appointmentId: slot.appointmentid,
		patientId: { __rl: true, mode: 'id', value: '7' },
		appointmentTypeId: { __rl: true, mode: 'id', value: slot.appointmenttypeid },
		options: { timeout: 1000 },
	},
});

test(
	"a late booking: the error output and the workflow error both say the slot may be booked, never n8n's retry advice",
	async () => {
		const [a, b] = [...sb.state.appointments.values()].filter(
			(x: any) => x.appointmentstatus === 'o',
		);
		// athena holds each PUT for 2.5 s, then books: the node gives up after 1 s and its check finds the slot open
		for (const slot of [a, b])
			await fault(sb, {
				method: 'PUT',
				path: `/appointments/${slot.appointmentid}$`,
				phase: 'before',
				delayMs: 2500,
			});
		const workflow = {
			id: 'athenaWriteOutcome',
			name: 'write outcome',
			active: false,
			settings: { executionOrder: 'v1' },
			nodes: [
				{
					id: 'start',
					name: 'Start',
					type: 'n8n-nodes-base.manualTrigger',
					typeVersion: 1,
					position: [0, 0],
					parameters: {},
				},
				book('Book With Error Output', a, 200, 'continueErrorOutput'),
				{
					id: 'errors',
					name: 'Errors',
					type: 'n8n-nodes-base.noOp',
					typeVersion: 1,
					position: [400, 100],
					parameters: {},
				},
				book('Book', b, 600),
			],
			connections: {
				Start: { main: [[{ node: 'Book With Error Output', type: 'main', index: 0 }]] },
				'Book With Error Output': { main: [[], [{ node: 'Errors', type: 'main', index: 0 }]] },
				Errors: { main: [[{ node: 'Book', type: 'main', index: 0 }]] },
			},
		};
		const work = fs.mkdtempSync(path.join(os.tmpdir(), 'n8n-athena-e2e-write-import-'));
		fs.writeFileSync(
			path.join(work, 'credentials.json'),
			JSON.stringify([n8n.sandboxCredential(sb.url)]),
		);
		fs.writeFileSync(path.join(work, 'workflow.json'), JSON.stringify(workflow));
		n8n.cli(bin, userFolder, [
			'import:credentials',
			`--input=${path.join(work, 'credentials.json')}`,
		]);
		n8n.cli(bin, userFolder, ['import:workflow', `--input=${path.join(work, 'workflow.json')}`]);

		const { run } = await n8n.execute(bin, userFolder, 'athenaWriteOutcome');
		const runData = run.data.resultData.runData;
		const [success, errors] = runData['Book With Error Output'][0].data.main;
		expect(success ?? []).toHaveLength(0);
		expect(errors).toHaveLength(1);
		expect(errors[0].pairedItem).toEqual({ item: 0 });
		expect(errors[0].json.error).toMatch(
			new RegExp(
				`^athena did not confirm the booking of slot ${a.appointmentid} for patient 7: it may have taken effect$`,
			),
		);
		const failed = run.data.resultData.error;
		expect(failed.message).toMatch(
			new RegExp(
				`^athena did not confirm the booking of slot ${b.appointmentid} for patient 7: it may have taken effect$`,
			),
		);
		expect(failed.description).toMatch(
			new RegExp(`Appointment Get on appointment ${b.appointmentid}`),
		);
		expect(JSON.stringify([errors, failed.message, failed.description])).not.toMatch(
			/Retry on Fail|retry the request|closed unexpectedly/i,
		);
	},
	10 * 60 * 1000,
);
