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
	return src(['mllp/nodes/**/*.{svg,node.json}', 'mllp/credentials/**/*.svg'], {
		base: 'mllp',
		encoding: false,
	}).pipe(dest('mllp/dist'));
}

// the HL7 codec's one home is nodes/hl7; the MLLP package compiles a copy of it (mllp/nodes/hl7,
// ignored by git) so that its dist/ mirrors its own folder
function copyCodecToMllp() {
	return src(['nodes/hl7/*.ts'], { base: 'nodes' }).pipe(dest('mllp/nodes'));
}

exports.build = parallel(copyIcons, copyCodex);
exports.mllp = copyMllp;
exports.mllpCodec = copyCodecToMllp;
exports.default = exports.build;
