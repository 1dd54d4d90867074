import {
	NodeOperationError,
	updateDisplayOptions,
	type IDataObject,
	type IExecuteFunctions,
} from 'n8n-workflow';

import { asNodeError, isAmbiguousFailure, unconfirmedWriteError } from '../../transport/errors';
import { athenaRequest } from '../../transport/request';
import { appointmentIdField } from '../appointment/common';
import { show } from '../fields';
import { single, toItems } from '../output';
import { idParam, practiceOf } from '../params';
import { providerLocator } from '../locators';
import { NOT_EDITABLE, chargesField, listClaims, readCharges } from './common';

export const option = {
	name: 'Create Claim for Appointment',
	value: 'createClaimForAppointment',
	action: 'Create a claim for an appointment',
	description:
		'Create the claim of a booked appointment from charges; refused when it already has one (athena allows no edit once submitted)',
};

export const toolDescription =
	'Create the athenahealth billing claim of an appointment from charges (procedure code, units, one to four ICD-10 codes each); an appointment has one ' +
	'claim, which cannot be edited once submitted. Returns the claim ID.';

export const writes = true;

export const description = updateDisplayOptions(show('billing', 'createClaimForAppointment'), [
	{
		displayName: `${NOT_EDITABLE} The appointment's patient, department, date and provider are used.`,
		name: 'claimNotice',
		type: 'notice',
		default: '',
	},
	appointmentIdField(),
	chargesField(),
	{
		...providerLocator(false, 'supervisingProviderId'),
		displayName: 'Supervising Provider',
		description: "Default: the appointment's provider",
	},
]);

export async function execute(this: IExecuteFunctions, i: number) {
	const appointmentid = idParam(this, 'appointmentId', i, 'Appointment ID')!;
	const claimcharges = readCharges(this, i);
	const supervisingproviderid = idParam(
		this,
		'supervisingProviderId',
		i,
		'Supervising Provider',
		true,
	);
	const practiceId = practiceOf(this, i);
	const claimsOf = async () => await listClaims(this, { appointmentid }, practiceId, i);
	const existing = await claimsOf();
	if (existing.length)
		throw new NodeOperationError(
			this.getNode(),
			`Appointment ${appointmentid} already has claim ${existing.map((c) => String(c.claimid)).join(', ')}`,
			{
				itemIndex: i,
				description: `Nothing was sent. ${NOT_EDITABLE} Look at it with Billing → Get Claim.`,
			},
		);
	let claimid: string | undefined;
	let recovered = false;
	try {
		const body: IDataObject = single(
			await athenaRequest(this, {
				method: 'POST',
				path: `/appointments/${appointmentid}/claim`,
				form: { claimcharges, supervisingproviderid },
				practiceId,
				itemIndex: i,
			}),
		);
		// athena's answer carries the claim id, under a key not recorded (docs/athena-behaviour.md#claims)
		const ids = Array.isArray(body.claimids) ? body.claimids : [body.claimid];
		claimid = ids.filter(Boolean).map(String)[0];
	} catch (error) {
		if (!isAmbiguousFailure(error)) throw asNodeError(this.getNode(), error);
		const found = await claimsOf().catch(() => []);
		if (found.length !== 1)
			throw unconfirmedWriteError(
				this.getNode(),
				error,
				`the claim for appointment ${appointmentid}`,
				`The claim may have been created. Look with Billing → Get Many Claims for the appointment's patient and date before running this again.`,
				i,
			);
		claimid = String(found[0].claimid);
		recovered = true;
	}
	// checked by the appointment: the claim is there (and its id when the answer had none)
	const after = recovered ? [] : await claimsOf();
	const verified = recovered || after.some((c) => !claimid || String(c.claimid) === claimid);
	if (!claimid && after.length === 1) claimid = String(after[0].claimid);
	return toItems(
		[
			{
				claimid,
				appointmentid,
				claimcharges,
				verified,
				...(recovered ? { recoveredAfterUnconfirmedCreate: true } : {}),
				message: claimid
					? `Created claim ${claimid} for appointment ${appointmentid}${recovered ? ' (found after the answer was lost)' : ''}`
					: `athena reported success, but no claim for appointment ${appointmentid} is listed yet; look with Billing → Get Many Claims`,
			},
		],
		i,
	);
}
