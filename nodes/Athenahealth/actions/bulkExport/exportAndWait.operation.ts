import { createHash } from 'crypto';
import {
	NodeApiError,
	NodeOperationError,
	updateDisplayOptions,
	type IDataObject,
	type IExecuteFunctions,
	type INodeExecutionData,
	type JsonObject,
} from 'n8n-workflow';

import {
	cancelExport,
	getStatus,
	isFileGone,
	isGone,
	kickOff,
	waitForManifest,
	type Manifest,
} from '../../transport/bulk';
import { asNodeError } from '../../transport/errors';
import { fhirScope, originOf, requireScopes } from '../../transport/fhir';
import { show } from '../fields';
import { practiceOf } from '../params';
import { afterSuccess } from '../router';
import { checkpoints, deliverFiles } from './download';
import { downloadFields, exportRequest, startFields } from './fields';

export const option = {
	name: 'Export and Wait',
	value: 'exportAndWait',
	action: 'Export and wait for the files',
	description: 'Start an export, wait until it is ready, and download its files',
};

export const toolDescription =
	'Run an athenahealth FHIR bulk export and wait for its files. Not meant for agents: large binary output.';

export const writes = false;

export const description = updateDisplayOptions(show('bulkExport', 'exportAndWait'), [
	...startFields,
	{
		displayName: 'Since Last Export',
		name: 'sinceLastExport',
		type: 'boolean',
		default: false,
		description:
			"Whether to export only what changed since this node's last completed export of the same practice and types: its transactionTime is sent as _since. " +
			'The first run exports everything (or from Since); a failed run keeps the mark. ' +
			"Kept in the workflow's static data, which n8n saves for production executions, not manual ones.",
	},
	{
		displayName: 'Max Wait (Minutes)',
		name: 'maxWaitMinutes',
		type: 'number',
		default: 60,
		typeOptions: { minValue: 1 },
		description:
			'Give up waiting after this long; running the node again continues with the same export',
	},
	...downloadFields,
	{
		displayName: 'Delete Export When Done',
		name: 'deleteWhenDone',
		type: 'boolean',
		default: true,
		description:
			'Whether to tell athena (DELETE) that the files may be removed once they are downloaded',
	},
]);

// athena's status URL answers an error status (not 202/200/404/410/429, and 502-504 were retried)
// when the export itself failed (Bulk Data IG "error status"): that export will never complete
const exportFailed = (error: unknown) => {
	const code = Number((error as { httpCode?: string }).httpCode);
	return code >= 400 && !isGone(error) && code !== 429;
};

export async function execute(this: IExecuteFunctions, i: number) {
	const scope = await fhirScope(this, practiceOf(this, i), i);
	const req = exportRequest(this, i, scope.practiceId);
	requireScopes(this, scope, req.types, i);
	const maxWaitMs = (this.getNodeParameter('maxWaitMinutes', i, 60) as number) * 60_000;
	const data = this.getWorkflowStaticData('node');

	// Since Last Export (docs/bulk-export.md#since-last-export): the last completed export's
	// transactionTime per practice, group, types and type filter, sent as _since on the next run.
	let markKey: string | undefined;
	let since = req.params.find(([name]) => name === '_since')?.[1];
	const marks = (data.exportMarks ??= {}) as IDataObject;
	if (this.getNodeParameter('sinceLastExport', i, false)) {
		const typeFilter = req.params.find(([name]) => name === '_typeFilter')?.[1] ?? '';
		markKey = JSON.stringify([
			originOf(scope.base),
			scope.practiceId,
			req.groupId,
			[...req.types].sort(),
			typeFilter,
		]);
		const mark = marks[markKey];
		if (typeof mark === 'string') {
			since = mark;
			req.params = [...req.params.filter(([name]) => name !== '_since'), ['_since', mark]];
		}
	}

	// The same request in a later run re-attaches to the export it started instead of starting another.
	const pending = (data.pendingExports ??= {}) as IDataObject;
	const key = createHash('sha1')
		.update(JSON.stringify([scope.base, scope.practiceId, req]))
		.digest('hex');

	// Forgets an export athena reports as failed, so the next run starts a new one, and says so.
	const wait = async (url: string) => {
		try {
			return await waitForManifest(this, scope, url, maxWaitMs, i);
		} catch (error) {
			if (!exportFailed(error)) throw asNodeError(this.getNode(), error);
			delete pending[key];
			delete checkpoints(this)[url];
			const e = error as NodeApiError;
			throw new NodeApiError(this.getNode(), (e.errorResponse ?? {}) as JsonObject, {
				message: `athena reports that the export failed (HTTP ${String(e.httpCode)}): ${e.message}`,
				description:
					`This node has forgotten that export, so the next run starts a new one. ${e.description ?? ''}`.trim(),
				httpCode: e.httpCode ?? undefined,
				itemIndex: i,
			});
		}
	};
	const start = async () => {
		const url = (await kickOff(this, scope, req.groupId, req.params, req.method, i)).statusUrl;
		pending[key] = url;
		// n8n saves static data only when the execution ends: if n8n stops before that, the next run
		// cannot know this export. This line names it so it can be found and cancelled.
		this.logger.info(
			`athenahealth: bulk export started, status URL ${url} (if n8n stops before this execution ends, cancel it with Bulk Export → Cancel)`,
		);
		return url;
	};
	const forget = (url: string) => {
		delete pending[key];
		delete checkpoints(this)[url];
	};

	let statusUrl = typeof pending[key] === 'string' ? (pending[key] as string) : undefined;
	let manifest: Manifest | undefined;
	if (statusUrl) {
		try {
			manifest = await wait(statusUrl);
		} catch (error) {
			if (!isGone(error)) throw asNodeError(this.getNode(), error);
			forget(statusUrl);
			statusUrl = undefined; // gone (expired or deleted): start again
		}
	}
	let items: INodeExecutionData[] | undefined;
	// A file that answers 404/410: if the status URL says the export is gone too, its output expired
	// before it was fetched, so export once more (docs/athena-behaviour.md#export-expiry; a second
	// loss is reported). If the export is still there, the file is reported and the next run
	// re-attaches and fetches it again.
	for (let attempt = 1; !items; attempt++) {
		if (!statusUrl || !manifest) {
			statusUrl = await start();
			manifest = await wait(statusUrl);
		}
		try {
			items = await deliverFiles(this, scope, statusUrl, manifest, i);
		} catch (error) {
			if (!isFileGone(error) || attempt >= 2) throw asNodeError(this.getNode(), error);
			const url = statusUrl;
			const exportGone = await getStatus(this, scope, url, i).then(
				() => false,
				(statusError: unknown) => isGone(statusError),
			);
			if (!exportGone) {
				const e = error as NodeOperationError;
				throw new NodeOperationError(this.getNode(), e.message, {
					itemIndex: i,
					description:
						'athena still lists this export, so this node keeps it: run the node again to fetch the file again (finished files are kept). ' +
						`If athena answers the same, the file has expired: cancel the export with Bulk Export → Cancel (status URL ${url}) and run again to export anew.`,
				});
			}
			this.logger.info(`athenahealth: the output of bulk export ${url} is gone; exporting again`);
			forget(url);
			statusUrl = undefined;
			manifest = undefined;
		}
	}
	const done = statusUrl as string;
	if (this.getNodeParameter('deleteWhenDone', i, true)) {
		await cancelExport(this, scope, done, i).catch((error: unknown) => {
			if (!isGone(error)) throw asNodeError(this.getNode(), error);
		});
	}
	const transactionTime = manifest?.transactionTime;
	if (markKey) {
		// file items say which _since they answer (resource items stay FHIR resources)
		for (const item of items) if (item.binary) item.json.since = since ?? null;
		if (!transactionTime)
			this.logger.warn(
				'athenahealth: the export manifest has no transactionTime, so Since Last Export keeps its mark',
			);
	}
	const mark = markKey;
	afterSuccess(this, () => {
		forget(done);
		// the mark moves only when the node run returned this export's files
		if (mark && transactionTime) marks[mark] = transactionTime;
	});
	return items;
}
