'use strict';
// One n8n-like worker process for bench/scaleout.js: its own throttle and token cache, running
// `executions` concurrent workflows that each page every booked appointment through the action node.
require('./tsRequire');
const { runNodes, sandboxCredentials } = require('../test/harness/n8n.ts');

const [url, executions, processes] = process.argv.slice(2);
const creds = sandboxCredentials({
	url,
	requestsPerSecond: 5,
	processesSharingLimit: Number(processes),
});
const parameters = {
	resource: 'customApiCall',
	operation: 'call',
	method: 'GET',
	path: '/appointments/booked',
	paginate: true,
	pageSize: 100,
	query: {
		parameter: [
			{ name: 'startdate', value: '01/01/2000' },
			{ name: 'enddate', value: '12/31/2099' },
		],
	},
};

(async () => {
	// warm up (n8n-core loaded, the package loaded, this process's token fetched) before the clock starts
	await runNodes(creds, [
		{
			parameters: {
				resource: 'customApiCall',
				operation: 'call',
				method: 'GET',
				path: '/departments',
			},
		},
	]);
	process.send('ready');
	// wait for the parent's go, so every worker starts together
	await new Promise((resolve) => process.once('message', resolve));
	const runs = await Promise.all(
		Array.from({ length: Number(executions) }, () => runNodes(creds, [{ parameters }])),
	);
	process.send(
		runs.map(({ output, error }) => ({
			ids: output('athenahealth').map((i) => i.json.appointmentid),
			error: error?.message,
		})),
	);
	process.exit(0);
})();
