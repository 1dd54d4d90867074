// Documents through n8n's engine against the sandbox: list, get, and upload from a binary property
// that an upstream node put in n8n's binary store (as a Read File or HTTP Request node would).
import crypto from 'node:crypto';

import type { IExecuteFunctions, INodeType } from 'n8n-workflow';

import {
	extraNodeTypes,
	runNodes,
	sandboxCredentials,
	type MemoryCredentials,
} from '../harness/n8n';
import { control, counters, fault, sandbox, settings, type Sandbox } from '../harness/sandbox';

// A minimal upstream node: turns its `size`, `fileName` and `mimeType` parameters into a file.
const makeFile: INodeType = {
	description: {
		displayName: 'Make File',
		name: 'makeFile',
		group: ['input'],
		version: 1,
		description: '',
		defaults: { name: 'Make File' },
		inputs: ['main'],
		outputs: ['main'],
		properties: [
			{ displayName: 'Size', name: 'size', type: 'number', default: 0 },
			{ displayName: 'File Name', name: 'fileName', type: 'string', default: '' },
			{ displayName: 'MIME Type', name: 'mimeType', type: 'string', default: '' },
		],
	} as never,
	async execute(this: IExecuteFunctions) {
		const size = this.getNodeParameter('size', 0) as number;
		const bytes = Buffer.alloc(size, 0);
		Buffer.from('%PDF-1.4 sandbox test file').copy(bytes);
		const data = await this.helpers.prepareBinaryData(
			bytes,
			this.getNodeParameter('fileName', 0) as string,
			this.getNodeParameter('mimeType', 0) as string,
		);
		return [
			[
				{
					json: { sha256: crypto.createHash('sha256').update(bytes).digest('hex') },
					binary: { data },
				},
			],
		];
	},
};
extraNodeTypes['test.makeFile'] = makeFile;

let sb: Sandbox;
let creds: MemoryCredentials;
beforeAll(async () => {
	sb = await sandbox({ patients: 30 });
	creds = sandboxCredentials({ url: sb.url });
});
afterAll(() => sb.close());
beforeEach(() => control(sb, 'POST', '/_control/reset-counters'));

const byId = (value: string) => ({ __rl: true, mode: 'id', value });
const doc = (operation: string, p: object = {}) => ({
	resource: 'document',
	operation,
	patientId: byId('1'),
	...p,
});
const file = (fileName = 'consent.pdf', size = 2048, mimeType = 'application/pdf') => ({
	name: 'Make File',
	type: 'test.makeFile',
	credentials: false,
	parameters: { size, fileName, mimeType },
});
const upload = (p: object = {}) =>
	doc('upload', {
		departmentId: byId('1'),
		binaryPropertyName: 'data',
		documentSubclass: 'ADMIN_CONSENT',
		...p,
	});

describe.each([
	[
		'adminid answers, ids as strings',
		{ adminUploadResponse: 'adminid', successAsString: false, idsAsNumbers: false },
	],
	[
		'documentid answers, ids as numbers, success as "true"',
		{ adminUploadResponse: 'documentid', successAsString: true, idsAsNumbers: true },
	],
])('under %s', (_name, reading) => {
	beforeAll(() => settings(sb, reading));

	test('Get Many lists documents with a class id for Get, including classes without a documentid', async () => {
		const { output, error } = await runNodes(creds, [
			{ parameters: doc('getAll', { departmentId: byId('1'), returnAll: true }) },
		]);
		expect(error).toBeUndefined();
		const items = output('athenahealth').map((i) => i.json);
		const imaging = items.find((d) => d.documentclass === 'IMAGINGRESULT')!;
		expect(imaging.documentid).toBeUndefined();
		expect(imaging.classdocumentid).toBe('17410');
		expect(items[0]).toMatchObject({
			documentclass: 'CLINICALDOCUMENT',
			classdocumentid: '17403',
			createddateIso: '2026-05-19',
		});
		const got = await runNodes(creds, [
			{ parameters: doc('get', { documentClass: 'imagingresult', documentId: '17410' }) },
		]);
		expect(got.output('athenahealth')[0].json).toMatchObject({
			imagingresultid: '17410',
			documentdescription: 'Chest X-ray',
		});
		const lab = await runNodes(creds, [
			{ parameters: doc('get', { documentClass: 'labresult', documentId: '1083579' }) },
		]);
		expect(lab.output('athenahealth')[0].json).toMatchObject({
			labresultid: '1083579',
			documentclass: 'LABRESULT',
		});
	});

	test('Upload files the binary as a base64 admin document; it is then listed', async () => {
		const pid = reading.idsAsNumbers ? '2' : '7';
		const { output, error } = await runNodes(creds, [
			file(),
			{
				name: 'athenahealth',
				parameters: upload({
					patientId: byId(pid),
					options: { internalnote: 'scanned at desk', documentdate: '2026-12-01' },
				}),
			},
		]);
		expect(error).toBeUndefined();
		const result = output('athenahealth')[0].json;
		expect(result).toMatchObject({
			patientid: pid,
			uploaded: true,
			documentsubclass: 'ADMIN_CONSENT',
			attachmenttype: 'PDF',
			fileSize: 2048,
			fileName: 'consent.pdf',
		});
		expect(result.adminid).toMatch(/^\d+$/);
		const stored = sb.state.uploads.find((u: any) => u.adminid === result.adminid);
		expect(stored).toMatchObject({
			patientid: pid,
			attachmenttype: 'PDF',
			originalfilename: 'consent',
			size: 2048,
			sha256: output('Make File')[0].json.sha256,
		});
		const listed = await runNodes(creds, [
			{
				parameters: doc('getAll', {
					patientId: byId(pid),
					departmentId: byId('1'),
					returnAll: true,
					filters: { documentclass: ['ADMIN'] },
				}),
			},
		]);
		expect(listed.output('athenahealth').map((i) => i.json.classdocumentid)).toEqual([
			result.adminid,
		]);
	});
});

test('Upload refuses what athena would not take, before any request', async () => {
	await settings(sb, { idsAsNumbers: false, adminUploadResponse: 'adminid' });
	const word = await runNodes(creds, [
		file(
			'notes.docx',
			100,
			'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
		),
		{ name: 'athenahealth', parameters: upload() },
	]);
	expect(word.error?.message).toBe('The file in "data" is not a type athena accepts');
	expect(word.error?.description).toContain('PDF (recommended), JPG, PNG, TIF or GIF');
	expect(word.error?.description).not.toContain('notes');
	const big = await runNodes(creds, [
		file('scan.pdf', 300 * 1024),
		{ name: 'athenahealth', parameters: upload({ options: { maxFileSizeMb: 0.2 } }) },
	]);
	expect(big.error?.message).toBe('The file is 0.3 MB; this upload allows at most 0.2 MB');
	const defaultLimit = await runNodes(creds, [
		file('scan.pdf', 3 * 1024 * 1024 + 1),
		{ name: 'athenahealth', parameters: upload() },
	]);
	expect(defaultLimit.error?.message).toBe('The file is 3.0 MB; this upload allows at most 3 MB');
	const noFile = await runNodes(creds, [
		{ name: 'athenahealth', parameters: upload({ binaryPropertyName: 'scan' }) },
	]);
	expect(noFile.error?.message).toMatch(/scan/);
	const badClass = await runNodes(creds, [
		{ parameters: doc('get', { documentClass: '../admin', documentId: '1' }) },
	]);
	expect(badClass.error?.message).toBe('Document Class "../admin" is not one athena serves here');
	expect((await counters(sb)).requests).toBe(0);
});

test("athena's errors become clear node errors: a missing department, an unconfirmed upload", async () => {
	await settings(sb, { idsAsNumbers: false, adminUploadResponse: 'adminid' });
	const unknownDept = await runNodes(creds, [
		file(),
		{ name: 'athenahealth', parameters: upload({ departmentId: byId('999') }) },
	]);
	expect(unknownDept.error?.message).toBe('The Patient ID or Department ID is invalid.');
	await fault(sb, { method: 'POST', path: '/documents/admin$', phase: 'after', status: 504 });
	const before = sb.state.uploads.length;
	const lost = await runNodes(creds, [
		file(),
		{ name: 'athenahealth', parameters: upload({ patientId: byId('7923') }) },
	]);
	expect(lost.error?.message).toBe(
		'athena did not confirm the upload of an admin document for patient 7923: it may have taken effect',
	);
	expect(lost.error?.description).toContain('Get Many');
	expect(lost.error?.description).not.toContain('consent');
	expect(sb.state.uploads.length).toBe(before + 1);
	expect((await counters(sb)).byPath['POST /v1/{id}/patients/{id}/documents/admin']).toBe(2);
});
