// Example 10 in a real n8n, with both packages installed: the sandbox (standing for a reference lab's
// interface) sends ORU^R01 messages over MLLP to the active workflow (HL7 MLLP Trigger → File Lab
// Result, acknowledged after the workflow finishes). A result the lab re-sends is filed once; a new
// result is filed too.
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';

import { control, sandbox, type Sandbox } from '../harness/sandbox';
import { freePort, n8n, waitFor } from './helpers';

let sb: Sandbox;
let userFolder: string;
let server: { ready: Promise<void>; stop: () => Promise<void>; output: string[] } | undefined;

afterAll(async () => {
	await server?.stop();
	await sb?.close();
	if (userFolder) n8n.removeFolder(userFolder);
});

/** Whether something accepts a TCP connection on the port now. */
const listening = (port: number) =>
	new Promise<boolean>((resolve) => {
		const s = net.connect({ host: '127.0.0.1', port });
		s.once('connect', () => (s.destroy(), resolve(true)));
		s.once('error', () => (s.destroy(), resolve(false)));
	});

test(
	"example 10: a reference lab's ORU over MLLP is filed as one lab result, even when the lab re-sends it",
	async () => {
		sb = await sandbox({ qps: 20 });
		const bin = n8n.ensureN8n() as string;
		userFolder = fs.mkdtempSync(path.join(os.tmpdir(), 'n8n-athena-e2e-'));
		n8n.installPackage(userFolder);
		n8n.installPackage(userFolder, path.join(n8n.ROOT, 'mllp'));
		const mllpPort = await freePort();
		const workflow = JSON.parse(
			fs.readFileSync(path.join(n8n.ROOT, 'examples', '10-oru-to-lab-result.json'), 'utf8'),
		);
		const trigger = workflow.nodes.find((n: any) => n.type.endsWith('.hl7MllpTrigger'));
		trigger.parameters.port = mllpPort;
		n8n.importWorkflows(bin, userFolder, sb.url, [{ ...workflow, active: true }]);
		server = n8n.startN8n(bin, userFolder, await freePort());
		await server!.ready;
		await waitFor(
			"example 10's MLLP listener",
			async () => ((await listening(mllpPort)) ? true : undefined),
			300000,
		);

		const patientId = [...sb.state.patients.keys()][3] as string;
		// the sandbox's chart of that patient (in this process)
		const labResults = () => (sb as any).patientRecord(patientId).labresults as unknown[];
		const before = labResults().length;
		await control(sb, 'POST', '/_control/settings', { hl7Url: `mllp://127.0.0.1:${mllpPort}` });
		// the same result three times (a lab that did not see its ACK), then a new one
		await control(sb, 'POST', '/_control/hl7/oru', { patientId, count: 3, resendSame: true });
		await control(sb, 'POST', '/_control/hl7/oru', { patientId, count: 1 });
		const deliveries = (await control(sb, 'GET', '/_control/hl7/deliveries')).filter(
			(d: any) => d.type === 'ORU^R01',
		);
		process.stdout.write(
			`[example 10] ${deliveries.length} ORU deliveries: ${deliveries.map((d: any) => d.ackCode).join(' ')}; lab results ${before} → ${labResults().length}\n`,
		);
		expect(deliveries.map((d: any) => d.ackCode)).toEqual(['AA', 'AA', 'AA', 'AA']);
		expect(labResults().length).toBe(before + 2);
	},
	20 * 60 * 1000,
);
