// Imported first by a test file that reads n8n's debug lines (test/harness/logs.ts captures them,
// so nothing is printed): n8n's logger reads the level when it is first built.
process.env.N8N_LOG_LEVEL = 'debug';
export {};
