// The thread that receives for After Storing (receipt.ts): started by the trigger with the
// receiving side's configuration, it reports stored messages, log lines and diagnostics, and takes
// delivered marks and the close.
import { parentPort, workerData } from 'node:worker_threads';

import { startReceipt, type FromWorker, type ReceiptConfig, type StoredMessage } from './receipt';

const port = parentPort!;
const post = (m: FromWorker) => port.postMessage(m);

// stored messages travel together, once per turn of this thread's event loop
let stored: StoredMessage[] = [];
const sendStored = () => {
	post({ t: 'stored', messages: stored });
	stored = [];
};

startReceipt(workerData as ReceiptConfig, {
	stored(message) {
		if (!stored.length) setImmediate(sendStored);
		stored.push(message);
	},
	log: (level, text) => post({ t: 'log', level, text }),
	diagnostic: (reason, peer, controlId) => post({ t: 'diagnostic', reason, peer, controlId }),
	failed: () => {},
}).then(
	(receipt) => {
		port.on('message', (m: { t: string; seqs?: number[]; graceMs?: number }) => {
			if (m.t === 'delivered') receipt.delivered(m.seqs ?? []);
			else if (m.t === 'closeListener')
				void receipt.closeListener(m.graceMs ?? 0).then(() => {
					if (stored.length) sendStored();
					post({ t: 'listenerClosed' });
				});
			else if (m.t === 'close')
				void receipt.close().then(() => {
					post({ t: 'closed' });
					port.close();
				});
		});
		post({ t: 'ready', port: receipt.port });
	},
	(error: Error) => post({ t: 'failed', message: error.message }),
);
