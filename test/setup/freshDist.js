// The engine tests run the built package (dist/, loaded the way n8n loads it). A test run after an
// edit without a build would test the old code: fail at once instead, naming the file.
const fs = require('node:fs');
const path = require('node:path');

const ROOT = path.join(__dirname, '..', '..');

function* sources(dir) {
	for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
		const full = path.join(dir, entry.name);
		if (entry.isDirectory()) yield* sources(full);
		else if (entry.name.endsWith('.ts') && !entry.name.endsWith('.d.ts')) yield full;
	}
}

module.exports = function freshDist() {
	const stale = [];
	for (const [src, out] of [
		['nodes', 'dist'],
		['credentials', 'dist'],
		[path.join('mllp', 'nodes'), path.join('mllp', 'dist')],
		[path.join('mllp', 'credentials'), path.join('mllp', 'dist')],
	]) {
		if (!fs.existsSync(path.join(ROOT, src))) continue;
		for (const file of sources(path.join(ROOT, src))) {
			const rel = path.relative(ROOT, file);
			const built = path
				.join(ROOT, out, path.relative(out === 'dist' ? '' : 'mllp', rel))
				.replace(/\.ts$/, '.js');
			if (!fs.existsSync(built) || fs.statSync(built).mtimeMs < fs.statSync(file).mtimeMs)
				stale.push(rel);
		}
	}
	if (stale.length)
		throw new Error(
			`dist/ is older than ${stale.slice(0, 5).join(', ')}${stale.length > 5 ? ` and ${stale.length - 5} more` : ''}: run npm run build (npm test builds first)`,
		);
};
