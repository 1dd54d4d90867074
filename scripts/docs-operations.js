#!/usr/bin/env node
'use strict';
// The operations lists, derived from the operations themselves (nodes/Athenahealth/actions/resources.ts,
// built into dist/): the README's list (one row per resource, writes marked) and docs/operations.md's
// table (one line per operation with its description and marks). `node scripts/docs-operations.js`
// rewrites both between their markers; test/package/docs.test.ts fails when either is stale.
const fs = require('node:fs');
const path = require('node:path');

const ROOT = path.resolve(__dirname, '..');
const README = path.join(ROOT, 'README.md');
const OPERATIONS = path.join(ROOT, 'docs', 'operations.md');
const START = '<!-- operations:start -->';
const END = '<!-- operations:end -->';

const cell = (text) => String(text).replace(/\|/g, '\\|');
const registry = () =>
	require(path.join(ROOT, 'dist', 'nodes', 'Athenahealth', 'actions', 'resources.js'));

/** docs/operations.md: one line per operation, with what it does and its writes / Simplify marks. */
function operationsTable() {
	const { ALL_OPERATIONS, hasSimplify } = registry();
	const rows = ALL_OPERATIONS.map(({ resource, operation }) => {
		const marks = [operation.writes ? '**writes**' : '', hasSimplify(operation) ? 'Simplify' : '']
			.filter(Boolean)
			.join(', ');
		return `| ${cell(resource.name)} | ${cell(operation.option.name)} | ${cell(operation.option.description ?? operation.option.action)} | ${marks} |`;
	});
	return ['| Resource | Operation | What it does | |', '|---|---|---|---|', ...rows].join('\n');
}

/** The README: one row per resource, its operations in order, writes in bold. */
function resourcesTable() {
	const { ALL_OPERATIONS } = registry();
	const byResource = new Map();
	for (const { resource, operation } of ALL_OPERATIONS) {
		const name = operation.writes ? `**${operation.option.name}**` : operation.option.name;
		byResource.set(resource.name, [...(byResource.get(resource.name) ?? []), name]);
	}
	const rows = [...byResource].map(
		([resource, names]) => `| ${cell(resource)} | ${cell(names.join(', '))} |`,
	);
	return ['| Resource | Operations (**writes** in bold) |', '|---|---|', ...rows].join('\n');
}

/** `text` with the section between the markers replaced by `table`. */
function between(text, table, file) {
	const start = text.indexOf(START);
	const end = text.indexOf(END);
	if (start < 0 || end < start) throw new Error(`${file} needs the markers ${START} and ${END}`);
	return `${text.slice(0, start + START.length)}\n${table}\n${text.slice(end)}`;
}

const withTable = (readme) => between(readme, resourcesTable(), 'README.md');
const withOperations = (doc) => between(doc, operationsTable(), 'docs/operations.md');

if (require.main === module) {
	fs.writeFileSync(README, withTable(fs.readFileSync(README, 'utf8')));
	fs.writeFileSync(OPERATIONS, withOperations(fs.readFileSync(OPERATIONS, 'utf8')));
	console.log('README.md and docs/operations.md: operations lists written');
}

module.exports = { operationsTable, resourcesTable, withTable, withOperations, README, OPERATIONS };
