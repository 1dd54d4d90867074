import { NodeOperationError, type IDataObject, type ILoadOptionsFunctions, type INodeListSearchResult } from 'n8n-workflow';

import { athenaList } from '../transport/paginate';

/**
 * The node's Practice ID, so the list shows ids of the practice the call will go to (the transport
 * still checks it against the credential). An expression that needs input data cannot be resolved
 * while editing; the list is refused then rather than showing another practice's records.
 */
function practiceOf(ctx: ILoadOptionsFunctions): string | undefined {
	const raw = ctx.getCurrentNodeParameter('practiceId');
	let value: unknown = raw;
	if (typeof raw === 'string' && raw.startsWith('=')) {
		try {
			value = ctx.getNodeParameter('practiceId', '');
		} catch {
			value = undefined;
		}
		if (typeof value !== 'string' && typeof value !== 'number') {
			throw new NodeOperationError(ctx.getNode(), 'The Practice ID expression cannot be resolved while editing', {
				description: 'Enter the ID by hand (mode "By ID"), or set Practice ID to a fixed value while you pick from the list.',
			});
		}
	}
	return value === '' || value === undefined || value === null ? undefined : String(value);
}

async function search(
	ctx: ILoadOptionsFunctions,
	path: string,
	wrapper: string,
	idKey: string,
	label: (r: IDataObject) => string,
	filter?: string,
	qs?: IDataObject,
): Promise<INodeListSearchResult> {
	const records = await athenaList(ctx, { method: 'GET', path, wrapper, qs, practiceId: practiceOf(ctx), maxItems: 1000 });
	const needle = (filter ?? '').toLowerCase();
	const results = records
		.map((r) => ({ name: `${label(r)} (${String(r[idKey])})`, value: String(r[idKey]) }))
		.filter((r) => !needle || r.name.toLowerCase().includes(needle));
	return { results };
}

export async function searchDepartments(this: ILoadOptionsFunctions, filter?: string) {
	return await search(this, '/departments', 'departments', 'departmentid', (r) => String(r.patientdepartmentname ?? r.name ?? ''), filter);
}

export async function searchProviders(this: ILoadOptionsFunctions, filter?: string) {
	return await search(this, '/providers', 'providers', 'providerid', (r) => String(r.displayname ?? `${r.firstname ?? ''} ${r.lastname ?? ''}`.trim()), filter);
}

export async function searchAppointmentTypes(this: ILoadOptionsFunctions, filter?: string) {
	return await search(this, '/appointmenttypes', 'appointmenttypes', 'appointmenttypeid', (r) => String(r.name ?? ''), filter);
}

/** Patients need a search term (athena refuses an unfiltered patient search). */
export async function searchPatients(this: ILoadOptionsFunctions, filter?: string): Promise<INodeListSearchResult> {
	const term = (filter ?? '').trim();
	if (term.length < 2) return { results: [] };
	const records = await athenaList(this, { method: 'GET', path: '/patients/search', qs: { searchterm: term }, practiceId: practiceOf(this), maxItems: 50 });
	return {
		results: records.map((r) => ({
			name: `${String(r.lastname ?? '')}, ${String(r.firstname ?? '')} ${r.dob ? `(${String(r.dob)})` : ''} #${String(r.patientid)}`,
			value: String(r.patientid),
		})),
	};
}
