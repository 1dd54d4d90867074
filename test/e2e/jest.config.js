// End-to-end: the example workflows in a real n8n process (installed on first use) against the sandbox.
module.exports = {
	rootDir: '../..',
	testEnvironment: 'node',
	// tsc copies package.json into dist/ (for n8n's package checks); one package name for jest's module map
	modulePathIgnorePatterns: ['<rootDir>/dist/package.json'],
	testMatch: ['<rootDir>/test/e2e/**/*.test.ts'],
	transform: { '^.+\\.ts$': ['ts-jest', { tsconfig: 'test/tsconfig.json' }] },
	testTimeout: 15 * 60 * 1000,
	forceExit: true,
	// one n8n at a time: the machine has two cores
	maxWorkers: 1,
	globalSetup: '<rootDir>/test/e2e/holdDefaultPorts.js',
	globalTeardown: '<rootDir>/test/e2e/releaseDefaultPorts.js',
};
