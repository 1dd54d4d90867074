#!/usr/bin/env node
'use strict';
// The README's operations table, one line per operation, derived from the operations themselves
// (nodes/Athenahealth/actions/resources.ts, built into dist/). `node scripts/docs-operations.js`
// rewrites the README section between its markers; test/package/docs.test.ts fails when it is stale.
const fs = require('node:fs');
const path = require('node:path');

const ROOT = path.resolve(__dirname, '..');
const README = path.join(ROOT, 'README.md');
const START = '<!-- operations:start -->';
const END = '<!-- operations:end -->';

const cell = (text) => String(text).replace(/\|/g, '\\|');

function operationsTable() {
	const { ALL_OPERATIONS, hasSimplify } = require(
		path.join(ROOT, 'dist', 'nodes', 'Athenahealth', 'actions', 'resources.js'),
	);
	const rows = ALL_OPERATIONS.map(({ resource, operation }) => {
		const marks = [operation.writes ? '**writes**' : '', hasSimplify(operation) ? 'Simplify' : '']
			.filter(Boolean)
			.join(', ');
		return `| ${cell(resource.name)} | ${cell(operation.option.name)} | ${cell(operation.option.description ?? operation.option.action)} | ${marks} |`;
	});
	return ['| Resource | Operation | What it does | |', '|---|---|---|---|', ...rows].join('\n');
}

/** The README with its operations section as the code says it is. */
function withTable(readme) {
	const start = readme.indexOf(START);
	const end = readme.indexOf(END);
	if (start < 0 || end < start) throw new Error(`README.md needs the markers ${START} and ${END}`);
	return `${readme.slice(0, start + START.length)}\n${operationsTable()}\n${readme.slice(end)}`;
}

if (require.main === module) {
	fs.writeFileSync(README, withTable(fs.readFileSync(README, 'utf8')));
	console.log('README.md: operations table written');
}

module.exports = { operationsTable, withTable, README };
