// HL7 Message operations through n8n's engine: no credential, input as a Webhook would hand it over.
import { readFileSync } from 'node:fs';
import path from 'node:path';

import { MemoryCredentials, runNodes } from '../harness/n8n';

const none = new MemoryCredentials({});
const siu = readFileSync(path.resolve(__dirname, '../fixtures/hl7/athena-siu-s12-411.hl7'), 'utf8');
const hl7 = (operation: string, p: object = {}) => ({
	name: operation,
	credentials: false,
	parameters: { resource: 'hl7', operation, ...p },
});

test('a received athena SIU (as a Webhook hands it over): Parse, Create ACK, To athenaNet JSON', async () => {
	const { output, error } = await runNodes(none, [hl7('parse')], [{ body: siu }]);
	expect(error).toBeUndefined();
	const parsed = output('parse')[0].json as any;
	expect(parsed).toMatchObject({
		messageType: 'SIU^S12',
		controlId: '411',
		sendingApplication: 'ATHENANET',
		athena: { event: 'Appointment Scheduled', fromAthena: true },
	});
	expect(parsed.paths['SCH.1']).toBe(parsed.athena.appointment.appointmentid);

	const ack = await runNodes(none, [hl7('createAck', { code: 'AA' })], [{ body: siu }]);
	const a = ack.output('createAck')[0].json as any;
	expect(a).toMatchObject({ code: 'AA', acknowledges: '411', required: true });
	expect(a.ack).toMatch(
		/^MSH\|\^~\\&\|ATHENA\|\|ATHENANET\|235\^TESTPRACTIVE\|\d{14}\+0000\|\|ACK\^S12\^ACK\|[^|]+\|T\|2\.2\rMSA\|AA\|411\r$/,
	);

	const rest = await runNodes(none, [hl7('toAthena')], [{ body: siu }]);
	expect(rest.output('toAthena')[0].json).toMatchObject({
		appointment: { appointmentstatus: 'f', dateIso: expect.stringMatching(/^\d{4}-\d{2}-\d{2}$/) },
		patient: { patientid: expect.any(String) },
	});
});

test('Build, Set Fields, Get Fields: delimiters in values are escaped, and read back as given', async () => {
	const built = await runNodes(none, [
		hl7('build', {
			messageType: 'ADT^A04',
			values: {
				value: [
					{ path: 'PID.5.1', value: 'Müller|Lüdenscheid' },
					{ path: 'PID.3[2].1', value: '42000' },
					{ path: 'EVN.1', value: 'A04' },
				],
			},
			options: { controlId: 'C1', timestamp: '20261123120000' },
		}),
	]);
	const message = built.output('build')[0].json.message as string;
	expect(message).toBe(
		'MSH|^~\\&|N8N||||20261123120000||ADT^A04|C1|P|2.5.1\rPID|||~42000||Müller\\F\\Lüdenscheid\rEVN|A04\r',
	);
	const set = await runNodes(none, [
		hl7('setFields', { message, values: { value: [{ path: 'PID.8', value: 'F' }] } }),
	]);
	const got = await runNodes(none, [
		hl7('getFields', {
			message: set.output('setFields')[0].json.message,
			paths: 'PID.5.1, PID.3[2].1, PID.8, PID.9',
		}),
	]);
	expect(got.output('getFields')[0].json).toEqual({
		'PID.5.1': 'Müller|Lüdenscheid',
		'PID.3[2].1': '42000',
		'PID.8': 'F',
		'PID.9': null,
	});
});

test('Validate returns a report; Split Batch gives one item per message; bad input is a clear error', async () => {
	const report = await runNodes(none, [
		hl7('validate', { message: 'MSH|^~\\&|A|B|C|D|||SIU^S12||P|2.5\rSCH|1' }),
	]);
	expect(report.output('validate')[0].json).toMatchObject({
		valid: false,
		messageType: 'SIU^S12',
		errors: [{ path: 'MSH.7' }, { path: 'MSH.10' }, { path: 'PID' }],
	});
	const batch = await runNodes(none, [
		hl7('splitBatch', {
			message:
				'FHS|^~\\&\rBHS|^~\\&\rMSH|^~\\&|A||||||ADT^A01|1|P|2.5\rMSH|^~\\&|A||||||ADT^A01|2|P|2.5\rBTS|2\rFTS|1',
		}),
	]);
	expect(batch.output('splitBatch').map((i) => i.json.index)).toEqual([0, 1]);
	const bad = await runNodes(none, [
		{ ...hl7('parse', { message: 'PID|1|2' }), onError: 'continueRegularOutput' },
	]);
	expect(bad.output('parse')[0].json.error).toBe(
		'The HL7 message cannot be read: The message does not start with an MSH (or FHS/BHS) segment (segment PID, line 1)',
	);
	const badJson = await runNodes(none, [
		hl7('validate', { message: siu, requiredSegments: '{"SIU^S12": ["sch"]}' }),
	]);
	expect(badJson.error?.message).toBe('Required Segments has the wrong shape');
});
