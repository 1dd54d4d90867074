'use strict';
// Billing and CCDA writes (docs/athena-behaviour.md#claims, #recorded-payments, #ccda): claims from
// charges and for an appointment, claim notes, recorded (non-card) payments, a patient's CCDA and
// CCDA imports. What they write is what the reads return: a new claim is in GET /claims and
// GET /claims/{id}, a note in GET …/claimnotes, a payment lowers the balance and the claim's
// patient balance, an imported CCDA is one of the patient's clinical documents.

const { listResponse } = require('../paging');
const { athenaDate, athenaDateTime, dayOf, parts } = require('../clock');
const { fail, missing } = require('./athenanet');

const today = () => athenaDate(parts(new Date()));
const isFuture = (text) => dayOf(text) > Math.floor((Date.now() + 14 * 3600000) / 86400000);
const ICD10 = /^[A-Z][0-9][0-9A-Z](\.?[0-9A-Z]{1,4})?$/;
const CPT = /^[0-9A-Z]{5}$/;
const NON_CARD_METHODS = ['CASH', 'CHECK', 'MONEYORDER', 'EFT'];
const money = (v) => Math.round(Number(v) * 100) / 100;

function register(router, sb) {
	const { state, settings } = sb;
	const route = (method, path, handler) =>
		router.add(method, new RegExp(`^/v1/(\\d+)${path}$`), handler);
	const ok = (extra = {}) => ({ success: settings.successAsString ? 'true' : true, ...extra });
	const department = (id) => state.departments.some((d) => d.departmentid === String(id));
	let nextClaim = 880000;
	let nextBatch = 5;
	let nextNote = 70000;
	state.claimNotes = new Map();
	state.recordedPayments = [];
	state.ccdaImports = [];

	/** Parses and checks claimcharges as athena documents them (one claim, ≤ 4 diagnoses a charge). */
	function charges(raw) {
		if (!raw) missing('claimcharges');
		let list;
		try {
			list = JSON.parse(raw);
		} catch {
			fail(400, { error: 'The claimcharges parameter is not valid JSON.' });
		}
		if (!Array.isArray(list) || !list.length)
			fail(400, { error: 'At least one claim charge is required.' });
		for (const c of list) {
			if (!c.procedurecode || !CPT.test(String(c.procedurecode).split(',')[0]))
				fail(400, { error: `Invalid procedure code: ${String(c.procedurecode ?? '')}.` });
			if (!c.icd10code1) fail(400, { error: 'A primary ICD-10 diagnosis code is required.' });
			if (c.icd10code5 !== undefined)
				fail(400, { error: 'At most four diagnosis codes are allowed per procedure code.' });
			for (const n of [1, 2, 3, 4]) {
				const code = c[`icd10code${n}`];
				if (code !== undefined && code !== '' && !ICD10.test(String(code)))
					fail(400, { error: `Invalid ICD-10 code: ${String(code)}.` });
			}
			if (c.units !== undefined && !(Number(c.units) > 0))
				fail(400, { error: `Invalid units: ${String(c.units)}.` });
		}
		return list;
	}

	function makeClaim({
		practice,
		pid,
		departmentid,
		providerid,
		servicedate,
		list,
		appointmentid,
	}) {
		const r = sb.patientRecord(pid);
		const claimid = String(nextClaim++);
		const procedures = list.map((c, n) => ({
			transactionid: `${claimid}${n + 1}`,
			procedurecode: String(c.procedurecode),
			units: String(c.units ?? '1'),
			chargeamount: String(money(Number(c.unitamount ?? 100) * Number(c.units ?? 1))),
		}));
		const codes = [...new Set(list.flatMap((c) => [1, 2, 3, 4].map((n) => c[`icd10code${n}`])))]
			.filter(Boolean)
			.map(String);
		const claim = {
			claimid,
			patientid: Number(pid),
			departmentid: Number(departmentid),
			billedproviderid: Number(providerid),
			claimcreateddate: today(),
			billedservicedate: servicedate,
			...(appointmentid ? { appointmentid: String(appointmentid) } : {}),
			procedures,
			transactiondetails: Object.fromEntries(
				procedures.map((p) => [p.transactionid, p.chargeamount]),
			),
			diagnoses: codes.map((code, n) => ({
				diagnosisid: `${claimid}${n}`,
				diagnosisrawcode: code,
				diagnosiscodeset: 'ICD10',
				deleteddiagnosis: 'false',
			})),
			// new claims go through athena's rules engine and are held or dropped to the payer
			primaryinsurancepayer: { status: 'HOLD' },
			patientpayer: { status: 'CLOSED' },
		};
		r.claims.push(claim);
		sb.changed(practice, 'claims', 'UpdateClaim', claim);
		return claimid;
	}

	route('POST', '/claims', (ctx) => {
		const q = ctx.params;
		const need = ['claimcharges', 'departmentid', 'patientid', 'supervisingproviderid'].filter(
			(f) => !q[f],
		);
		if (need.length) missing(...need);
		const list = charges(q.claimcharges);
		sb.patientRecord(q.patientid);
		if (!department(q.departmentid)) fail(400, { error: 'The department ID is invalid.' });
		if (!state.providers.some((p) => p.providerid === String(q.supervisingproviderid)))
			fail(400, { error: 'The supervising provider ID is invalid.' });
		const servicedate = q.servicedate || today();
		if (dayOf(servicedate) === undefined)
			fail(400, { error: `Expecting format date, but value is ${servicedate}` });
		if (isFuture(servicedate)) fail(400, { error: 'The service date cannot be in the future.' });
		const claimid = makeClaim({
			practice: ctx.practice,
			pid: String(q.patientid),
			departmentid: q.departmentid,
			providerid: q.supervisingproviderid,
			servicedate,
			list,
		});
		return ok({ claimids: [claimid], errormessage: '' });
	});

	route('POST', '/appointments/(\\d+)/claim', (ctx) => {
		const q = ctx.params;
		const appt =
			state.appointments.get(ctx.m[2]) || fail(404, { error: 'The appointment is not available.' });
		const list = charges(q.claimcharges);
		if (!appt.patientid || ['o', 'x'].includes(appt.appointmentstatus))
			return ok({
				success: settings.successAsString ? 'false' : false,
				errormessage: 'A claim can only be created for a booked appointment.',
			});
		const exists = sb
			.patientRecord(appt.patientid)
			.claims.find((c) => String(c.appointmentid ?? '') === appt.appointmentid);
		if (exists)
			return ok({
				success: settings.successAsString ? 'false' : false,
				errormessage: `Claim ${exists.claimid} already exists for this appointment.`,
			});
		const claimid = makeClaim({
			practice: ctx.practice,
			pid: appt.patientid,
			departmentid: appt.departmentid,
			providerid: q.supervisingproviderid || appt.providerid,
			servicedate: appt.date,
			list,
			appointmentid: appt.appointmentid,
		});
		if (settings.appointmentClaimAnswer === 'claimids') return ok({ claimids: [claimid] });
		if (settings.appointmentClaimAnswer === 'success-only') return ok();
		return ok({ claimid });
	});

	const claimOf = (id) => {
		for (const pid of state.records.keys()) {
			const c = state.records.get(pid).claims.find((x) => x.claimid === id);
			if (c) return c;
		}
		// claim ids of the seed embed the patient id (routes/record.js)
		const pid = id.slice(0, -3);
		if (state.patients.has(pid)) {
			const c = sb.patientRecord(pid).claims.find((x) => x.claimid === id);
			if (c) return c;
		}
		return fail(404, { error: 'The claim ID is invalid.' });
	};
	route('GET', '/claims/(\\d+)/claimnotes', (ctx) => {
		claimOf(ctx.m[2]);
		// wrapper and keys as appointment notes have them (docs/athena-behaviour.md#claim-notes)
		return listResponse(ctx, 'notes', state.claimNotes.get(ctx.m[2]) ?? []);
	});
	route('POST', '/claims/(\\d+)/claimnotes', (ctx) => {
		const claim = claimOf(ctx.m[2]);
		const text = String(ctx.params.notetext ?? '').trim();
		if (!text) missing('notetext');
		if (text.length > 4000) fail(400, { error: 'The claim note is limited to 4000 characters.' });
		const notes = state.claimNotes.get(claim.claimid) ?? [];
		notes.push({
			noteid: String(nextNote++),
			notetext: text,
			created: athenaDateTime(parts(new Date())),
			createdby: `API-${sb.clientNumber}`,
		});
		state.claimNotes.set(claim.claimid, notes);
		return ok();
	});

	route('POST', '/patients/(\\d+)/recordpayment', (ctx) => {
		const q = ctx.params;
		const need = ['departmentid', 'paymentmethod'].filter((f) => !q[f]);
		if (need.length) missing(...need);
		const r = sb.patientRecord(ctx.m[2]);
		if (!department(q.departmentid))
			fail(404, { error: 'The Patient ID or Department ID is invalid.' });
		const method = String(q.paymentmethod).toUpperCase();
		if (!NON_CARD_METHODS.includes(method))
			fail(400, { error: `Invalid payment method: ${String(q.paymentmethod)}.` });
		if (method === 'CHECK' && !q.checknumber) missing('checknumber');
		let claimpayment = [];
		if (q.claimpayment) {
			try {
				claimpayment = JSON.parse(q.claimpayment);
			} catch {
				fail(400, { error: 'The claimpayment parameter is not valid JSON.' });
			}
		}
		const parts = [
			...(q.copayamount ? [money(q.copayamount)] : []),
			...(q.otheramount ? [money(q.otheramount)] : []),
			...claimpayment.flatMap((o) => Object.values(o).map(money)),
		];
		if (!parts.length)
			fail(400, { error: 'A copayamount, otheramount or claimpayment is required.' });
		if (q.copayamount && !q.appointmentid) missing('appointmentid');
		if (parts.some((a) => !(a > 0))) fail(400, { error: 'Payment amounts must be positive.' });
		for (const o of claimpayment)
			for (const [claimid, amount] of Object.entries(o)) {
				const d = r.claimdetails.find((c) => String(c.claimid) === String(claimid));
				if (!d) fail(400, { error: `The claim ID ${claimid} is invalid for this patient.` });
				d.patientbalance = money(Number(d.patientbalance) - money(amount));
			}
		const total = money(parts.reduce((a, b) => a + b, 0));
		const balance = money(Number(r.balances[0].balance) - total);
		r.balances[0].balance = balance === 0 ? 0 : String(balance).replace(/^(-?)0\./, '$1.');
		const paymentbatchid = String(nextBatch++);
		state.recordedPayments.push({
			patientid: ctx.m[2],
			paymentbatchid,
			paymentmethod: method,
			amount: total,
			checknumber: q.checknumber,
		});
		// athena's recorded answer: an array of one, success as a string
		return [{ success: 'true', paymentbatchid }];
	});

	// ---- CCDA
	const ccdaXml = (p, extra = '') =>
		`<?xml version="1.0" encoding="UTF-8"?><ClinicalDocument xmlns="urn:hl7-org:v3">` +
		`<templateId root="2.16.840.1.113883.10.20.22.1.1"/><title>Summary of Care</title>` +
		`<recordTarget><patientRole><id extension="${p.patientid}" root="2.16.840.1.113883.3.564.195900"/>` +
		`<patient><name><given>${p.firstname}</given><family>${p.lastname}</family></name></patient>` +
		`</patientRole></recordTarget>${extra}</ClinicalDocument>`;
	route('GET', '/patients/(\\d+)/ccda', (ctx) => {
		const q = ctx.params;
		const need = ['departmentid', 'purpose'].filter((f) => !q[f]);
		if (need.length) missing(...need);
		if (!department(q.departmentid))
			fail(404, { error: 'The Patient ID or Department ID is invalid.' });
		// inferred (docs/athena-behaviour.md#ccda): a date range belongs to the data-portability format
		if ((q.startdate || q.enddate) && !q.format)
			fail(400, { error: 'startdate and enddate require the data portability format.' });
		const p =
			state.patients.get(ctx.m[2]) ||
			fail(404, { error: 'The Patient ID or Department ID is invalid.' });
		const imported = state.ccdaImports
			.filter((x) => x.patientid === p.patientid)
			.map((x) => `<!-- imported document ${x.documentid} -->`)
			.join('');
		const xml = ccdaXml(p, imported);
		if (String(q.xmloutput) === 'true')
			return {
				__response: true,
				status: 200,
				body: xml,
				headers: { 'Content-Type': 'application/xml' },
			};
		return settings.ccdaAnswer === 'array' ? [{ ccda: xml }] : { ccda: xml };
	});
	route('PUT', '/patients/(\\d+)/ccda', (ctx) => {
		const q = ctx.params;
		const need = ['ccda', 'departmentid'].filter((f) => !q[f]);
		if (need.length) missing(...need);
		const r = sb.patientRecord(ctx.m[2]);
		if (!department(q.departmentid))
			fail(404, { error: 'The Patient ID or Department ID is invalid.' });
		if (!/<ClinicalDocument[\s/>]/.test(String(q.ccda)))
			return ok({
				success: settings.successAsString ? 'false' : false,
				errormessage: 'The CCDA could not be parsed.',
			});
		const id = sb.newRecordId();
		r.documents.push({
			clinicaldocumentid: id,
			documentid: id,
			documentclass: 'CLINICALDOCUMENT',
			documentsubclass: 'CLINICALDOCUMENT',
			documentdescription: 'CCDA import',
			documentsource: 'INTERFACE',
			status: 'REVIEW',
			departmentid: String(q.departmentid),
			createddate: today(),
		});
		state.ccdaImports.push({ patientid: ctx.m[2], documentid: id, bytes: String(q.ccda).length });
		return ok();
	});
}

module.exports = { register, NON_CARD_METHODS };
