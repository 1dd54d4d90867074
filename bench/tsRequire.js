'use strict';
// Lets the benchmarks reuse the TypeScript test harness (test/harness) without a second copy.
const fs = require('node:fs');
const ts = require('typescript');

require.extensions['.ts'] = (module, filename) => {
	const { outputText } = ts.transpileModule(fs.readFileSync(filename, 'utf8'), {
		compilerOptions: {
			module: ts.ModuleKind.CommonJS,
			target: ts.ScriptTarget.ES2020,
			esModuleInterop: true,
		},
		fileName: filename,
	});
	module._compile(outputText, filename);
};

if (!process.env.N8N_USER_FOLDER)
	process.env.N8N_USER_FOLDER = fs.mkdtempSync(
		require('node:path').join(require('node:os').tmpdir(), 'n8n-athena-bench-'),
	);
process.env.N8N_LOG_LEVEL = process.env.N8N_LOG_LEVEL || 'error';
require('reflect-metadata');
