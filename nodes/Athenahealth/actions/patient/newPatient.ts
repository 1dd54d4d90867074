// Creating a patient, shared by Patient → Create and Patient → Create or Update by External ID: the
// fields a new patient needs, checked before any request, and the create itself, which is never
// repeated after a lost answer (docs/athena-behaviour.md#patient-create).
import type { IDataObject, IExecuteFunctions } from 'n8n-workflow';

import { CONTACT_FIELDS, patientFieldTooLong } from '../../shared/patientFields';
import { asNodeError, isAmbiguousFailure, unconfirmedWriteError } from '../../transport/errors';
import { athenaList } from '../../transport/paginate';
import { athenaRequest } from '../../transport/request';
import { single } from '../output';
import { checkNotFuture, compact, dateParam, inputError } from '../params';

/** First Name, Last Name, Date of Birth and Additional Fields, refused before any request when wrong. */
export function newPatientFields(ctx: IExecuteFunctions, i: number): IDataObject {
	const extra = ctx.getNodeParameter('additionalFields', i, {}) as IDataObject;
	const fields = compact({
		firstname: String(ctx.getNodeParameter('firstname', i, '')).trim(),
		lastname: String(ctx.getNodeParameter('lastname', i, '')).trim(),
		dob: dateParam(ctx, 'dob', i, 'Date of Birth'),
		...extra,
	});
	checkNotFuture(ctx, i, fields.dob as string, 'Date of Birth');
	if (!fields.firstname || !fields.lastname)
		throw inputError(
			ctx,
			i,
			'First Name and Last Name are required',
			'athena will not create a patient without both names.',
		);
	const tooLong = patientFieldTooLong(fields);
	if (tooLong) throw inputError(ctx, i, tooLong);
	return fields;
}

/** athena creates a patient only with one way to reach them (`why` says when this applies). */
export function requireContact(ctx: IExecuteFunctions, i: number, fields: IDataObject, why = '') {
	if (!CONTACT_FIELDS.some((f) => fields[f]))
		throw inputError(
			ctx,
			i,
			'Add a way to reach the patient',
			`${why}athena requires at least one of Email, SSN, Home/Mobile/Work Phone or ZIP Code for a new patient (Additional Fields).`,
		);
}

export interface CreateOptions {
	practiceId: string | undefined;
	/** skip the search made before the create (athena's own matching is bypassed too) */
	noSearchBefore?: boolean;
	/** after a lost answer, looked at first: the patients that are certainly the one made */
	lookAgain?: () => Promise<string[] | undefined>;
	/** what was being created, and how to check, for the error after a lost answer */
	what: string;
	howToCheck: string;
	/** called before the error after a lost answer is thrown */
	onUnconfirmed?: () => void;
}

/**
 * POST /patients with `form`. Returns the patient id, the ids of same-name patients that existed
 * before (athena answers a create that matches one with its id), and whether the answer was lost
 * and the patient found again by looking (by `lookAgain`, else as the one new same-name patient).
 */
export async function createPatient(
	ctx: IExecuteFunctions,
	i: number,
	form: IDataObject,
	o: CreateOptions,
): Promise<{ patientid: string; existing: Set<string>; recovered: boolean }> {
	const sameName = { firstname: form.firstname, lastname: form.lastname, dob: form.dob };
	const search = async () =>
		await athenaList(ctx, {
			method: 'GET',
			path: '/patients',
			wrapper: 'patients',
			qs: sameName,
			practiceId: o.practiceId,
			itemIndex: i,
			maxItems: 100,
		});
	const existing = new Set(
		(o.noSearchBefore ? [] : await search()).map((p) => String(p.patientid)),
	);
	try {
		const body = await athenaRequest(ctx, {
			method: 'POST',
			path: '/patients',
			form,
			practiceId: o.practiceId,
			itemIndex: i,
		});
		return { patientid: String(single(body).patientid ?? ''), existing, recovered: false };
	} catch (error) {
		if (!isAmbiguousFailure(error)) throw asNodeError(ctx.getNode(), error);
		// the answer was lost: look before anything is repeated
		const found = await o.lookAgain?.().catch(() => undefined);
		// without the search before, a same-name patient found now may be an older twin: not looked for
		const made = found?.length
			? found
			: o.noSearchBefore
				? []
				: (await search().catch(() => []))
						.map((p) => String(p.patientid))
						.filter((id) => !existing.has(id));
		if (made.length !== 1) {
			o.onUnconfirmed?.();
			throw unconfirmedWriteError(ctx.getNode(), error, o.what, o.howToCheck, i);
		}
		return { patientid: made[0], existing, recovered: true };
	}
}
