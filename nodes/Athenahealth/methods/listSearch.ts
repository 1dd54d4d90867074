import {
	type IDataObject,
	type ILoadOptionsFunctions,
	type INodeListSearchResult,
} from 'n8n-workflow';

import { reachablePractices } from '../actions/practice/common';
import { practiceOf } from './practice';
import { athenaList } from '../transport/paginate';
import { athenaRequest } from '../transport/request';

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

/** athena's medication reference search (a bare array; athena wants a search term). */
export async function searchMedications(
	this: ILoadOptionsFunctions,
	filter?: string,
): Promise<INodeListSearchResult> {
	const term = (filter ?? '').trim();
	if (term.length < 2) return { results: [] };
	const records = (await athenaRequest(this, {
		method: 'GET',
		path: '/reference/medications',
		qs: { searchvalue: term },
		practiceId: practiceOf(this),
	})) as IDataObject[];
	return {
		results: (Array.isArray(records) ? records : []).slice(0, 100).map((r) => ({
			name: `${String(r.medication ?? '')} (${String(r.medicationid)})`,
			value: String(r.medicationid),
		})),
	};
}
