import { createHash } from 'crypto';
import {
	NodeApiError,
	updateDisplayOptions,
	type IDataObject,
	type IExecuteFunctions,
	type JsonObject,
} from 'n8n-workflow';

import { cancelExport, kickOff, waitForManifest, type Manifest } from '../../transport/bulk';
import { asNodeError } from '../../transport/errors';
import { fhirScope, requireScopes } from '../../transport/fhir';
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

const notFound = (error: unknown) => String((error as { httpCode?: string }).httpCode) === '404';
// athena's status URL answers an error status (not 202/200/404/429, and 502-504 were retried) when
// the export itself failed (Bulk Data IG "error status"): that export will never complete
const exportFailed = (error: unknown) => {
	const code = Number((error as { httpCode?: string }).httpCode);
	return code >= 400 && code !== 404 && code !== 429;
};

export async function execute(this: IExecuteFunctions, i: number) {
	const scope = await fhirScope(this, practiceOf(this, i), i);
	const req = exportRequest(this, i, scope.practiceId);
	requireScopes(this, scope, req.types, i);
	const maxWaitMs = (this.getNodeParameter('maxWaitMinutes', i, 60) as number) * 60_000;
	// The same request in a later run re-attaches to the export it started instead of starting another.
	const data = this.getWorkflowStaticData('node');
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
	let statusUrl = typeof pending[key] === 'string' ? (pending[key] as string) : undefined;
	let manifest: Manifest | undefined;
	if (statusUrl) {
		try {
			manifest = await wait(statusUrl);
		} catch (error) {
			if (!notFound(error)) throw asNodeError(this.getNode(), error);
			delete checkpoints(this)[statusUrl];
			statusUrl = undefined; // gone (expired or deleted): start again
		}
	}
	if (!statusUrl || !manifest) {
		statusUrl = (await kickOff(this, scope, req.groupId, req.params, req.method, i)).statusUrl;
		pending[key] = statusUrl;
		// n8n saves static data only when the execution ends: if n8n stops before that, the next run
		// cannot know this export. This line (at warn, so n8n's usual log levels keep it) names it so
		// it can be found and cancelled.
		this.logger.info(
			`athenahealth: bulk export started, status URL ${statusUrl} (if n8n stops before this execution ends, cancel it with Bulk Export → Cancel)`,
		);
		manifest = await wait(statusUrl);
	}
	const items = await deliverFiles(this, scope, statusUrl, manifest, i);
	if (this.getNodeParameter('deleteWhenDone', i, true)) {
		await cancelExport(this, scope, statusUrl, i).catch((error: unknown) => {
			if (!notFound(error)) throw asNodeError(this.getNode(), error);
		});
	}
	const done = statusUrl;
	afterSuccess(this, () => {
		delete pending[key];
		delete checkpoints(this)[done];
	});
	return items;
}
