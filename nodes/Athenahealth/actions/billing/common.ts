import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';

import { athenaList } from '../../transport/paginate';
import { inputError } from '../params';

// Claims from charges (docs/athena-behaviour.md#claims): one claim per call; each charge a
// procedure code with units and one to four ICD-10 codes (the first is the primary); a claim
// cannot be edited or deleted once submitted, so everything is checked before the call.

export const NOT_EDITABLE =
	'athena does not let a claim be edited or deleted once it is submitted: check the charges before running this.';

export const chargesField = (name = 'charges'): INodeProperties => ({
	displayName: 'Charges',
	name,
	type: 'fixedCollection',
	typeOptions: { multipleValues: true },
	placeholder: 'Add Charge',
	default: {},
	required: true,
	description:
		'One line per procedure: a CPT/HCPCS code (modifiers after commas, e.g. 99213,25), units, and one to four ICD-10 codes, the first being the primary ' +
		'diagnosis',
	options: [
		{
			displayName: 'Charge',
			name: 'charge',
			values: [
				{
					displayName: 'Procedure Code',
					name: 'procedureCode',
					type: 'string',
					default: '',
					placeholder: '99213',
				},
				{
					displayName: 'Units',
					name: 'units',
					type: 'number',
					default: 1,
					typeOptions: { minValue: 0.01, numberPrecision: 2 },
				},
				{
					displayName: 'ICD-10 Codes',
					name: 'icd10Codes',
					type: 'string',
					default: '',
					placeholder: 'E11.9, I10',
					description: 'One to four codes, comma-separated; the first is the primary diagnosis',
				},
				{
					displayName: 'Line Note',
					name: 'lineNote',
					type: 'string',
					default: '',
				},
			],
		},
	],
});

const PROCEDURE = /^[0-9A-Z]{5}(,[0-9A-Z]{2})*$/;
/** An ICD-10-CM code, with or without its dot (E11.9, E119, U07.1, Z0000): shape only, not the code set. */
export const ICD10 = /^[A-Z][0-9][0-9A-Z](\.?[0-9A-Z]{1,4})?$/;

/** The charges as athena's claimcharges, or an error naming the charge and the rule it breaks. */
export function readCharges(ctx: IExecuteFunctions, i: number, name = 'charges'): IDataObject[] {
	const raw = ctx.getNodeParameter(`${name}.charge`, i, []) as Array<{
		procedureCode?: unknown;
		units?: unknown;
		icd10Codes?: unknown;
		lineNote?: unknown;
	}>;
	if (!Array.isArray(raw) || !raw.length)
		throw inputError(
			ctx,
			i,
			'Add at least one charge',
			`A claim needs a procedure code with its diagnoses. ${NOT_EDITABLE}`,
		);
	return raw.map((c, n) => {
		const line = `Charge ${n + 1}`;
		const code = String(c.procedureCode ?? '')
			.replace(/\s+/g, '')
			.toUpperCase();
		if (!PROCEDURE.test(code))
			throw inputError(
				ctx,
				i,
				`${line}: "${String(c.procedureCode ?? '')}" is not a procedure code`,
				'Use a five-character CPT or HCPCS code, with modifiers after commas if any (e.g. 99213 or 99213,25).',
			);
		const units = Number(c.units ?? 1);
		// at most two decimals, compared with a tolerance (1.1 * 100 is 110.00000000000001)
		if (
			!Number.isFinite(units) ||
			units <= 0 ||
			Math.abs(Math.round(units * 100) - units * 100) > 1e-6
		)
			throw inputError(
				ctx,
				i,
				`${line}: units must be a positive number`,
				`Got "${String(c.units)}".`,
			);
		const codes = String(c.icd10Codes ?? '')
			.split(/[,;\s]+/)
			.map((s) => s.trim().toUpperCase())
			.filter(Boolean);
		if (!codes.length)
			throw inputError(
				ctx,
				i,
				`${line}: add at least one ICD-10 code`,
				'athena requires a primary diagnosis (the first code) on every charge.',
			);
		if (codes.length > 4)
			throw inputError(
				ctx,
				i,
				`${line} has ${codes.length} ICD-10 codes; athena takes at most four per procedure`,
				'Split the diagnoses over the charges they belong to, at most four each.',
			);
		const bad = codes.find((x) => !ICD10.test(x));
		if (bad)
			throw inputError(
				ctx,
				i,
				`${line}: "${bad}" is not an ICD-10 code`,
				'Use ICD-10-CM codes such as E11.9 or I10 (with or without the dot).',
			);
		if (new Set(codes.map((x) => x.replace('.', ''))).size !== codes.length)
			throw inputError(ctx, i, `${line} lists an ICD-10 code twice`);
		const note = String(c.lineNote ?? '').trim();
		return {
			procedurecode: code,
			units: String(units),
			// sent without the dot, as athena's example has them (docs/athena-behaviour.md#claims)
			...Object.fromEntries(codes.map((x, k) => [`icd10code${k + 1}`, x.replace('.', '')])),
			...(note ? { linenote: note } : {}),
		};
	});
}

/** Claims matching a filter (athena's GET /claims). */
export async function listClaims(
	ctx: IExecuteFunctions,
	qs: IDataObject,
	practiceId: string | undefined,
	i: number,
): Promise<IDataObject[]> {
	return await athenaList(ctx, {
		method: 'GET',
		path: '/claims',
		wrapper: 'claims',
		qs,
		practiceId,
		itemIndex: i,
		maxItems: 500,
	});
}

/** The procedure codes of a claim, sorted, for telling a new claim from others on the same day. */
export function procedureKey(claim: IDataObject): string {
	const procs = Array.isArray(claim.procedures) ? (claim.procedures as IDataObject[]) : [];
	return procs
		.map((p) => String(p.procedurecode ?? '').split(',')[0])
		.sort()
		.join('|');
}

// ---- payments: never card numbers (docs/athena-behaviour.md#recorded-payments)

function luhn(digits: string): boolean {
	let sum = 0;
	for (let k = 0; k < digits.length; k++) {
		let d = Number(digits[digits.length - 1 - k]);
		if (k % 2 === 1) {
			d *= 2;
			if (d > 9) d -= 9;
		}
		sum += d;
	}
	return sum % 10 === 0;
}

/** Whether a text holds something that looks like a payment card number (13–19 digits passing Luhn). */
export function looksLikeCardNumber(text: string): boolean {
	for (const m of text.matchAll(/\d(?:[ -]?\d){12,18}/g)) {
		const digits = m[0].replace(/\D/g, '');
		if (digits.length >= 13 && digits.length <= 19 && luhn(digits)) return true;
	}
	return false;
}

/** A positive amount with at most two decimals, as athena's form text ("25.00"). */
export function amountValue(
	ctx: IExecuteFunctions,
	i: number,
	raw: unknown,
	label: string,
): string | undefined {
	if (raw === undefined || raw === null || raw === '' || raw === 0) return undefined;
	const n = typeof raw === 'number' ? raw : Number(String(raw).replace(/[$,\s]/g, ''));
	if (!Number.isFinite(n) || n <= 0 || Math.abs(Math.round(n * 100) - n * 100) > 1e-6)
		throw inputError(
			ctx,
			i,
			`${label} must be a positive amount with at most two decimals`,
			`Got "${String(raw)}", e.g. 25 or 25.50.`,
		);
	return n.toFixed(2);
}

/** A claim's notes. */
export async function claimNotes(
	ctx: IExecuteFunctions,
	claimid: string,
	practiceId: string | undefined,
	i: number,
	maxItems?: number,
): Promise<IDataObject[]> {
	// the list's key is not recorded; the first list in the answer is taken (docs/athena-behaviour.md#claim-notes)
	return await athenaList(ctx, {
		method: 'GET',
		path: `/claims/${claimid}/claimnotes`,
		practiceId,
		itemIndex: i,
		maxItems,
	});
}
