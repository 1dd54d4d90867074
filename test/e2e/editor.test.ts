// The n8n editor in headless Chromium (Debian's package, driven by playwright-core): the
// athenahealth node is added from the node creator, its resources and operations render, and the
// department picker lists the sandbox's departments. A screenshot is kept in test/artifacts/.
import fs from 'node:fs';
import path from 'node:path';

import { chromium, selectors, type Browser, type Page } from 'playwright-core';

import { sandbox, type Sandbox } from '../harness/sandbox';
import { freePort, n8n, prepareN8n, waitFor } from './helpers';

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const ARTIFACTS = path.join(__dirname, '..', 'artifacts');
const LOADED = 5 * 60 * 1000; // the longest any editor wait may take before it is a failure

let sb: Sandbox;
let userFolder: string | undefined;
let server: { ready: Promise<void>; stop: () => Promise<void> } | undefined;
let browser: Browser | undefined;
let page: Page;

beforeAll(
	async () => {
		if (!fs.existsSync(CHROMIUM))
			throw new Error(
				`No Chromium at ${CHROMIUM}: install Debian's package (apt-get install chromium) or set CHROMIUM_PATH`,
			);
		sb = await sandbox({ qps: 20 });
		const prepared = prepareN8n(sb.url, false);
		const bin = prepared.bin;
		userFolder = prepared.userFolder;
		const port = await freePort();
		server = n8n.startN8n(bin, userFolder, port);
		await server!.ready;
		// the owner account n8n asks for on first start, created through its REST API
		const setup = await waitFor(
			'owner setup',
			async () => {
				const res = await fetch(`http://localhost:${port}/rest/owner/setup`, {
					method: 'POST',
					headers: { 'content-type': 'application/json' },
					body: JSON.stringify({
						email: 'e2e@example.org',
						firstName: 'E2E',
						lastName: 'Test',
						password: 'Passw0rd!e2e',
					}),
				});
				return res.status === 404 ? undefined : res;
			},
			60000,
		);
		const cookie = /n8n-auth=([^;]+)/.exec(setup.headers.get('set-cookie') ?? '')?.[1];
		if (!cookie) throw new Error(`owner setup answered ${setup.status} without a session cookie`);

		selectors.setTestIdAttribute('data-test-id'); // n8n's attribute
		browser = await chromium.launch({
			executablePath: CHROMIUM,
			args: [
				'--no-sandbox',
				'--disable-gpu',
				'--disable-quic',
				'--no-first-run',
				'--disable-background-networking',
				'--disable-component-update',
				'--disable-sync',
			],
		});
		const context = await browser.newContext({ viewport: { width: 1400, height: 900 } });
		// this machine has no internet: anything not on localhost is refused at once instead of hanging
		await context.route(
			(url) => !/^http:\/\/localhost[:/]/.test(url.href),
			(route) => route.abort(),
		);
		await context.addCookies([{ name: 'n8n-auth', value: cookie, domain: 'localhost', path: '/' }]);
		page = await context.newPage();
		// a 2-core machine shared with other work: n8n serves the editor's node types (megabytes of JSON)
		// slowly; every wait below is for a condition, with room for that
		page.setDefaultTimeout(LOADED);
		await page.goto(`http://localhost:${port}/workflow/athenaExample5Book`, { timeout: LOADED });
	},
	20 * 60 * 1000,
);

afterAll(async () => {
	await browser?.close();
	await server?.stop();
	await sb?.close();
	n8n.removeFolder(userFolder);
});

test('the athenahealth node is added from the node creator; its actions list every resource', async () => {
	await page.getByTestId('node-creator-plus-button').click();
	await page.getByTestId('node-creator').waitFor();
	await page.keyboard.type('athenahealth');
	// the creator searches as the text arrives: wait for the search result, then pick it
	const item = page
		.getByTestId('node-creator-item-name')
		.getByText('athenahealth', { exact: true });
	await item.waitFor();
	await item.click();
	// the action list renders progressively: wait for its last group
	const creator = await waitFor(
		'the action list',
		async () => {
			const text = await page.getByTestId('node-creator').innerText();
			return text.includes('PROVIDER ACTIONS') ? text : undefined;
		},
		LOADED,
	);
	for (const group of [
		'APPOINTMENT ACTIONS',
		'PATIENT ACTIONS',
		'FHIR ACTIONS',
		'BULK EXPORT (FHIR) ACTIONS',
		'HL7 MESSAGE ACTIONS',
		'DEPARTMENT ACTIONS',
	])
		expect(creator).toContain(group);
	for (const action of [
		'Get open appointment slots',
		'Search FHIR resources',
		'Export and wait for the files',
		'Get an appointment reason',
	])
		expect(creator).toContain(action);
	await page
		.getByTestId('node-creator')
		.getByText('Get open appointment slots', { exact: true })
		.click();
	await page.getByTestId('ndv').waitFor();
	expect(await page.getByTestId('parameter-input-resource').locator('input').inputValue()).toBe(
		'Appointment',
	);
	expect(await page.getByTestId('parameter-input-operation').locator('input').inputValue()).toBe(
		'Get Open Slots',
	);
	expect(await page.getByTestId('node-credentials-select').locator('input').inputValue()).toBe(
		'athena sandbox',
	);
});

test("the department picker lists the sandbox's departments (list search through the credential)", async () => {
	await page.getByTestId('resource-locator-departmentId').getByTestId('rlc-input').click();
	// the list search goes through the credential to the sandbox; wait for its answer
	await page.getByTestId('rlc-item').first().waitFor();
	const items = await page.getByTestId('rlc-item').allInnerTexts();
	expect(items).toEqual(
		sb.state.departments.map((d: any) => `${d.patientdepartmentname} (${d.departmentid})`),
	);
	fs.mkdirSync(ARTIFACTS, { recursive: true });
	await page.screenshot({ path: path.join(ARTIFACTS, 'editor-department-picker.png') });
	expect(fs.statSync(path.join(ARTIFACTS, 'editor-department-picker.png')).size).toBeGreaterThan(
		10000,
	);
});
