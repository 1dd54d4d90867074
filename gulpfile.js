// Copies what tsc does not emit (icons, codex *.node.json) into dist/, mirroring the source tree.
const { src, dest, parallel } = require('gulp');

function copyIcons() {
	return src(['nodes/**/*.{png,svg}', 'credentials/**/*.{png,svg}', 'icons/**/*.{png,svg}'], {
		base: '.',
		encoding: false,
	}).pipe(dest('dist'));
}

function copyCodex() {
	return src(['nodes/**/*.node.json'], { base: '.' }).pipe(dest('dist'));
}

// the MLLP package (mllp/): its icon and codex files, beside its compiled nodes
function copyMllp() {
	return src(['mllp/nodes/**/*.{svg,node.json}', 'mllp/credentials/**/*.svg'], { base: 'mllp', encoding: false }).pipe(dest('mllp/dist/mllp'));
}

exports.build = parallel(copyIcons, copyCodex);
exports.mllp = copyMllp;
exports.default = exports.build;
