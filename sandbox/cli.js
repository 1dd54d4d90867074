#!/usr/bin/env node
'use strict';
// npm run sandbox -- --port 8899 --qps 5 --patients 500 --booked 1000 --open-slots 1000 --retry-after http-date
// The switches, their defaults and --help come from sandbox/settings.js.
const fs = require('node:fs');
const { startSandbox } = require('./index');
const { parseArgs, cliDefaults, helpText } = require('./settings');

/** Command-line switches → startSandbox options (only those given); throws on an unknown switch or a bad value. */
const parse = (argv) => parseArgs(argv);

if (require.main === module) {
	let opts;
	try {
		opts = { ...cliDefaults(), ...parse(process.argv.slice(2)) };
	} catch (e) {
		console.error(`sandbox: ${e.message}`);
		process.exit(2);
	}
	if (opts.help) {
		console.log(helpText());
		process.exit(0);
	}
	// mllps:// feeds: trust this CA file for the receiver's certificate (or skip the check)
	if (opts.hl7Ca || opts.hl7Insecure) {
		opts.hl7Tls = {
			...(opts.hl7Ca ? { ca: fs.readFileSync(opts.hl7Ca, 'utf8') } : {}),
			...(opts.hl7Insecure ? { rejectUnauthorized: false } : {}),
		};
	}
	startSandbox(opts)
		.then((sb) => {
			const client = '(client id: sandbox-client, secret: sandbox-secret, practice 195900)';
			console.log(`athena sandbox listening on ${sb.url}  ${client}`);
			console.log(`control API: ${sb.url}/_control/counters   stop: Ctrl+C`);
			const stop = () => sb.close().then(() => process.exit(0));
			process.on('SIGINT', stop);
			process.on('SIGTERM', stop);
		})
		.catch((e) => {
			console.error(`sandbox failed to start: ${e.message}`);
			process.exit(1);
		});
}

module.exports = { parse };
