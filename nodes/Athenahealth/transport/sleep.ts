import * as workflow from 'n8n-workflow';

type AbortableSleep = (ms: number, abortSignal?: AbortSignal) => Promise<void>;

// n8n-workflow up to 2.33 has `sleepWithAbort` (its `sleep` ignores a signal); 2.34 removed it and
// made `sleep(ms, abortSignal)` abortable. Look it up at run time: the package must use whichever
// copy of n8n-workflow the host n8n provides, from 1.123 to the newest.
const abortable: AbortableSleep =
	(workflow as unknown as { sleepWithAbort?: AbortableSleep }).sleepWithAbort ??
	(workflow.sleep as AbortableSleep);

/** Waits `ms`, or rejects as soon as the execution is cancelled. Every wait in the package goes through here. */
export async function sleep(ms: number, signal?: AbortSignal): Promise<void> {
	if (signal?.aborted) throw new Error('The execution was cancelled');
	await abortable(ms, signal);
	// a host whose sleep cannot be aborted still ends the wait on time; stop here if it was cancelled meanwhile
	if (signal?.aborted) throw new Error('The execution was cancelled');
}
