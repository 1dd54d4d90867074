import {
	NodeOperationError,
	type IDataObject,
	type ILoadOptionsFunctions,
	type INodeListSearchResult,
} from 'n8n-workflow';

import { reachablePractices } from '../actions/practice/common';
import { athenaList } from '../transport/paginate';

/**
 * The node's Practice ID, so the list shows ids of the practice the call will go to (the transport
 * still checks it against the credential). An expression that needs input data cannot be resolved
 * while editing; the list is refused then rather than showing another practice's records.
 */
function practiceOf(ctx: ILoadOptionsFunctions): string | undefined {
	// a resource locator ({ mode, value }); workflows saved before it hold a plain string
	const current = ctx.getCurrentNodeParameter('practiceId');
	const raw =
		current && typeof current === 'object' && 'value' in current
			? (current as { value: unknown }).value
			: current;
	let value: unknown = raw;
	if (typeof raw === 'string' && raw.startsWith('=')) {
		try {
			value = ctx.getNodeParameter('practiceId', '', { extractValue: true });
		} catch {
			value = undefined;
		}
		if (typeof value !== 'string' && typeof value !== 'number') {
			throw new NodeOperationError(
				ctx.getNode(),
				'The Practice ID expression cannot be resolved while editing',
				{
					description:
						'Enter the ID by hand (mode "By ID"), or set Practice ID to a fixed value while you pick from the list.',
				},
			);
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
	const records = await athenaList(ctx, {
		method: 'GET',
		path,
		wrapper,
		qs,
		practiceId: practiceOf(ctx),
		maxItems: 1000,
	});
	const needle = (filter ?? '').toLowerCase();
	const results = records
		.map((r) => ({ name: `${label(r)} (${String(r[idKey])})`, value: String(r[idKey]) }))
		.filter((r) => !needle || r.name.toLowerCase().includes(needle));
	return { results };
}

export async function searchDepartments(this: ILoadOptionsFunctions, filter?: string) {
	return await search(
		this,
		'/departments',
		'departments',
		'departmentid',
		(r) => String(r.patientdepartmentname ?? r.name ?? ''),
		filter,
	);
}

export async function searchProviders(this: ILoadOptionsFunctions, filter?: string) {
	return await search(
		this,
		'/providers',
		'providers',
		'providerid',
		(r) => String(r.displayname ?? `${r.firstname ?? ''} ${r.lastname ?? ''}`.trim()),
		filter,
	);
}

export async function searchAppointmentTypes(this: ILoadOptionsFunctions, filter?: string) {
	return await search(
		this,
		'/appointmenttypes',
		'appointmenttypes',
		'appointmenttypeid',
		(r) => String(r.name ?? ''),
		filter,
	);
}

/** The practice's patient custom fields (athena answers a bare array). */
export async function searchCustomFields(this: ILoadOptionsFunctions, filter?: string) {
	return await customFields(this, filter, false);
}

/** Only the searchable ones: what Find by Custom Field and Create or Update by External ID use. */
export async function searchSearchableCustomFields(this: ILoadOptionsFunctions, filter?: string) {
	return await customFields(this, filter, true);
}

async function customFields(
	ctx: ILoadOptionsFunctions,
	filter: string | undefined,
	searchableOnly: boolean,
): Promise<INodeListSearchResult> {
	const records = await athenaList(ctx, {
		method: 'GET',
		path: '/customfields',
		practiceId: practiceOf(ctx),
		maxItems: 1000,
	});
	const needle = (filter ?? '').toLowerCase();
	const yes = (v: unknown) => v === true || v === 'true';
	const results = records
		.filter((r) => !searchableOnly || yes(r.searchable) || yes(r.select))
		.map((r) => ({
			name: `${String(r.name ?? '')}${yes(r.select) ? ' (select)' : ''}${yes(r.searchable) ? ' (searchable)' : ''} (${String(r.customfieldid)})`,
			value: String(r.customfieldid),
		}))
		.filter((r) => !needle || r.name.toLowerCase().includes(needle));
	return { results };
}

/** Patients need a search term (athena refuses an unfiltered patient search). */
export async function searchPatients(
	this: ILoadOptionsFunctions,
	filter?: string,
): Promise<INodeListSearchResult> {
	const term = (filter ?? '').trim();
	if (term.length < 2) return { results: [] };
	const records = await athenaList(this, {
		method: 'GET',
		path: '/patients/search',
		qs: { searchterm: term },
		practiceId: practiceOf(this),
		maxItems: 50,
	});
	return {
		results: records.map((r) => ({
			name: `${String(r.lastname ?? '')}, ${String(r.firstname ?? '')} ${r.dob ? `(${String(r.dob)})` : ''} #${String(r.patientid)}`,
			value: String(r.patientid),
		})),
	};
}

/** The practices athena lets the credential reach; those the credential does not allow are marked. */
export async function searchPractices(
	this: ILoadOptionsFunctions,
	filter?: string,
): Promise<INodeListSearchResult> {
	const needle = (filter ?? '').toLowerCase();
	const results = (await reachablePractices(this))
		.map((p) => ({
			name: `${String(p.name ?? '')} (${String(p.practiceid)})${p.allowedByCredential ? '' : ' – not in Allowed Practice IDs'}`,
			value: String(p.practiceid),
		}))
		.filter((r) => !needle || r.name.toLowerCase().includes(needle));
	return { results };
}
