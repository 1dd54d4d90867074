'use strict';
// Bulk export of ~1 GB of NDJSON: the node (Export and Wait into n8n's filesystem binary store)
// beside a plain undici client doing the same kick-off, polling and streaming downloads to disk,
// against the same sandbox running in its own process. Also the node's peak heap growth.
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { pipeline } = require('node:stream/promises');
const { request } = require('undici');
const { runNodes, sandboxCredentials, binaryStore } = require('../test/harness/n8n.ts');
const { startSandboxProcess } = require('../sandbox/process');

const TARGET_BYTES = Number(process.env.BULK_BYTES ?? 1024 ** 3);

const post = (url, body) =>
	request(url, {
		method: 'POST',
		headers: { 'content-type': 'application/json' },
		body: JSON.stringify(body),
	}).then((r) => r.body.json());

async function undiciExport(url, dir) {
	const tok = await (
		await request(`${url}/oauth2/v1/token`, {
			method: 'POST',
			headers: {
				'content-type': 'application/x-www-form-urlencoded',
				authorization: `Basic ${Buffer.from('sandbox-client:sandbox-secret').toString('base64')}`,
			},
			body: `grant_type=client_credentials&scope=${encodeURIComponent('system/Observation.read system/Group.read')}`,
		})
	).body.json();
	const auth = { authorization: `Bearer ${tok.access_token}` };
	const kick = await request(`${url}/fhir/r4/Group/a-1.c-195900/$export?_type=Observation`, {
		headers: { ...auth, prefer: 'respond-async', accept: 'application/fhir+json' },
	});
	await kick.body.text();
	const statusUrl = kick.headers['content-location'];
	let manifest;
	for (;;) {
		const s = await request(statusUrl, { headers: auth });
		const text = await s.body.text();
		if (s.statusCode === 200) {
			manifest = JSON.parse(text);
			break;
		}
		await new Promise((r) => setTimeout(r, Number(s.headers['retry-after'] ?? 1) * 1000));
	}
	let bytes = 0;
	for (const [i, file] of manifest.output.entries()) {
		const res = await request(file.url, {
			headers: { ...auth, accept: 'application/fhir+ndjson' },
		});
		const target = path.join(dir, `${i}.ndjson`);
		await pipeline(res.body, fs.createWriteStream(target));
		bytes += fs.statSync(target).size;
	}
	// files stay until the end, like the node's binary data, so both pay the same disk writeback
	await request(statusUrl, { method: 'DELETE', headers: auth }).then((r) => r.body.text());
	return bytes;
}

async function benchBulk() {
	const child = await startSandboxProcess({
		qps: 0,
		tokenRateLimit: 1000,
		dailyQuota: 1e9,
		bulkDurationMs: 200,
		bulkRetryAfterMs: 200,
		patients: 200,
	});
	const { url } = child;
	try {
		// size one resource, then ask for enough copies to reach the target, in ~100 MB files
		const probeCreds = sandboxCredentials({ url, enableFhir: true });
		const probe = await runNodes(probeCreds, [
			{
				parameters: {
					resource: 'fhir',
					operation: 'search',
					resourceType: 'Observation',
					patient: '1',
					returnAll: true,
				},
			},
		]);
		const lineBytes = Buffer.byteLength(JSON.stringify(probe.output('athenahealth')[0].json)) + 1;
		const perType = Math.ceil(TARGET_BYTES / lineBytes);
		await post(`${url}/_control/settings`, {
			bulkResourcesPerType: perType,
			bulkResourcesPerFile: Math.ceil((100 * 1024 ** 2) / lineBytes),
		});
		const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'bulk-bench-'));
		const storeDir = await binaryStore();
		const rows = [];
		const baseline = async () => {
			const t = process.hrtime.bigint();
			const bytes = await undiciExport(url, tmp);
			const seconds = Number(process.hrtime.bigint() - t) / 1e9;
			for (const f of fs.readdirSync(tmp)) fs.rmSync(path.join(tmp, f));
			return { bytes, seconds };
		};
		const node = async () => {
			global.gc?.();
			const heapBefore = process.memoryUsage().heapUsed;
			let peak = heapBefore;
			const sampler = setInterval(
				() => (peak = Math.max(peak, process.memoryUsage().heapUsed)),
				20,
			);
			const t = process.hrtime.bigint();
			const creds = sandboxCredentials({ url, enableFhir: true });
			const { output, error } = await runNodes(creds, [
				{
					parameters: {
						resource: 'bulkExport',
						operation: 'exportAndWait',
						resourceTypes: ['Observation'],
						maxWaitMinutes: 5,
					},
				},
			]);
			const seconds = Number(process.hrtime.bigint() - t) / 1e9;
			clearInterval(sampler);
			if (error) throw error;
			const bytes = output('athenahealth').reduce((sum, item) => sum + item.binary.data.bytes, 0);
			fs.rmSync(storeDir, { recursive: true, force: true });
			fs.mkdirSync(storeDir, { recursive: true });
			return { bytes, seconds, files: output('athenahealth').length, heap: peak - heapBefore };
		};
		const mb = (b) => b / 1024 ** 2;
		const ratios = [];
		// the order alternates each round: whichever runs first on a cold disk cache is favoured
		for (let round = 1; round <= 4; round++) {
			const [n, b] =
				round % 2 ? [await node(), await baseline()] : [await baseline(), await node()].reverse();
			const ratio = mb(n.bytes) / n.seconds / (mb(b.bytes) / b.seconds);
			ratios.push(ratio);
			rows.push([
				`${round} (${round % 2 ? 'node first' : 'undici first'})`,
				n.files,
				`${mb(n.bytes).toFixed(0)} MB`,
				`${(mb(n.bytes) / n.seconds).toFixed(0)} MB/s`,
				`${(mb(b.bytes) / b.seconds).toFixed(0)} MB/s`,
				ratio.toFixed(2),
				`${mb(n.heap).toFixed(1)} MB`,
				n.bytes === b.bytes ? 'same bytes' : `DIFFERENT (${b.bytes})`,
			]);
		}
		ratios.sort((x, y) => x - y);
		rows.push(['median', '', '', '', '', ((ratios[1] + ratios[2]) / 2).toFixed(2), '', '']);
		fs.rmSync(tmp, { recursive: true, force: true });
		return {
			title: `Bulk export of ${(TARGET_BYTES / 1024 ** 3).toFixed(2)} GB NDJSON (Observation, ~100 MB files): athenahealth node (Export and Wait → n8n filesystem binary store) vs undici streaming to disk, same sandbox process`,
			columns: [
				'round',
				'files',
				'bytes',
				'node',
				'undici',
				'ratio (node/undici)',
				'node peak heap growth',
				'check',
			],
			rows,
		};
	} finally {
		child.close();
	}
}

module.exports = { benchBulk };
