// Releases what holdDefaultPorts.js took.
module.exports = async function releaseDefaultPorts() {
	await Promise.all(
		(globalThis.__heldDefaultPorts ?? []).map((s) => new Promise((r) => s.close(r))),
	);
};
