'use strict';
// A throwaway self-signed certificate for MLLPS tests, made at test time with the openssl CLI (EC
// P-256: fast) in a scratch folder inside the repository (.cache/, git-ignored), removed at once.
const { execFileSync } = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');

function testCertificate(commonName = 'localhost') {
	const base = path.resolve(__dirname, '..', '.cache');
	fs.mkdirSync(base, { recursive: true });
	const dir = fs.mkdtempSync(path.join(base, 'cert-'));
	try {
		const keyFile = path.join(dir, 'key.pem');
		const certFile = path.join(dir, 'cert.pem');
		execFileSync(
			'openssl',
			[
				'req',
				'-x509',
				'-newkey',
				'ec',
				'-pkeyopt',
				'ec_paramgen_curve:prime256v1',
				'-nodes',
				'-keyout',
				keyFile,
				'-out',
				certFile,
				'-subj',
				`/CN=${commonName}`,
				'-days',
				'2',
				'-addext',
				'subjectAltName=DNS:localhost,IP:127.0.0.1',
			],
			{ stdio: 'ignore' },
		);
		return { key: fs.readFileSync(keyFile, 'utf8'), cert: fs.readFileSync(certFile, 'utf8') };
	} finally {
		fs.rmSync(dir, { recursive: true, force: true });
	}
}

module.exports = { testCertificate };
