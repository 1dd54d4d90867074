import { updateDisplayOptions, type IDataObject, type IExecuteFunctions } from 'n8n-workflow';

import { parseDateInput, toAthenaDate } from '../../shared/dates';
import { asNodeError, isAmbiguousFailure, unconfirmedWriteError } from '../../transport/errors';
import { athenaRequest } from '../../transport/request';
import { show } from '../fields';
import { single, toItems } from '../output';
import { compact, idParam, inputError, practiceOf } from '../params';
import { departmentLocator, patientLocator, providerLocator } from '../locators';
import { NOT_EDITABLE, chargesField, listClaims, procedureKey, readCharges } from './common';

export const option = {
	name: 'Create Claim',
	value: 'createClaim',
	action: 'Create a claim',
	description:
		'Create one claim from charges (procedure, units, up to four ICD-10 codes each); athena allows no edit once submitted',
};

export const toolDescription =
	'Create one athenahealth billing claim for a patient from charges (procedure code, units, one to four ICD-10 codes each). A submitted claim cannot be ' +
	'edited or deleted. Returns the new claim ID.';

export const writes = true;

export const description = updateDisplayOptions(show('billing', 'createClaim'), [
	{
		displayName: `${NOT_EDITABLE} One claim per call; athena's rules engine then holds it or sends it to the payer.`,
		name: 'claimNotice',
		type: 'notice',
		default: '',
	},
	patientLocator(),
	{ ...departmentLocator(), description: 'The service department' },
	{ ...providerLocator(true, 'supervisingProviderId'), displayName: 'Supervising Provider' },
	{
		displayName: 'Service Date',
		name: 'serviceDate',
		type: 'string',
		default: '',
		placeholder: '2026-11-23',
		description: 'Today or earlier; empty means today (athena refuses a future service date)',
	},
	chargesField(),
	{
		displayName: 'Additional Fields',
		name: 'additionalFields',
		type: 'collection',
		placeholder: 'Add Field',
		default: {},
		options: [
			{
				displayName: 'Ordering Provider ID',
				name: 'orderingproviderid',
				type: 'string',
				default: '',
			},
			{
				displayName: 'Primary Patient Insurance ID',
				name: 'primarypatientinsuranceid',
				type: 'string',
				default: '',
				description: "Default: the patient's active primary policy",
			},
			{
				displayName: 'Referring Provider ID',
				name: 'referringproviderid',
				type: 'string',
				default: '',
			},
			{
				displayName: 'Rendering Provider ID',
				name: 'renderingproviderid',
				type: 'string',
				default: '',
				description: 'Default: the supervising provider',
			},
			{
				displayName: 'Reserved 19 (Claim Note Box 19)',
				name: 'reserved19',
				type: 'string',
				default: '',
				description: 'At most 48 characters',
			},
			{
				displayName: 'Secondary Patient Insurance ID',
				name: 'secondarypatientinsuranceid',
				type: 'string',
				default: '',
			},
		],
	},
]);

const ID_FIELDS: Record<string, string> = {
	orderingproviderid: 'Ordering Provider ID',
	primarypatientinsuranceid: 'Primary Patient Insurance ID',
	referringproviderid: 'Referring Provider ID',
	renderingproviderid: 'Rendering Provider ID',
	secondarypatientinsuranceid: 'Secondary Patient Insurance ID',
};

/** Today in the latest time zone on earth (UTC+14), so no one's today is refused. */
function latestToday(): string {
	const d = new Date(Date.now() + 14 * 3600_000);
	return toAthenaDate({
		year: d.getUTCFullYear(),
		month: d.getUTCMonth() + 1,
		day: d.getUTCDate(),
	});
}
const sortable = (athena: string) => {
	const [mm, dd, yyyy] = athena.split('/');
	return `${yyyy}${mm}${dd}`;
};

export async function execute(this: IExecuteFunctions, i: number) {
	const patientid = idParam(this, 'patientId', i, 'Patient')!;
	const departmentid = idParam(this, 'departmentId', i, 'Department')!;
	const supervisingproviderid = idParam(this, 'supervisingProviderId', i, 'Supervising Provider')!;
	const rawDate = this.getNodeParameter('serviceDate', i, '') as string;
	let servicedate = latestToday();
	if (rawDate) {
		const parts = parseDateInput(rawDate);
		if (!parts)
			throw inputError(
				this,
				i,
				'Service Date is not a date athena can use',
				`Got "${rawDate}". Use YYYY-MM-DD or MM/DD/YYYY.`,
			);
		servicedate = toAthenaDate(parts);
		if (sortable(servicedate) > sortable(latestToday()))
			throw inputError(
				this,
				i,
				'Service Date is in the future',
				`Got ${servicedate}. athena creates claims for today or earlier only.`,
			);
	}
	const claimcharges = readCharges(this, i);
	const extra = compact(this.getNodeParameter('additionalFields', i, {}) as IDataObject);
	for (const [key, label] of Object.entries(ID_FIELDS))
		if (extra[key] !== undefined) extra[key] = idParam(this, `additionalFields.${key}`, i, label);
	if (extra.reserved19 !== undefined && [...String(extra.reserved19)].length > 48)
		throw inputError(this, i, 'Reserved 19 takes at most 48 characters');
	const practiceId = practiceOf(this, i);

	// the claims of that patient and day before the call: after a lost answer, a new one with
	// these procedures is the one made (athena has no idempotency key for claims)
	const sameDay = {
		patientid,
		servicestartdate: rawDate ? servicedate : undefined,
		serviceenddate: rawDate ? servicedate : undefined,
	};
	const before = new Set(
		(await listClaims(this, compact(sameDay), practiceId, i)).map((c) => String(c.claimid)),
	);
	const wanted = claimcharges
		.map((c) => String(c.procedurecode).split(',')[0])
		.sort()
		.join('|');
	let claimids: string[];
	let recovered = false;
	try {
		const body = single(
			await athenaRequest(this, {
				method: 'POST',
				path: '/claims',
				form: {
					patientid,
					departmentid,
					supervisingproviderid,
					...(rawDate ? { servicedate } : {}),
					claimcharges,
					...extra,
				},
				practiceId,
				itemIndex: i,
			}),
		);
		claimids = (Array.isArray(body.claimids) ? body.claimids : [body.claimid])
			.filter(Boolean)
			.map(String);
	} catch (error) {
		if (!isAmbiguousFailure(error)) throw asNodeError(this.getNode(), error);
		const made = (await listClaims(this, compact(sameDay), practiceId, i).catch(() => []))
			.filter((c) => !before.has(String(c.claimid)) && procedureKey(c) === wanted)
			.map((c) => String(c.claimid));
		if (made.length !== 1)
			throw unconfirmedWriteError(
				this.getNode(),
				error,
				`the claim for patient ${patientid}`,
				`The claim may have been created. Look with Billing → Get Many Claims (patient ${patientid}, service date ${servicedate}) before creating it ` +
					`again: athena does not let a submitted claim be edited or deleted, so a second one would have to be voided in athenaNet.`,
				i,
			);
		claimids = made;
		recovered = true;
	}
	return toItems(
		[
			{
				claimid: claimids[0],
				claimids,
				patientid,
				servicedate,
				claimcharges,
				...(recovered ? { recoveredAfterUnconfirmedCreate: true } : {}),
				message: `Created claim ${claimids.join(', ')} for patient ${patientid}${recovered ? ' (found after the answer was lost)' : ''}`,
			},
		],
		i,
	);
}
