import {
	NodeApiError,
	NodeOperationError,
	type IBinaryData,
	type JsonObject,
	type IDataObject,
	type IExecuteFunctions,
} from 'n8n-workflow';

import { asNodeError, athenaApiError, jsonOrText } from './errors';
import { FHIR_ACCEPT, originOf, type FhirScope } from './fhir';
import { parseRetryAfter } from './retryPolicy';
import { header, send, type FullResponse } from './send';
import { sleep } from './sleep';

// FHIR Bulk Data ($export, https://hl7.org/fhir/uv/bulkdata/) on the shared transport: kick-off,
// status polling that honours Retry-After in both forms and waits out 429s, and file downloads
// streamed into n8n's binary store. The token goes only to athena's own origin (or origins the
// user lists); redirects are followed by hand so it is never forwarded to another host (file
// servers redirect to storage, which must not get the token:
// https://github.com/cerner/fhir.cerner.com/pull/899).

export interface ManifestFile {
	type: string;
	url: string;
	count?: number;
}

export interface Manifest {
	transactionTime?: string;
	request?: string;
	requiresAccessToken?: boolean;
	output: ManifestFile[];
	error: ManifestFile[];
	/** The manifest's `extension`, as an object whatever form athena sent (docs/athena-behaviour.md#bulk-manifest). */
	extension?: IDataObject;
}

/**
 * Errors saying an export file is gone: export files expire (docs/athena-behaviour.md#export-expiry).
 * Export and Wait catches them and exports again; other operations report them with what to do.
 */
const goneFiles = new WeakSet<object>();
export const isFileGone = (error: unknown) =>
	typeof error === 'object' && error !== null && goneFiles.has(error);

/** Whether an error is athena saying the export or its file is gone (404 or 410). */
export const isGone = (error: unknown) =>
	isFileGone(error) || ['404', '410'].includes(String((error as { httpCode?: string })?.httpCode));

export type ExportStatus =
	| { state: 'in-progress'; progress?: string; retryAfterMs?: number }
	| { state: 'complete'; manifest: Manifest };

const NDJSON = 'application/fhir+ndjson';
const MAX_REDIRECTS = 5;
const FILE_ATTEMPTS = 4;

/** A status URL must be on athena's FHIR origin: that is where the token goes. */
export function statusUrlOf(
	ctx: IExecuteFunctions,
	scope: FhirScope,
	value: unknown,
	itemIndex: number,
): string {
	const text = typeof value === 'string' ? value.trim() : '';
	if (!/^https?:\/\//.test(text) || originOf(text) !== originOf(scope.base)) {
		throw new NodeOperationError(
			ctx.getNode(),
			'Status URL must be the Content-Location athena gave at kick-off',
			{
				itemIndex,
				description:
					`Expected a URL on ${originOf(scope.base)}, got ${text ? `"${text.slice(0, 80)}"` : 'nothing'}. Use the statusUrl field of the Start ` +
					`operation's output.`,
			},
		);
	}
	return text;
}

export async function kickOff(
	ctx: IExecuteFunctions,
	scope: FhirScope,
	groupId: string,
	params: Array<[string, string]>,
	method: 'GET' | 'POST',
	itemIndex: number,
): Promise<{ statusUrl: string; request: string }> {
	const base = `${scope.base}/Group/${encodeURIComponent(groupId)}/$export`;
	const query = new URLSearchParams(params).toString();
	const url = method === 'GET' && query ? `${base}?${query}` : base;
	const body =
		method === 'POST'
			? JSON.stringify({
					resourceType: 'Parameters',
					parameter: params.map(([name, value]) =>
						name === '_since' ? { name, valueInstant: value } : { name, valueString: value },
					),
				})
			: undefined;
	let response: FullResponse;
	try {
		response = await send(ctx, scope.conn, {
			method,
			url,
			practiceId: scope.practiceId,
			body,
			headers: {
				Accept: FHIR_ACCEPT,
				Prefer: 'respond-async',
				...(body ? { 'Content-Type': FHIR_ACCEPT } : {}),
			},
			text: true,
			// a kick-off that got no answer may have started a job; never start a second one blindly
			idempotent: false,
			itemIndex,
		});
	} catch (error) {
		// athena runs one export per app at a time; one nobody waits for is most likely left by a run
		// that n8n stopped before it ended (its status URL was never saved)
		const e = error as NodeApiError;
		if (
			String(e.httpCode) === '429' &&
			/already running/i.test(
				`${e.message} ${e.description ?? ''} ${JSON.stringify(e.errorResponse ?? {})}`,
			)
		) {
			throw new NodeApiError(ctx.getNode(), (e.errorResponse ?? {}) as JsonObject, {
				message: 'athena is still running another export for this app',
				description:
					`athena said: ${e.message}${/\.$/.test(e.message) ? '' : '.'} If no other workflow exports with this client, it was started by a run that ` +
					`n8n stopped before it ended (n8n keeps a status URL only when the execution ends), so this node cannot re-attach to it. Find its status ` +
					`URL in the n8n log ("bulk export started"), then cancel it with Bulk Export → Cancel or download it with Download Files; or wait until ` +
					`athena finishes it and run again.`,
				httpCode: '429',
				itemIndex,
			});
		}
		throw asNodeError(ctx.getNode(), error);
	}
	const location = header(response.headers, 'content-location');
	if (response.statusCode !== 202 || !location) {
		throw athenaApiError(ctx.getNode(), {
			status: response.statusCode,
			method,
			path: new URL(base).pathname,
			itemIndex,
			message: `athena answered the export kick-off with HTTP ${response.statusCode}${location ? '' : ' and no Content-Location'}; expected 202 with a status URL`,
		});
	}
	return {
		statusUrl: statusUrlOf(ctx, scope, new URL(location, base).href, itemIndex),
		request: url,
	};
}

export async function getStatus(
	ctx: IExecuteFunctions,
	scope: FhirScope,
	statusUrl: string,
	itemIndex: number,
): Promise<ExportStatus> {
	const response = await send(ctx, scope.conn, {
		method: 'GET',
		url: statusUrl,
		practiceId: scope.practiceId,
		headers: { Accept: 'application/json' },
		text: true,
		itemIndex,
	});
	if (response.statusCode === 202) {
		return {
			state: 'in-progress',
			progress: header(response.headers, 'x-progress'),
			retryAfterMs: parseRetryAfter(header(response.headers, 'retry-after')),
		};
	}
	const manifest = parseManifest(response);
	if (response.statusCode !== 200 || !manifest) {
		throw athenaApiError(ctx.getNode(), {
			status: response.statusCode,
			method: 'GET',
			path: new URL(statusUrl).pathname,
			itemIndex,
			message: `athena's export status answered HTTP ${response.statusCode} without a manifest`,
		});
	}
	return { state: 'complete', manifest };
}

function parseManifest(response: FullResponse): Manifest | undefined {
	const m = (
		typeof response.body === 'string' ? jsonOrText(response.body) : response.body
	) as IDataObject;
	if (!m || typeof m !== 'object' || !Array.isArray(m.output)) return undefined;
	const files = (list: unknown) =>
		(Array.isArray(list) ? (list as IDataObject[]) : [])
			.filter((f) => typeof f?.url === 'string')
			.map((f) => ({
				type: String(f.type ?? ''),
				url: String(f.url),
				count: typeof f.count === 'number' ? f.count : undefined,
			}));
	// fields this client does not know (newer Bulk Data versions add some) are ignored
	return {
		transactionTime: typeof m.transactionTime === 'string' ? m.transactionTime : undefined,
		request: typeof m.request === 'string' ? m.request : undefined,
		requiresAccessToken: m.requiresAccessToken !== false,
		output: files(m.output),
		error: files(m.error),
		extension: extensionOf(m.extension),
	};
}

/**
 * Bulk Data 2.0 sends `extension` as a JSON object, the STU4 ballot as an array of FHIR extensions
 * (`{url, value[x]}`): both become one object keyed by name or url (docs/athena-behaviour.md#bulk-manifest).
 */
export function extensionOf(value: unknown): IDataObject | undefined {
	if (Array.isArray(value)) {
		const out: IDataObject = {};
		for (const entry of value as IDataObject[]) {
			if (!entry || typeof entry !== 'object' || typeof entry.url !== 'string') continue;
			const key = Object.keys(entry).find((k) => k.startsWith('value'));
			out[entry.url] = key ? entry[key] : (entry.extension as IDataObject);
		}
		return Object.keys(out).length ? out : undefined;
	}
	if (value && typeof value === 'object') return value as IDataObject;
	return undefined;
}

/**
 * Polls until the manifest is ready, sleeping as long as athena asks (Retry-After, either form;
 * 1-30 s backoff without one), up to `maxWaitMs`. A 429 answer is waited out too.
 */
export async function waitForManifest(
	ctx: IExecuteFunctions,
	scope: FhirScope,
	statusUrl: string,
	maxWaitMs: number,
	itemIndex: number,
): Promise<Manifest> {
	const deadline = Date.now() + maxWaitMs;
	const signal = ctx.getExecutionCancelSignal();
	for (let poll = 0; ; poll++) {
		let waitMs: number;
		try {
			const status = await getStatus(ctx, scope, statusUrl, itemIndex);
			if (status.state === 'complete') return status.manifest;
			waitMs = status.retryAfterMs ?? Math.min(30_000, 1_000 * 2 ** Math.min(poll, 5));
		} catch (error) {
			// a Retry-After longer than the transport waits: keep waiting here, within the budget
			const failure = (error as { failure?: { cause?: string; retryAfterMs?: number } }).failure;
			if (failure?.cause !== 'rate-limited' || failure.retryAfterMs === undefined)
				throw asNodeError(ctx.getNode(), error);
			waitMs = failure.retryAfterMs;
		}
		waitMs = Math.max(500, waitMs);
		const left = deadline - Date.now();
		if (left <= 0 || waitMs > left) {
			throw new NodeOperationError(
				ctx.getNode(),
				`The export was not ready within ${Math.round(maxWaitMs / 60000)} minute(s)`,
				{
					itemIndex,
					description:
						`athena is still preparing it. Run this node again (it continues with the same export), or use Download Files later with status URL ` +
						`${statusUrl}.`,
				},
			);
		}
		try {
			await sleep(waitMs, signal);
		} catch {
			throw new NodeOperationError(
				ctx.getNode(),
				'The execution was cancelled while waiting for the export',
				{ itemIndex },
			);
		}
	}
}

export async function cancelExport(
	ctx: IExecuteFunctions,
	scope: FhirScope,
	statusUrl: string,
	itemIndex: number,
): Promise<void> {
	await send(ctx, scope.conn, {
		method: 'DELETE',
		url: statusUrl,
		practiceId: scope.practiceId,
		headers: { Accept: FHIR_ACCEPT },
		text: true,
		idempotent: true,
		itemIndex,
	});
}

export interface FileAccess {
	requiresAccessToken: boolean;
	/** Other origins the user allows the token to go to. */
	tokenOrigins: Set<string>;
	itemIndex: number;
}

function destroy(body: unknown) {
	(body as { destroy?: () => void })?.destroy?.();
}

/** GETs a file as a stream, following redirects by hand and sending the token only where allowed. */
export async function openFile(
	ctx: IExecuteFunctions,
	scope: FhirScope,
	url: string,
	access: FileAccess,
): Promise<FullResponse> {
	const home = originOf(scope.base);
	let current = url;
	for (let hop = 0; hop <= MAX_REDIRECTS; hop++) {
		const origin = originOf(current);
		if (!origin || !/^https?:/.test(current)) {
			throw new NodeOperationError(
				ctx.getNode(),
				`The export manifest lists a file URL that is not http(s): "${current.slice(0, 80)}"`,
				{ itemIndex: access.itemIndex },
			);
		}
		const withToken =
			access.requiresAccessToken && (origin === home || access.tokenOrigins.has(origin));
		let response: FullResponse;
		try {
			response = await send(ctx, scope.conn, {
				method: 'GET',
				url: current,
				practiceId: scope.practiceId,
				headers: { Accept: NDJSON },
				stream: true,
				authenticate: withToken,
				tokenOriginAllowed: withToken && origin !== home,
				noRedirects: true,
				itemIndex: access.itemIndex,
				timeoutMs: 300_000,
			});
		} catch (error) {
			const status = Number((error as { httpCode?: string }).httpCode);
			if (status === 404 || status === 410) {
				const name = new URL(url).pathname.split('/').pop() ?? 'an export file';
				const said = (error as Error).message ?? '';
				const gone = new NodeOperationError(
					ctx.getNode(),
					`The export file ${name} is no longer on athena's server (HTTP ${status})${said ? `: ${said}` : ''}`,
					{
						itemIndex: access.itemIndex,
						description:
							'athena keeps export files only for a while after the export completes. Start the export again and download its files soon after it ' +
							'completes: Export and Wait does this by itself; with Start and Download Files, run Start again (with the same Since) and Download ' +
							'Files with the new status URL.',
					},
				);
				goneFiles.add(gone);
				throw gone;
			}
			if (!withToken && access.requiresAccessToken && (status === 401 || status === 403)) {
				throw new NodeOperationError(
					ctx.getNode(),
					`The file server ${origin} wants an access token, which this node sends only to ${home}`,
					{
						itemIndex: access.itemIndex,
						description: `If ${origin} belongs to athena, add it to the option "Send Authorization To Origins".`,
					},
				);
			}
			throw asNodeError(ctx.getNode(), error);
		}
		if (response.statusCode >= 300 && response.statusCode < 400) {
			const location = header(response.headers, 'location');
			destroy(response.body);
			if (!location) break;
			current = new URL(location, current).href;
			continue;
		}
		return response;
	}
	throw new NodeOperationError(
		ctx.getNode(),
		`Too many redirects while downloading ${new URL(url).pathname}`,
		{ itemIndex: access.itemIndex },
	);
}

function fileNameOf(file: ManifestFile, index: number): string {
	const last = new URL(file.url).pathname.split('/').pop() ?? '';
	return /^[\w.-]+\.ndjson$/.test(last) ? last : `${index + 1}.${file.type || 'export'}.ndjson`;
}

/**
 * Streams one file into n8n's binary store (disk in n8n's default filesystem mode, so memory stays
 * flat). Bytes are stored as they come, so a character split across network chunks stays intact.
 * A connection that breaks mid-file restarts that file (with a fresh token if it expired).
 */
export async function downloadToBinary(
	ctx: IExecuteFunctions,
	scope: FhirScope,
	file: ManifestFile,
	index: number,
	access: FileAccess,
): Promise<IBinaryData> {
	const signal = ctx.getExecutionCancelSignal();
	for (let attempt = 1; ; attempt++) {
		const response = await openFile(ctx, scope, file.url, access);
		try {
			const binary = await ctx.helpers.prepareBinaryData(
				response.body as Buffer,
				fileNameOf(file, index),
				NDJSON,
			);
			const expected = Number(header(response.headers, 'content-length'));
			if (expected > 0 && binary.bytes !== undefined && binary.bytes !== expected)
				throw new Error(`got ${binary.bytes} of ${expected} bytes`);
			return binary;
		} catch (error) {
			destroy(response.body);
			if (signal?.aborted)
				throw new NodeOperationError(
					ctx.getNode(),
					'The execution was cancelled during a download',
					{ itemIndex: access.itemIndex },
				);
			if (attempt >= FILE_ATTEMPTS) {
				throw new NodeOperationError(
					ctx.getNode(),
					`The download of ${fileNameOf(file, index)} broke off ${attempt} times`,
					{
						itemIndex: access.itemIndex,
						description: `Last error: ${(error as Error).message}. Files finished before it are kept: run the node again to continue from this file.`,
					},
				);
			}
			await sleep(500 * attempt, signal).catch(() => undefined);
		}
	}
}

/** NDJSON lines of a streamed body, decoded with a streaming TextDecoder (UTF-8 safe across chunks). */
export async function* ndjsonLines(
	body: unknown,
	maxLineChars = 10_000_000,
): AsyncGenerator<string> {
	const decoder = new TextDecoder('utf-8');
	let rest = '';
	for await (const chunk of body as AsyncIterable<Uint8Array>) {
		rest += decoder.decode(chunk, { stream: true });
		let start = 0;
		for (let nl = rest.indexOf('\n'); nl >= 0; nl = rest.indexOf('\n', start)) {
			const line = rest.slice(start, nl).trim();
			start = nl + 1;
			if (line) yield line;
		}
		rest = rest.slice(start);
		if (rest.length > maxLineChars)
			throw new Error(`an NDJSON line is longer than ${maxLineChars} characters`);
	}
	rest += decoder.decode();
	if (rest.trim()) yield rest.trim();
}

/** Parses one file into resources (checking each line's resourceType against the manifest), up to `max`. */
export async function readResources(
	ctx: IExecuteFunctions,
	scope: FhirScope,
	file: ManifestFile,
	expectedType: string,
	max: number,
	access: FileAccess,
): Promise<IDataObject[]> {
	const out: IDataObject[] = [];
	if (max <= 0) return out;
	const response = await openFile(ctx, scope, file.url, access);
	let lineNo = 0;
	try {
		for await (const line of ndjsonLines(response.body)) {
			lineNo++;
			let resource: IDataObject;
			try {
				resource = JSON.parse(line) as IDataObject;
			} catch {
				throw new NodeOperationError(
					ctx.getNode(),
					`Line ${lineNo} of the ${expectedType} export file is not JSON`,
					{ itemIndex: access.itemIndex },
				);
			}
			if (expectedType && resource.resourceType !== expectedType) {
				throw new NodeOperationError(
					ctx.getNode(),
					`Line ${lineNo} of the ${expectedType} export file holds a ${String(resource.resourceType)}`,
					{ itemIndex: access.itemIndex },
				);
			}
			out.push(resource);
			if (out.length >= max) break;
		}
	} finally {
		destroy(response.body);
	}
	return out;
}
