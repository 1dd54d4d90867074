// n8n-core keeps an encryption key under N8N_USER_FOLDER; give every test worker a throwaway one.
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
if (!process.env.N8N_USER_FOLDER_FIXED) {
	process.env.N8N_USER_FOLDER = fs.mkdtempSync(path.join(os.tmpdir(), 'n8n-athena-test-'));
}
process.env.N8N_ENFORCE_SETTINGS_FILE_PERMISSIONS = 'false';
process.env.N8N_RUNNERS_ENABLED = 'false';
require('reflect-metadata');
// Quiet by default: n8n's logger at warn, so a failing test's output fits on a screen. Set
// ATHENA_TEST_LOG_LEVEL=debug to see everything; a test file that reads log lines asks for debug
// itself by importing test/setup/debugLogs first.
process.env.N8N_LOG_LEVEL = process.env.ATHENA_TEST_LOG_LEVEL || 'warn';
