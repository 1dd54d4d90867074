import type { IBinaryData, IDataObject, IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';

import {
	downloadToBinary,
	readResources,
	type FileAccess,
	type Manifest,
} from '../../transport/bulk';
import type { FhirScope } from '../../transport/fhir';
import { afterSuccess } from '../router';

// File-level resume (docs/bulk-export.md#resume): per status URL, the files this node finished
// (with their stored binary) and the ones it already output. A file is "delivered" only once the
// node run returned it; finished-but-undelivered files are re-used from the binary store instead of
// fetched again.

interface FileRecord {
	binary?: IBinaryData;
	delivered: boolean;
}
interface Checkpoint {
	files: Record<string, FileRecord>;
	at: number;
}
const KEEP = 20;

export function checkpoints(ctx: IExecuteFunctions): Record<string, Checkpoint> {
	const data = ctx.getWorkflowStaticData('node');
	data.bulkDownloads ??= {};
	return data.bulkDownloads as Record<string, Checkpoint>;
}

function checkpointFor(ctx: IExecuteFunctions, statusUrl: string): Checkpoint {
	const all = checkpoints(ctx);
	all[statusUrl] ??= { files: {}, at: Date.now() };
	all[statusUrl].at = Date.now();
	const urls = Object.keys(all).sort((a, b) => all[b].at - all[a].at);
	for (const old of urls.slice(KEEP)) delete all[old];
	return all[statusUrl];
}

async function stillStored(
	ctx: IExecuteFunctions,
	binary: IBinaryData | undefined,
): Promise<boolean> {
	if (!binary?.id) return false;
	try {
		await ctx.helpers.getBinaryMetadata(binary.id);
		return true;
	} catch {
		return false;
	}
}

function tokenOrigins(value: unknown): Set<string> {
	const out = new Set<string>();
	for (const part of String(value ?? '')
		.split(/[\s,]+/)
		.filter(Boolean)) {
		try {
			out.add(new URL(part).origin);
		} catch {
			/* not a URL: ignored, so it can never widen where the token goes */
		}
	}
	return out;
}

/** The export's files as items: binary NDJSON files or parsed resources; error files as OperationOutcome items. */
export async function deliverFiles(
	ctx: IExecuteFunctions,
	scope: FhirScope,
	statusUrl: string,
	manifest: Manifest,
	i: number,
): Promise<INodeExecutionData[]> {
	const output = ctx.getNodeParameter('output', i, 'binary') as string;
	const options = ctx.getNodeParameter('downloadOptions', i, {}) as IDataObject;
	const access: FileAccess = {
		requiresAccessToken: manifest.requiresAccessToken !== false,
		tokenOrigins: tokenOrigins(options.authOrigins),
		itemIndex: i,
	};
	const checkpoint =
		options.resume !== false && output === 'binary' ? checkpointFor(ctx, statusUrl) : undefined;
	const delivered: FileRecord[] = [];
	const items: INodeExecutionData[] = [];
	const pairedItem = { item: i };

	if (output === 'resources') {
		let left = ctx.getNodeParameter('maxResources', i, 1000) as number;
		for (const file of manifest.output) {
			if (left <= 0) break;
			const resources = await readResources(ctx, scope, file, file.type, left, access);
			left -= resources.length;
			for (const json of resources) items.push({ json, pairedItem });
		}
	} else {
		const property = (ctx.getNodeParameter('binaryPropertyName', i, 'data') as string) || 'data';
		for (const [index, file] of manifest.output.entries()) {
			const record = checkpoint?.files[file.url];
			if (record?.delivered) continue;
			let binary = (await stillStored(ctx, record?.binary)) ? record!.binary : undefined;
			const resumed = binary !== undefined;
			if (!binary) {
				binary = await downloadToBinary(ctx, scope, file, index, access);
				// recorded at once, so a failure on a later file keeps this one
				if (checkpoint)
					checkpoint.files[file.url] = { binary: binary.id ? binary : undefined, delivered: false };
			}
			if (checkpoint) delivered.push(checkpoint.files[file.url]);
			items.push({
				json: {
					type: file.type,
					url: file.url,
					count: file.count,
					bytes: binary.bytes,
					fileName: binary.fileName,
					statusUrl,
					transactionTime: manifest.transactionTime,
					resumed,
				},
				binary: { [property]: binary },
				pairedItem,
			});
		}
	}
	for (const file of manifest.error) {
		if (checkpoint?.files[file.url]?.delivered) continue;
		for (const json of await readResources(ctx, scope, file, 'OperationOutcome', 100_000, access))
			items.push({ json, pairedItem });
		if (checkpoint) delivered.push((checkpoint.files[file.url] = { delivered: false }));
	}
	afterSuccess(ctx, () => {
		for (const record of delivered) {
			record.delivered = true;
			delete record.binary;
		}
	});
	return items;
}
