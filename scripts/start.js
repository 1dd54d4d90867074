#!/usr/bin/env node
'use strict';
// npm start: build, start the athena sandbox, install (first run only) and start a real n8n with
// this package, a credential for the sandbox and the example workflows. Ctrl+C stops everything.
const { execFileSync } = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');

const n8n = require('./n8n');
const { startSandbox } = require('../sandbox');

const SANDBOX_PORT = Number(process.env.SANDBOX_PORT || 8899);
const N8N_PORT = Number(process.env.N8N_PORT || 5678);
const USER_FOLDER = process.env.N8N_ATHENA_USER_FOLDER || path.join(n8n.ROOT, '.cache', 'n8n-user');

(async () => {
	n8n.log('building the package…');
	execFileSync(process.platform === 'win32' ? 'npm.cmd' : 'npm', ['run', 'build', '--silent'], {
		cwd: n8n.ROOT,
		stdio: 'inherit',
	});
	const sandbox = await startSandbox({
		port: SANDBOX_PORT,
		qps: 5,
		hl7Url: `http://localhost:${N8N_PORT}/webhook/athena-hl7`,
	});
	n8n.log(
		`athena sandbox: ${sandbox.url}  (client sandbox-client / sandbox-secret, practice 195900)`,
	);
	const bin = n8n.ensureN8n();
	const firstRun = !fs.existsSync(path.join(USER_FOLDER, '.n8n', 'database.sqlite'));
	n8n.installPackage(USER_FOLDER);
	// the companion package too: example 10 starts from its HL7 MLLP Trigger
	n8n.installPackage(USER_FOLDER, path.join(n8n.ROOT, 'mllp'));
	if (firstRun) {
		n8n.log('importing the sandbox credential and the example workflows…');
		n8n.importExamples(bin, USER_FOLDER, sandbox.url, { activate: true });
	}
	const server = n8n.startN8n(bin, USER_FOLDER, N8N_PORT);
	server.child.stdout.pipe(process.stdout);
	let stopping = false;
	const stop = async () => {
		// Ctrl+C in a terminal reaches npm and this process alike, and npm passes it on again
		if (stopping) return;
		stopping = true;
		await server.stop();
		await sandbox.close();
		process.exit(0);
	};
	process.on('SIGINT', stop);
	process.on('SIGTERM', stop);
	await server.ready;
	n8n.log(
		`n8n ${n8n.N8N_VERSION} is ready: http://localhost:${N8N_PORT}  (create the owner account on first visit)`,
	);
	n8n.log(
		`examples are imported; the HL7 feed and the ticket trigger are active. Sandbox sinks: ${sandbox.url}/_sink/sms, /_sink/tickets, /_sink/hl7-records, /_sink/insurance-calls`,
	);
	n8n.log('stop with Ctrl+C');
})().catch((error) => {
	console.error(`[n8n-athena] ${error.message}`);
	process.exit(1);
});
