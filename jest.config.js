// Tests run the built package (dist/) through n8n-core, so `npm test` builds first; a run on a
// dist/ older than the sources fails at once (test/setup/freshDist.js).
module.exports = {
	testEnvironment: 'node',
	// tsc copies package.json into dist/ (for n8n's package checks); one package name for jest's module map
	modulePathIgnorePatterns: ['<rootDir>/dist/package.json'],
	roots: ['<rootDir>/test'],
	testMatch: ['**/*.test.ts'],
	// the real-n8n examples run separately: npm run test:e2e
	testPathIgnorePatterns: ['/node_modules/', '<rootDir>/test/e2e/'],
	transform: { '^.+\\.ts$': ['ts-jest', { tsconfig: 'test/tsconfig.json' }] },
	globalSetup: '<rootDir>/test/setup/freshDist.js',
	setupFiles: ['<rootDir>/test/setup/env.js'],
	testTimeout: 120000,
	maxWorkers: 2,
	// n8n-core keeps DI singletons and HTTP agents alive after a run; they are not ours to close.
	forceExit: true,
};
