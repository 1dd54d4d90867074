import { updateDisplayOptions, type IDataObject, type IExecuteFunctions } from 'n8n-workflow';

import { athenaId } from '../../shared/ids';
import { asNodeError, isAmbiguousFailure, unconfirmedWriteError } from '../../transport/errors';
import { athenaRequest } from '../../transport/request';
import { show } from '../fields';
import { single, toItems } from '../output';
import { compact, dateParam, idParam, inputError, practiceOf } from '../params';
import { departmentLocator, patientLocator } from '../locators';
import { amountValue, looksLikeCardNumber } from './common';

export const option = {
	name: 'Record Payment',
	value: 'recordPayment',
	action: 'Record a payment',
	description:
		'Record a cash, check or other non-card payment taken outside athena (never card numbers); not repeated if unconfirmed',
};

export const toolDescription =
	"Record a patient payment taken outside athena: cash, check or one of the practice's non-card payment methods, as a copay, an unapplied amount or " +
	"amounts on claims. Never takes card numbers. Returns athena's payment batch ID.";

export const writes = true;

export const description = updateDisplayOptions(show('billing', 'recordPayment'), [
	{
		displayName:
			'For money already received outside athena (cash, check, or a non-card method the practice set up). Do not record a payment that was also taken in ' +
			'athenaNet or with a card through athena: it would be counted twice. Card numbers are refused.',
		name: 'paymentNotice',
		type: 'notice',
		default: '',
	},
	patientLocator(),
	departmentLocator(),
	{
		displayName: 'Payment Method',
		name: 'paymentMethod',
		type: 'options',
		default: 'CASH',
		options: [
			{ name: 'Cash', value: 'CASH' },
			{ name: 'Check', value: 'CHECK' },
			{ name: "Other (the Practice's Non-Card Method)", value: 'other' },
		],
	},
	{
		displayName: 'Check Number',
		name: 'checkNumber',
		type: 'string',
		default: '',
		required: true,
		displayOptions: { show: { paymentMethod: ['CHECK'] } },
	},
	{
		displayName: 'Method Name',
		name: 'otherMethod',
		type: 'string',
		default: '',
		required: true,
		placeholder: 'MONEYORDER',
		description: "One of the practice's non-card payment methods as athena names it",
		displayOptions: { show: { paymentMethod: ['other'] } },
	},
	{
		displayName: 'Unapplied Amount',
		name: 'otherAmount',
		type: 'string',
		default: '',
		placeholder: '25.00',
		description:
			"An amount not tied to a claim or copay (athena keeps it as the patient's unapplied credit)",
	},
	{
		displayName: 'Copay',
		name: 'copay',
		type: 'collection',
		placeholder: 'Add Copay',
		default: {},
		options: [
			{ displayName: 'Amount', name: 'amount', type: 'string', default: '', placeholder: '20.00' },
			{ displayName: 'Appointment ID', name: 'appointmentid', type: 'string', default: '' },
		],
	},
	{
		displayName: 'Claim Payments',
		name: 'claimPayments',
		type: 'fixedCollection',
		typeOptions: { multipleValues: true },
		placeholder: 'Add Claim Payment',
		default: {},
		options: [
			{
				displayName: 'Claim',
				name: 'claim',
				values: [
					{ displayName: 'Claim ID', name: 'claimId', type: 'string', default: '' },
					{
						displayName: 'Amount',
						name: 'amount',
						type: 'string',
						default: '',
						placeholder: '10.00',
					},
				],
			},
		],
	},
	{
		displayName: 'Post Date',
		name: 'postDate',
		type: 'string',
		default: '',
		placeholder: '2026-11-23',
		description: 'Empty means today',
	},
]);

const CARD_METHOD = /visa|master\s*card|amex|american\s*express|discover|credit|debit|card/i;

export async function execute(this: IExecuteFunctions, i: number) {
	const patientid = idParam(this, 'patientId', i, 'Patient')!;
	const departmentid = idParam(this, 'departmentId', i, 'Department')!;
	const choice = this.getNodeParameter('paymentMethod', i, 'CASH') as string;
	const checknumber =
		choice === 'CHECK' ? String(this.getNodeParameter('checkNumber', i, '')).trim() : undefined;
	const method =
		choice === 'other'
			? String(this.getNodeParameter('otherMethod', i, ''))
					.trim()
					.toUpperCase()
			: choice;
	const copay = this.getNodeParameter('copay', i, {}) as {
		amount?: unknown;
		appointmentid?: unknown;
	};
	const claims =
		(this.getNodeParameter('claimPayments.claim', i, []) as Array<{
			claimId?: unknown;
			amount?: unknown;
		}>) ?? [];
	// never a card number, in any field (docs/athena-behaviour.md#recorded-payments)
	const texts = [
		checknumber,
		method,
		copay.amount,
		copay.appointmentid,
		this.getNodeParameter('otherAmount', i, ''),
		...claims.flatMap((c) => [c.claimId, c.amount]),
	];
	if (texts.some((t) => t !== undefined && looksLikeCardNumber(String(t))))
		throw inputError(
			this,
			i,
			'A field looks like a payment card number; nothing was sent',
			"This operation never takes card numbers. Record only cash, checks or the practice's non-card methods; take card payments in athenaNet.",
		);
	if (!method)
		throw inputError(
			this,
			i,
			'Method Name is empty',
			"Give the practice's non-card method as athena names it.",
		);
	if (CARD_METHOD.test(method))
		throw inputError(
			this,
			i,
			`"${method}" looks like a card method`,
			'This operation records cash, checks and non-card methods only; card payments belong in athenaNet.',
		);
	if (choice === 'CHECK' && !checknumber)
		throw inputError(this, i, 'Check Number is empty', 'athena records a check with its number.');
	const otheramount = amountValue(
		this,
		i,
		this.getNodeParameter('otherAmount', i, ''),
		'Unapplied Amount',
	);
	const copayamount = amountValue(this, i, copay.amount, 'Copay Amount');
	const appointmentid =
		copay.appointmentid !== undefined && copay.appointmentid !== ''
			? athenaId(this.getNode(), copay.appointmentid, 'Copay Appointment ID', i)
			: undefined;
	if (copayamount && !appointmentid)
		throw inputError(
			this,
			i,
			'A copay needs its Appointment ID',
			'athena applies a copay to an appointment.',
		);
	const claimpayment = claims.map((c, n) => ({
		[athenaId(this.getNode(), c.claimId, `Claim Payment ${n + 1}: Claim ID`, i)]: amountValue(
			this,
			i,
			c.amount,
			`Claim Payment ${n + 1}: Amount`,
		)!,
	}));
	if (claimpayment.some((c) => Object.values(c)[0] === undefined))
		throw inputError(this, i, 'Every claim payment needs an amount');
	if (!otheramount && !copayamount && !claimpayment.length)
		throw inputError(
			this,
			i,
			'Add an amount',
			'Give an Unapplied Amount, a Copay or Claim Payments.',
		);
	const postdate = dateParam(this, 'postDate', i, 'Post Date', { optional: true });
	const practiceId = practiceOf(this, i);
	const form: IDataObject = compact({
		departmentid,
		paymentmethod: method,
		checknumber,
		otheramount,
		copayamount,
		appointmentid,
		claimpayment: claimpayment.length ? claimpayment : undefined,
		postdate,
	});
	let body: IDataObject;
	try {
		body = single(
			await athenaRequest(this, {
				method: 'POST',
				path: `/patients/${patientid}/recordpayment`,
				form,
				practiceId,
				itemIndex: i,
			}),
		);
	} catch (error) {
		if (!isAmbiguousFailure(error)) throw asNodeError(this.getNode(), error);
		// a recorded payment cannot be looked up by what was sent, so it is never repeated
		throw unconfirmedWriteError(
			this.getNode(),
			error,
			`the ${method.toLowerCase()} payment for patient ${patientid}`,
			`The payment may have been recorded. Check the patient's balance (Billing → Get Balances) and the day's payment batches in athenaNet before ` +
				`recording it again: a second one would be counted twice.`,
			i,
		);
	}
	const total = [otheramount, copayamount, ...claimpayment.map((c) => Object.values(c)[0])]
		.filter(Boolean)
		.reduce((a, b) => a + Number(b), 0);
	return toItems(
		[
			{
				patientid,
				paymentbatchid: body.paymentbatchid === undefined ? undefined : String(body.paymentbatchid),
				paymentmethod: method,
				amount: total.toFixed(2),
				message: `Recorded a ${method.toLowerCase()} payment of ${total.toFixed(2)} for patient ${patientid}`,
			},
		],
		i,
	);
}
