'use strict';
// The switches table of docs/sandbox.md, generated from the sandbox's registry (sandbox/settings.js).
// node scripts/docs-sandbox.js rewrites the section between the markers; test/sandbox/settings.test.ts
// fails when the file's section differs from switchesTable().
const fs = require('node:fs');
const path = require('node:path');

const { SWITCHES, GROUPS, valueHint, shownDefault } = require('../sandbox/settings');

const DOC = path.join(__dirname, '..', 'docs', 'sandbox.md');
const START = '<!-- sandbox-switches:start -->';
const END = '<!-- sandbox-switches:end -->';

const cell = (text) => String(text).replace(/\|/g, '\\|').replace(/\n/g, ' ');
const code = (text) => `\`${text}\``;

function switchOf(entry) {
	if (!entry.flag) return '(none)';
	if (entry.usage) return code(entry.usage);
	return code(
		entry.type === 'boolean'
			? `${entry.flag} [${valueHint(entry)}]`
			: `${entry.flag} <${valueHint(entry)}>`,
	);
}

function inferredOf(entry) {
	if (!entry.inferred) return '';
	const readings = Object.entries(entry.readings ?? {}).map(
		([value, meaning]) => `${code(value)}: ${meaning}`,
	);
	return [`${entry.inferred}.`, ...readings.map((r) => `${r}.`)].join(' ');
}

/** The generated section: one table per group of the registry. */
function switchesTable() {
	const out = [];
	for (const [group, title] of Object.entries(GROUPS)) {
		const entries = SWITCHES.filter((e) => e.group === group);
		if (!entries.length) continue;
		out.push(`### ${title}`, '');
		out.push(
			'| Switch | Option | Default | Live | Description | Not verified (INFERRED readings) |',
		);
		out.push('|---|---|---|---|---|---|');
		for (const e of entries) {
			const live = e.kind === 'setting' ? 'yes' : '';
			const row = [switchOf(e), code(e.name), shownDefault(e), live, e.description, inferredOf(e)];
			out.push(`| ${row.map(cell).join(' | ')} |`);
		}
		out.push('');
	}
	return out.join('\n');
}

/** The text between the markers of a document (undefined without both markers). */
function sectionOf(text) {
	const from = text.indexOf(START);
	const to = text.indexOf(END);
	if (from < 0 || to < from) return undefined;
	return text.slice(from + START.length, to).replace(/^\n+|\n+$/g, '');
}

/** The document with its section replaced by the generated table. */
function withTable(text) {
	const from = text.indexOf(START);
	const to = text.indexOf(END);
	if (from < 0 || to < from) throw new Error(`docs/sandbox.md lacks the markers ${START} … ${END}`);
	return `${text.slice(0, from + START.length)}\n\n${switchesTable()}\n${text.slice(to)}`;
}

if (require.main === module) {
	const before = fs.readFileSync(DOC, 'utf8');
	const after = withTable(before);
	if (after !== before) fs.writeFileSync(DOC, after);
	console.log(`docs/sandbox.md: switches table ${after === before ? 'up to date' : 'rewritten'}`);
}

module.exports = { switchesTable, sectionOf, withTable, DOC, START, END };
