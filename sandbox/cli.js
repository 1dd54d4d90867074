#!/usr/bin/env node
'use strict';
// npm run sandbox -- --port 8899 --qps 5 --patients 500 --booked 1000 --open-slots 1000 --retry-after http-date
const { startSandbox } = require('./index');

function parse(argv) {
	const opts = {};
	for (let i = 0; i < argv.length; i++) {
		const m = /^--([a-z][a-z0-9-]*)(?:=(.*))?$/.exec(argv[i]);
		if (!m) continue;
		const key = m[1].replace(/-([a-z])/g, (_, c) => c.toUpperCase());
		let value = m[2] ?? (argv[i + 1] && !argv[i + 1].startsWith('--') ? argv[++i] : 'true');
		if (/^\d+(\.\d+)?$/.test(value)) value = Number(value);
		else if (value === 'true' || value === 'false') value = value === 'true';
		opts[key] = value;
	}
	return opts;
}

if (require.main === module) {
	const opts = { port: 8899, ...parse(process.argv.slice(2)) };
	// mllps:// feeds: trust this CA file for the receiver's certificate (or skip the check)
	if (opts.hl7Ca || opts.hl7Insecure) opts.hl7Tls = { ...(opts.hl7Ca ? { ca: require('node:fs').readFileSync(opts.hl7Ca, 'utf8') } : {}), ...(opts.hl7Insecure ? { rejectUnauthorized: false } : {}) };
	if (opts.help) {
		console.log('Options: --port --host --qps --environment preview|production --patients --department-one-patients --booked --open-slots --days --seed --retry-after seconds|http-date|none --legacy-throttle --ids-as-numbers --escape-slashes false --token-rate-limit --token-lifetime-seconds --activation-delay-ms --hl7-url (http(s)://, mllp:// or mllps://) --hl7-ca <PEM file> --hl7-insecure --feed-retention-ms --feed-max-queue --feed-replay with-next|processed-only --feed-paging page|snapshot --patient-name-match prefix|exact --quota-counter exact|late|none\n' +
			'FHIR: --fhir-default-count --fhir-max-count --fhir-outcome-in200\n' +
			'Bulk: --bulk-duration-ms --bulk-retry-after seconds|http-date|none --bulk-retry-after-ms --bulk429-polls --bulk-resources-per-type --bulk-resources-per-file --bulk-file-origin same|second|redirect --bulk-split-utf8 --bulk-break-after-bytes --bulk-break-count --bulk-type-filter --bulk-error-file --bulk-fail --bulk-one-per-client --bulk-file-expiry-ms --token-retry-after seconds|none --token-invalid-client-body okta|empty');
		process.exit(0);
	}
	startSandbox(opts).then((sb) => {
		console.log(`athena sandbox listening on ${sb.url}  (client id: sandbox-client, secret: sandbox-secret, practice 195900)`);
		console.log(`control API: ${sb.url}/_control/counters   stop: Ctrl+C`);
		const stop = () => sb.close().then(() => process.exit(0));
		process.on('SIGINT', stop);
		process.on('SIGTERM', stop);
	}).catch((e) => {
		console.error(`sandbox failed to start: ${e.message}`);
		process.exit(1);
	});
}

module.exports = { parse };
