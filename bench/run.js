'use strict';
// npm run bench: every figure is printed beside a baseline measured in the same run, as a ratio.
require('./tsRequire');
const { benchTransport } = require('./transport');
const { benchSandbox } = require('./sandbox');
const { benchTrigger } = require('./trigger');
const { benchHl7 } = require('./hl7');
const { benchBooked } = require('./booked');
const { benchBulk } = require('./bulk');
const { benchMllp } = require('./mllp');
const { benchScaleout } = require('./scaleout');
const { benchQueue } = require('./queue');

function table(title, columns, rows) {
	const widths = columns.map((c, i) => Math.max(c.length, ...rows.map((r) => String(r[i]).length)));
	const line = (cells) => `| ${cells.map((c, i) => String(c).padEnd(widths[i])).join(' | ')} |`;
	console.log(`\n${title}\n${line(columns)}\n|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`);
	for (const r of rows) console.log(line(r));
}

(async () => {
	const only = process.argv[2];
	const benches = {
		transport: benchTransport,
		booked: benchBooked,
		trigger: benchTrigger,
		hl7: benchHl7,
		mllp: benchMllp,
		sandbox: benchSandbox,
		bulk: benchBulk,
		scaleout: benchScaleout,
		queue: benchQueue,
	};
	for (const [name, run] of Object.entries(benches)) {
		if (only && only !== name) continue;
		// a bench may print more than one table
		for (const { title, columns, rows } of [await run()].flat()) table(title, columns, rows);
	}
	process.exit(0);
})().catch((e) => {
	console.error(e);
	process.exit(1);
});
