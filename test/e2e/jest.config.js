// End-to-end: the example workflows in a real n8n process (installed on first use) against the sandbox.
module.exports = {
	rootDir: '../..',
	testEnvironment: 'node',
	testMatch: ['<rootDir>/test/e2e/**/*.test.ts'],
	transform: { '^.+\\.ts$': ['ts-jest', { tsconfig: 'test/tsconfig.json' }] },
	testTimeout: 15 * 60 * 1000,
	forceExit: true,
	// one n8n at a time: each starts a task runner on the same port
	maxWorkers: 1,
};
