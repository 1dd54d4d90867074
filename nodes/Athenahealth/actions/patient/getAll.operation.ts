import {
	NodeApiError,
	updateDisplayOptions,
	type IDataObject,
	type IExecuteFunctions,
	type JsonObject,
} from 'n8n-workflow';

import { coversType } from '../../shared/fhirTypes';
import { getConnection } from '../../transport/connection';
import { asNodeError } from '../../transport/errors';
import { listTotalUnknown } from '../../shared/toolUse';
import { fhirScope, fhirSearchPages, practiceParam } from '../../transport/fhir';
import { athenaList } from '../../transport/paginate';
import { athenaRequest } from '../../transport/request';
import { returnAllAndLimit, show, simplifyField } from '../fields';
import { simplified, single, toItems } from '../output';
import { idParam, maxItems, practiceOf } from '../params';
import { departmentLocator } from '../locators';
import { patientStatusField } from './fields';

export const option = {
	name: 'Get Many',
	value: 'getAll',
	action: 'Get many patients',
	description: 'List the patients of a department',
};

export const toolDescription =
	'List the patients registered in one athenahealth department. Returns patients with ID, name, date of birth and contact details.';

export const writes = false;

export const description = updateDisplayOptions(show('patient', 'getAll'), [
	departmentLocator(),
	patientStatusField,
	...returnAllAndLimit,
	simplifyField,
]);

// athena refuses any patient search whose whole result is over 1,000 records, even with paging
// ("too broad", docs/athena-behaviour.md#patient-search-limit). A large department is then read in
// parts by the initial of the last name, and where one initial is itself over 1,000, by last and
// first initial together (every patient has both names: athena requires them), merged by patient
// id. Splitting by initials, not by longer prefixes, keeps a patient whose whole last name is the
// prefix ("Li") in some part.
const TOO_BROAD = /larger than 1000 records/;
const ATHENA_MAX = 1000;
// Initials a name starts with: Latin letters, the accented capitals of Latin-1 and Latin Extended-A, digits.
const INITIALS = [
	...'ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789',
	...'ÀÁÂÃÄÅÆÇÈÉÊËÌÍÎÏÐÑÒÓÔÕÖØÙÚÛÜÝÞ',
	...'ĀĂĄĆČĎĐĒĖĘĚĞĢĪĮİĶĹĻĽŁŃŅŇŌŐŒŔŘŚŞŠŢŤŪŮŰŲŹŻŽ',
];
const MAX_SEARCHES = 2000;

const tooBroad = (error: unknown) =>
	String((error as NodeApiError).httpCode) === '400' &&
	TOO_BROAD.test((error as Error).message ?? '');

export async function execute(this: IExecuteFunctions, i: number) {
	const departmentid = idParam(this, 'departmentId', i, 'Department');
	const status = this.getNodeParameter('status', i) as string;
	const limit = maxItems(this, i);
	const list = (qs: IDataObject, max: number | undefined) =>
		athenaList(this, {
			method: 'GET',
			path: '/patients',
			wrapper: 'patients',
			qs: { departmentid, status, ...qs },
			practiceId: practiceOf(this, i),
			itemIndex: i,
			maxItems: max,
		});
	const refuse = (athenaSaid: string, why: string) =>
		new NodeApiError(this.getNode(), { error: athenaSaid } as JsonObject, {
			message: `Department ${departmentid} has more than 1,000 ${status} patients, more than athena returns for one search`,
			description:
				`athena said: "${athenaSaid}" ${why} Read the department in parts with Patient Search: Department ID ${departmentid} plus a Last Name or a ` +
				`Date of Birth, so that each search finds under 1,000 patients. Or use a Bulk Export (FHIR) of the practice.`,
			httpCode: '400',
			itemIndex: i,
		});

	const split = async (athenaSaid: string): Promise<IDataObject[]> => {
		listTotalUnknown(this, i); // the list is put together from several searches
		const byId = new Map<string, IDataObject>();
		const full = () => limit !== undefined && byId.size >= limit;
		let searches = 0;
		const read = async (lastname: string, firstname?: string): Promise<void> => {
			if (full()) return;
			if (++searches > MAX_SEARCHES)
				throw refuse(
					athenaSaid,
					`Reading it by the initials of the patients' names took more than ${MAX_SEARCHES} searches.`,
				);
			try {
				for (const record of await list(
					{ lastname, ...(firstname ? { firstname } : {}) },
					limit === undefined ? undefined : limit - byId.size,
				)) {
					if (!full()) byId.set(String(record.patientid), record);
				}
			} catch (error) {
				if (!tooBroad(error)) throw asNodeError(this.getNode(), error);
				if (firstname)
					throw refuse(
						athenaSaid,
						`Even the patients whose last name starts with "${lastname}" and first name with "${firstname}" are more than 1,000.`,
					);
				for (const initial of INITIALS) await read(lastname, initial);
			}
		};
		for (const initial of INITIALS) await read(initial);
		// over 1,000 in the department but not in the parts: athena did not match the last name by
		// its beginning, so the parts are not the whole department; FHIR can still read it
		if (!full() && byId.size <= ATHENA_MAX) {
			const read = await viaFhir(athenaSaid, byId);
			if (read) return read;
			throw refuse(
				athenaSaid,
				'athena did not match names by their first letters, so the department cannot be read in parts automatically. With FHIR turned on in the ' +
					'credential (and system/Patient.read), this node reads such a department through FHIR instead.',
			);
		}
		return [...byId.values()];
	};

	// The department through FHIR (Patient?ah-department=…, docs/athena-behaviour.md#fhir-patient-department):
	// its patients' ids, mapped back to athenaNet records by exact last name (the match athena
	// does), one by one for the rest. Whether FHIR caps this search is not documented: a capped or
	// refused search is reported, never returned in part. Undefined when FHIR is not on.
	const viaFhir = async (
		athenaSaid: string,
		have: Map<string, IDataObject>,
	): Promise<IDataObject[] | undefined> => {
		const conn = await getConnection(this);
		if (!conn.fhirEnabled || !coversType(conn.scopes, 'Patient')) return undefined;
		const scope = await fhirScope(this, practiceOf(this, i), i, ['Patient']);
		const pid = scope.practiceId;
		const params: Array<[string, string]> = [
			['ah-practice', practiceParam(pid)],
			['ah-department', `Organization/a-${pid}.Department-${departmentid}`],
			['_count', '1000'],
		];
		const ids = new Set<string>();
		const byFamily = new Map<string, string[]>();
		let total: number | undefined;
		try {
			for await (const bundle of fhirSearchPages(this, scope, 'Patient', params, {
				maxPages: 1000,
				itemIndex: i,
			})) {
				if (typeof bundle.total === 'number') total ??= bundle.total;
				for (const entry of (bundle.entry as IDataObject[] | undefined) ?? []) {
					const r = entry.resource as IDataObject | undefined;
					const m = /^a-\d+\.E-(\d+)$/.exec(String(r?.id ?? ''));
					if (r?.resourceType !== 'Patient' || !m || ids.has(m[1])) continue;
					// FHIR's active is athena's status active (inactive: false); others are read one by one
					if (
						(status === 'active' && r.active === false) ||
						(status === 'inactive' && r.active === true)
					)
						continue;
					ids.add(m[1]);
					const family = String((r.name as IDataObject[] | undefined)?.[0]?.family ?? '');
					byFamily.set(family, [...(byFamily.get(family) ?? []), m[1]]);
				}
			}
		} catch (error) {
			throw refuse(
				athenaSaid,
				`athena did not match names by their first letters, and its FHIR search of the department failed too: ${(error as Error).message}.`,
			);
		}
		if (total !== undefined && total > ids.size)
			throw refuse(
				athenaSaid,
				`athena did not match names by their first letters, and its FHIR search of the department stopped at ${ids.size} of ${total} patients.`,
			);
		const out = new Map<string, IDataObject>();
		const full = () => limit !== undefined && out.size >= limit;
		for (const [id, record] of have) if (ids.has(id) && !full()) out.set(id, record);
		const rest: string[] = [];
		for (const [family, members] of [...byFamily].sort(([a], [b]) => a.localeCompare(b))) {
			if (full()) break;
			if (members.every((id) => out.has(id))) continue;
			let found: IDataObject[] = [];
			try {
				if (family) found = await list({ lastname: family }, undefined);
			} catch (error) {
				if (!tooBroad(error)) throw asNodeError(this.getNode(), error);
			}
			const wanted = new Set(members);
			for (const record of found) {
				const id = String(record.patientid);
				if (wanted.has(id) && !full()) out.set(id, record);
			}
			rest.push(...members.filter((id) => !out.has(id)));
		}
		// not found by name (spelled otherwise in athenaNet, or not of this status): one by one
		for (const id of rest) {
			if (full()) break;
			if (out.has(id)) continue;
			const record = single(
				await athenaRequest(this, {
					method: 'GET',
					path: `/patients/${id}`,
					practiceId: practiceOf(this, i),
					itemIndex: i,
				}),
			);
			if (String(record.status ?? '') === status) out.set(id, record);
		}
		return [...out.values()];
	};

	let records: IDataObject[];
	try {
		records = await list({}, limit);
	} catch (error) {
		if (!tooBroad(error)) throw asNodeError(this.getNode(), error);
		records = await split((error as Error).message);
	}
	return toItems(simplified(this, i, 'patient', records), i);
}
