// The sandbox's switch registry (sandbox/settings.js): docs/sandbox.md's table and --help come from it,
// startSandbox's defaults and the command line agree with it.
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';

interface Entry {
	name: string;
	flag: string | null;
	kind: 'setting' | 'start' | 'cli';
	type: string;
	values?: string[];
	default: unknown;
	defaultText?: string;
	inferred?: string;
	readings?: Record<string, string>;
}

/* eslint-disable @typescript-eslint/no-require-imports */
const registry = require('../../sandbox/settings') as {
	SWITCHES: Entry[];
	defaultSettings: (o?: object) => Record<string, unknown>;
	parseArgs: (argv: string[]) => Record<string, unknown>;
};
const docs = require('../../scripts/docs-sandbox') as {
	switchesTable: () => string;
	sectionOf: (text: string) => string | undefined;
	DOC: string;
};
const { startSandbox } = require('../../sandbox') as {
	startSandbox: (o?: object) => Promise<{ settings: object; close(): Promise<void> }>;
};
/* eslint-enable @typescript-eslint/no-require-imports */

const ROOT = join(__dirname, '..', '..');
const run = promisify(execFile);
const flagged = registry.SWITCHES.filter((e) => e.flag);

// when this fails, run node scripts/docs-sandbox.js
test('docs/sandbox.md has the switches table generated from the registry', () => {
	const section = docs.sectionOf(readFileSync(docs.DOC, 'utf8'));
	expect(section).toBeDefined();
	expect(section).toBe(docs.switchesTable().trim());
});

test('--help names every flag of the registry', async () => {
	const { stdout } = await run(process.execPath, [join(ROOT, 'sandbox', 'cli.js'), '--help'], {
		cwd: ROOT,
	});
	const named = new Set(stdout.match(/--[a-z][a-z0-9-]*/g));
	expect(flagged.map((e) => e.flag).filter((f) => !named.has(f as string))).toEqual([]);
});

test('an unknown switch or a value outside an enum stops the CLI before it starts', async () => {
	for (const argv of [['--no-such-switch'], ['--feed-replay', 'sometimes']]) {
		const cli = [join(ROOT, 'sandbox', 'cli.js'), ...argv];
		const failed = await run(process.execPath, cli, { cwd: ROOT }).catch((e) => e);
		expect(failed.code).toBe(2);
		expect(failed.stderr).toMatch(/see --help|takes with-next, processed-only/);
	}
});

test('every entry is complete: flag = kebab-case of the option, values for enums, readings only where INFERRED', () => {
	const names = new Set<string>();
	for (const e of registry.SWITCHES) {
		expect(names.has(e.name)).toBe(false);
		names.add(e.name);
		if (e.flag) expect(e.flag).toBe(`--${e.name.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}`);
		if (e.type === 'enum') expect(e.values?.length).toBeGreaterThan(1);
		if (typeof e.default === 'function' || e.type === 'object') expect(e.defaultText).toBeDefined();
		if (e.readings) {
			expect(e.inferred).toBeDefined();
			const offered = e.type === 'boolean' ? ['false', 'true'] : e.values;
			expect(Object.keys(e.readings).sort()).toEqual([...(offered ?? [])].sort());
		}
	}
});

test('the command line parses each flag back to its option; given switches only', () => {
	const samples: Record<string, string> = {
		number: '7',
		boolean: 'true',
		json: '{"1":"x"}',
		string: 'text',
	};
	const sample = (e: Entry) =>
		e.type === 'enum' ? e.values![e.values!.length - 1] : samples[e.type];
	for (const e of flagged) {
		const parsed = registry.parseArgs([`${e.flag}=${sample(e)}`]);
		expect(Object.keys(parsed)).toEqual([e.name]);
	}
	expect(
		registry.parseArgs([
			'--feed-replay',
			'processed-only',
			'--feed-paging=snapshot',
			'--bulk-fail',
		]),
	).toEqual({
		feedReplay: 'processed-only',
		feedPaging: 'snapshot',
		bulkFail: true,
	});
	// an enum whose values look like numbers stays a string
	expect(registry.parseArgs(['--benefit-before-check', '404'])).toEqual({
		benefitBeforeCheck: '404',
	});
});

test('startSandbox settings are the registry defaults, overridden by the options given', async () => {
	const given = { feedReplay: 'processed-only', environment: 'production' };
	const sb = await startSandbox({ patients: 20, booked: 5, openSlots: 5, ...given });
	try {
		expect(sb.settings).toEqual(registry.defaultSettings(given));
		expect(sb.settings).toMatchObject({
			...given,
			qps: 100,
			dailyQuota: 1000000,
			tokenRateLimit: 50,
		});
	} finally {
		await sb.close();
	}
});
