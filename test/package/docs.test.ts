// The README and docs say what the code says: the operations table (one line per operation, its
// writes and Simplify marks) is generated from the operations, and nothing cites a document the
// reader of the repository does not have.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';

/* eslint-disable @typescript-eslint/no-require-imports */
const {
	withTable,
	withOperations,
	README,
	OPERATIONS,
} = require('../../scripts/docs-operations.js');
const { ALL_OPERATIONS } = require('../../dist/nodes/Athenahealth/actions/resources.js');
/* eslint-enable @typescript-eslint/no-require-imports */

const ROOT = path.join(__dirname, '..', '..');
const OUTSIDE =
	/\b(reference( part 2)?|peers) §|\bpeers\.md\b|athena-api(-more)?\.md|\b(reference|shared)\/(athena-api|peers|n8n-conventions|field-2026|DESIGN|hl7-samples)/;

test('the README and docs/operations.md list the operations the code has (node scripts/docs-operations.js)', () => {
	const readme = fs.readFileSync(README, 'utf8');
	expect(readme).toBe(withTable(readme));
	const doc = fs.readFileSync(OPERATIONS, 'utf8');
	expect(doc).toBe(withOperations(doc));
	for (const { resource, operation } of ALL_OPERATIONS) {
		expect(doc).toContain(`| ${resource.name} | ${operation.option.name} |`);
		const row = readme.split('\n').find((line) => line.startsWith(`| ${resource.name} | `));
		expect(row).toContain(operation.option.name);
	}
});

test('no code, comment or doc cites a document outside the repository', () => {
	const files = execFileSync(
		'git',
		[
			'ls-files',
			'nodes',
			'credentials',
			'mllp',
			'sandbox',
			'scripts',
			'bench',
			'test',
			'docs',
			'README.md',
			'examples',
		],
		{ cwd: ROOT, encoding: 'utf8' },
	)
		.split('\n')
		.filter(
			(f) =>
				f &&
				/\.(ts|js|md|json)$/.test(f) &&
				f !== 'test/package/docs.test.ts' &&
				fs.existsSync(path.join(ROOT, f)),
		);
	const cited = files.flatMap((f) =>
		fs
			.readFileSync(path.join(ROOT, f), 'utf8')
			.split('\n')
			.map((line, i) => ({ at: `${f}:${i + 1}`, line }))
			// the design notes kept beside the repository, by section sign or by file name
			.filter(({ line }) => OUTSIDE.test(line)),
	);
	expect(cited.map((c) => c.at)).toEqual([]);
});
