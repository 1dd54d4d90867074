'use strict';
// The rest of a patient's athena record (docs/athena-behaviour.md): insurance and eligibility,
// insurance packages, balances, receipts, claims, chart reads, documents and practice discovery.
// Each patient's record is seeded on first use from the patient id alone, so it is the same
// whatever order tests touch patients in.

const crypto = require('node:crypto');

const { listResponse } = require('../paging');
const { athenaDate, dayOf, parts } = require('../clock');
const { fail, missing, truthy } = require('./athenanet');

const PACKAGES = [
	{
		insurancepackageid: '0',
		insuranceplanname: '*SELF PAY*',
		insurancetype: 'Personal Payment (Cash - No Insurance)',
		ircname: 'Self-Pay (cash)',
	},
	{
		insurancepackageid: '-500',
		insuranceplanname: 'PAYMENT PLAN',
		insurancetype: 'Payment Plan',
		ircname: 'Payment Plan',
	},
	{
		insurancepackageid: '31724',
		insuranceplanname: 'HUMANA (PPO)',
		insurancetype: 'Commercial',
		ircname: 'Humana',
		insurancephone: '(800) 558-4444',
		address: 'PO BOX 14601',
		city: 'LEXINGTON',
		state: 'KY',
		zip: '40512-4601',
	},
	{
		insurancepackageid: '9037',
		insuranceplanname: 'BCBS-MA (PPO)',
		insurancetype: 'Commercial',
		ircname: 'Blue Cross Blue Shield',
		insurancephone: '(800) 262-2583',
		address: 'PO BOX 986030',
		city: 'BOSTON',
		state: 'MA',
		zip: '02298',
	},
	{
		insurancepackageid: '8477',
		insuranceplanname: 'MEDICARE-MA',
		insurancetype: 'Medicare',
		ircname: 'Medicare',
		insurancephone: '(800) 633-4227',
		address: 'PO BOX 3113',
		city: 'MECHANICSBURG',
		state: 'PA',
		zip: '17055',
	},
];
// 20 plans share "United" so the 15-result cap of /insurancepackages can be seen.
for (let n = 1; n <= 20; n++)
	PACKAGES.push({
		insurancepackageid: String(10450 + n),
		insuranceplanname: `United Healthcare (PPO) ${n}`,
		insurancetype: 'Commercial',
		ircname: 'United Healthcare',
		address: 'PO BOX 740800',
		city: 'ATLANTA',
		state: 'GA',
		zip: '30374-0800',
	});

const STATUS_MESSAGE = {
	Eligible: 'Member is eligible.',
	Ineligible:
		"Member is ineligible. Patient found on payor's files, but not covered on date of inquiry.",
	Unverified:
		'Could not determine eligibility. Please call the insurance company to verify eligibility or try again later.',
};

const ansi271 = (status, memberId, date) =>
	`ISA*00*          *00*          *ZZ*HUMANA         *ZZ*ATHENA         *${date.replace(/\//g, '').slice(4)}*1200*^*00501*000000001*0*P*:~ST*271*0001*005010X279A1~BHT*0022*11*1*${date}~NM1*IL*1*MEMBER*****MI*${memberId}~EB*${status === 'Eligible' ? '1' : status === 'Ineligible' ? '6' : 'U'}**30~SE*6*0001~`;

// Its switches (successAsString, insuranceErrorKey, eligibilityResult, …) are in sandbox/settings.js.
function register(router, sb) {
	const { state, settings } = sb;
	// athena reads form bodies, not JSON: a write sent as JSON keeps only its query string
	const queryOnly = (ctx) =>
		Object.fromEntries([...ctx.url.searchParams].map(([k, v]) => [k.toLowerCase(), v]));
	const route = (method, path, handler) =>
		router.add(method, new RegExp(`^/v1/(\\d+)${path}$`), (ctx) =>
			handler(
				method !== 'GET' && ctx.url && /json/i.test(ctx.req?.headers['content-type'] ?? '')
					? { ...ctx, params: queryOnly(ctx) }
					: ctx,
			),
		);
	const ok = (extra = {}) => ({ success: settings.successAsString ? 'true' : true, ...extra });
	const today = () => athenaDate(parts(new Date()));
	sb.practiceFlags = (p) =>
		settings.practiceFlagsAsStrings
			? p
			: Object.fromEntries(
					Object.entries(p).map(([k, v]) => [
						k,
						/^(has|is)/.test(k) && (v === 'true' || v === 'false') ? v === 'true' : v,
					]),
				);
	state.records = new Map();
	state.uploads = [];
	let nextId = 9000000;

	const patientOf = (id) =>
		state.patients.get(String(id)) ||
		fail(404, {
			detailedmessage: 'The specified patient does not exist in that department.',
			error: 'The Patient ID or Department ID is invalid.',
		});
	const departmentOf = (ctx, required = true) => {
		const id = ctx.params.departmentid;
		if (id === undefined || id === '') {
			if (required) missing('departmentid');
			return undefined;
		}
		if (!state.departments.some((d) => d.departmentid === String(id)))
			fail(404, { error: 'The Patient ID or Department ID is invalid.' });
		return String(id);
	};
	// the billing and CCDA writes (routes/billingWrites.js) add to the same record
	sb.patientRecord = (pid) => record(pid);
	sb.newRecordId = () => String(nextId++);
	const insuranceError = (status, text) =>
		fail(
			status,
			settings.insuranceErrorKey === 'detailedmessage'
				? { detailedmessage: text, error: status === 409 ? 'Conflict.' : 'Not found.' }
				: { error: text },
		);

	function policy(pid, p, pkg, seq, insuranceid, memberId) {
		return {
			insuranceid,
			insurancepackageid: pkg.insurancepackageid,
			sequencenumber: String(seq),
			insuranceplanname: pkg.insuranceplanname,
			ircname: pkg.ircname,
			insurancetype: pkg.insurancetype,
			insurancephone: pkg.insurancephone,
			insuranceidnumber: memberId,
			insurancepolicyholder: `${p.firstname} ${p.lastname}`.toUpperCase(),
			insurancepolicyholderfirstname: p.firstname,
			insurancepolicyholderlastname: p.lastname,
			insurancepolicyholderdob: p.dob,
			insurancepolicyholdersex: p.sex,
			relationshiptoinsured: 'Self',
			relationshiptoinsuredid: '1',
			eligibilitystatus: 'Unverified',
			eligibilityreason: 'Athena',
			eligibilitylastchecked: '',
			eligibilitymessage: '',
			copays: [],
		};
	}

	/** A patient's record, seeded from the id: most have a primary policy; patient 1 also a secondary, 2 is self-pay, 7 none. */
	function record(pid) {
		const p = patientOf(pid);
		let r = state.records.get(p.patientid);
		if (r) return r;
		const pkg = (id) => PACKAGES.find((x) => x.insurancepackageid === id);
		const insurances = [];
		if (p.patientid === '2') insurances.push(policy(pid, p, pkg('0'), 1, `${pid}01`, ''));
		else if (p.patientid !== '7')
			insurances.push(
				policy(
					pid,
					p,
					pkg(Number(pid) % 2 ? '31724' : '9037'),
					1,
					`${pid}01`,
					`H${String(pid).padStart(8, '0')}`,
				),
			);
		if (p.patientid === '1')
			insurances.push(policy(pid, p, pkg('8477'), 2, `${pid}02`, `1EG4TE5MK7${pid}`));
		const dept = p.departmentid;
		const claimid = `${pid}301`;
		r = {
			insurances,
			benefits: new Map(),
			balances: [
				{
					balance: p.patientid === '1' ? '-978.7' : '25.15',
					departmentlist: '1,21,102,145,148,150,157,162',
					providergroupid: 1,
					cleanbalance: true,
				},
				{ balance: 0, departmentlist: '62,142,164', providergroupid: 2, cleanbalance: true },
			],
			claimdetails: [
				{
					claimid: Number(claimid),
					departmentid: Number(dept),
					servicedate: '06/22/2026',
					amount: 225,
					patientbalance: p.patientid === '1' ? 0 : 25.15,
					cleanbalance: true,
					supervisingproviderid: 86,
					chargeleveldetail: [
						{
							id: Number(`${pid}2801`),
							procedurecode: '99202',
							description: 'INITIAL OFFICE VISIT LIMITED',
							servicedate: '06/22/2026',
							amount: 225,
							transactions: [
								{ id: 3256, date: '07/09/2026', type: 'PAYMENT', transfertype: 'p', amount: -5 },
							],
						},
					],
				},
				{
					claimid: Number(`${pid}302`),
					departmentid: Number(dept),
					servicedate: '09/01/2026',
					amount: 140,
					patientbalance: 0,
					cleanbalance: true,
					supervisingproviderid: 71,
					chargeleveldetail: [],
				},
			],
			claims: [
				{
					claimid,
					patientid: Number(pid),
					departmentid: Number(dept),
					billedproviderid: 86,
					claimcreateddate: '06/22/2026',
					billedservicedate: '06/22/2026',
					procedures: [
						{
							transactionid: `${pid}2801`,
							procedurecode: '99202',
							proceduredescription: 'INITIAL OFFICE VISIT LIMITED',
							chargeamount: '225',
						},
					],
					transactiondetails: { [`${pid}2801`]: '225' },
					diagnoses: [
						{
							diagnosisid: '728',
							diagnosisrawcode: 'R10.13',
							diagnosiscodeset: 'ICD10',
							diagnosisdescription: 'Epigastric pain',
							deleteddiagnosis: 'false',
						},
					],
					primaryinsurancepayer: {
						primarypatientinsuranceid: Number(`${pid}01`),
						status: 'CLOSED',
					},
					patientpayer: { status: 'CLOSED' },
				},
				{
					claimid: `${pid}302`,
					patientid: Number(pid),
					departmentid: Number(dept),
					billedproviderid: 71,
					claimcreateddate: '09/02/2026',
					billedservicedate: '09/01/2026',
					procedures: [
						{
							transactionid: `${pid}2802`,
							procedurecode: '99213',
							proceduredescription: 'OFFICE VISIT EST',
							chargeamount: '140',
						},
					],
					transactiondetails: { [`${pid}2802`]: '140' },
					diagnoses: [],
					primaryinsurancepayer: { status: 'ATHENAHOLD' },
					patientpayer: { status: 'CLOSED' },
				},
			],
			receipts: [
				{
					epaymentid: `${pid}7`,
					amount: '1',
					type: 'PURCHASE',
					requestdate: '07/13/2026 17:28:14',
					cardtypename: 'MasterCard',
					cardtypeabbreviation: 'MC',
					cardnumberlast4digits: '3003',
				},
				{
					epaymentid: `${pid}9`,
					amount: '.16',
					type: 'VOID',
					requestdate: '07/13/2026 17:29:06',
					cardtypename: 'MasterCard',
					cardtypeabbreviation: 'MC',
					cardnumberlast4digits: '3003',
				},
			],
			problems: [
				{
					problemid: 1942,
					name: 'Essential hypertension',
					codeset: 'SNOMED',
					code: '59621000',
					bestmatchicd10code: 'I10',
					lastmodifieddatetime: '2026-07-27T10:56:15-04:00',
					lastmodifiedby: 'fterragna',
					events: [
						{
							eventtype: 'START',
							startdate: '07/27/2020',
							onsetdate: '07/27/2020',
							status: 'CHRONIC',
							createddate: '07/27/2020',
							createdby: 'fterragna',
						},
					],
				},
				{
					problemid: 1943,
					name: 'Seasonal allergic rhinitis',
					codeset: 'SNOMED',
					code: '367498001',
					bestmatchicd10code: 'J30.2',
					events: [
						{ eventtype: 'START', startdate: '04/02/2024', status: 'ACUTE', source: 'HISTORY' },
					],
				},
			],
			socialhistory: {
				questions: [
					{
						questionid: 1,
						key: 'SOCIALHISTORY.TOBACCOSMOKINGSTATUS',
						question: 'Smoking status',
						answer: 'Never smoker',
						note: '',
						ordering: 1,
						templateid: 10,
						lastupdated: '03/16/2026',
					},
					{
						questionid: 2,
						key: 'SOCIALHISTORY.ALCOHOLUSE',
						question: 'Alcohol use',
						answer: 'Occasionally',
						note: 'weekends',
						ordering: 2,
						templateid: 10,
						lastupdated: '03/16/2026',
					},
				],
				sectionnote: 'reviewed at intake',
				templates: [{ templateid: 10, templatename: 'Standard social history' }],
			},
			allergies: [
				{
					allergenid: '92193',
					allergenname: 'weed pollen',
					onsetdate: '01/01/2010',
					note: 'about this allergy',
					reactions: [
						{
							reactionname: 'sneezing',
							snomedcode: '76067001',
							severity: 'mild',
							severitysnomedcode: '255604002',
						},
					],
				},
				{
					allergenid: '18939',
					allergenname: 'latex',
					rxnormcode: '',
					reactions: [{ reactionname: 'hives', snomedcode: '247472004' }],
				},
			],
			medications: [
				[
					{
						medicationentryid: 'H228145',
						medicationid: 231555,
						medication: 'naltrexone 50 mg tablet',
						unstructuredsig: 'Take 1 tablet every day by oral route.',
						events: [
							{ eventdate: '03/14/2026', type: 'START' },
							{ eventdate: '03/16/2026', type: 'ENTER', userdisplayname: 'Staff Stafferson' },
						],
						source: 'Staff Stafferson',
						isdiscontinued: false,
						lastmodifieddate: '03/16/2026',
					},
					{
						medicationentryid: 'C228146',
						medicationid: 231555,
						medication: 'naltrexone 50 mg tablet',
						orderingmode: 'PRESCRIBE',
						route: 'FAX',
						refillsallowed: '2',
						events: [{ eventdate: '03/16/2026', type: 'ORDER' }],
						isdiscontinued: false,
						lastmodifieddate: '03/16/2026',
					},
				],
				[
					{
						medicationentryid: 'H228150',
						medicationid: 244370,
						medication: 'lisinopril 10 mg tablet',
						unstructuredsig: 'Take 1 tablet daily.',
						events: [{ eventdate: '01/05/2025', type: 'START' }],
						isdiscontinued: false,
						lastmodifieddate: '01/05/2025',
					},
				],
			],
			vitals: [
				{
					ordering: 0,
					abbreviation: 'BP',
					key: 'BLOODPRESSURE',
					readings: [
						[
							{
								vitalid: 25967,
								readingid: 1,
								clinicalelementid: 'VITALS.BLOODPRESSURE.DIASTOLIC',
								value: '80',
								code: '8462-4',
								codeset: 'LOINC',
								codedescription: 'Diastolic blood pressure',
								readingtaken: '10/08/2026',
								source: 'ENCOUNTER',
								sourceid: 22449,
								createddate: '10/08/2026 11:28:18',
							},
							{
								vitalid: 25968,
								readingid: 1,
								clinicalelementid: 'VITALS.BLOODPRESSURE.SYSTOLIC',
								value: '123',
								code: '8480-6',
								codeset: 'LOINC',
								codedescription: 'Systolic blood pressure',
								readingtaken: '10/08/2026',
								source: 'ENCOUNTER',
								sourceid: 22449,
								createddate: '10/08/2026 11:28:18',
							},
						],
					],
				},
				{
					ordering: 1,
					abbreviation: 'Wt',
					key: 'WEIGHT',
					readings: [
						[
							{
								vitalid: 25969,
								readingid: 2,
								clinicalelementid: 'VITALS.WEIGHT',
								value: '70300',
								code: '29463-7',
								codeset: 'LOINC',
								readingtaken: '10/08/2026',
								source: 'ENCOUNTER',
								sourceid: 22449,
							},
						],
						[
							{
								vitalid: 25970,
								readingid: 3,
								clinicalelementid: 'VITALS.WEIGHT',
								value: '71100',
								code: '29463-7',
								codeset: 'LOINC',
								readingtaken: '11/12/2026',
								source: 'ENCOUNTER',
								sourceid: 22460,
							},
						],
					],
				},
			],
			encounters: [
				{
					encounterid: `${pid}05`,
					appointmentid: '660784',
					departmentid: dept,
					providerid: '86',
					encountertype: 'VISIT',
					status: 'CLOSED',
					stage: 'CHECKOUT',
					encounterdate: '10/08/2026',
					encountervisitname: 'Office Visit',
					lastupdated: '10/08/2026',
				},
				{
					encounterid: `${pid}06`,
					appointmentid: '660790',
					departmentid: dept,
					providerid: '86',
					encountertype: 'VISIT',
					status: 'OPEN',
					stage: 'INTAKE',
					encounterdate: '11/12/2026',
					encountervisitname: 'Any 15',
					patientstatus: 'Ready For Staff',
					lastupdated: '11/12/2026',
				},
				{
					encounterid: `${pid}07`,
					departmentid: dept,
					encountertype: 'FLOWSHEET',
					status: 'DELETED',
					encounterdate: '01/02/2026',
					lastupdated: '01/02/2026',
				},
			],
			labresults: [
				{
					labresultid: 1083579,
					description: 'HIV (1+2) Ab, rapid',
					labresultloinc: '49580-4',
					labresultdate: '08/10/2026',
					labresultdatetime: '08/10/2026 14:59:00',
					priority: '2',
					isreviewedbyprovider: '1',
					attachmentexists: false,
					analytes: [
						{
							analyteid: 907435,
							analytename: 'Result',
							value: 'Nonreactive',
							analytedate: '08/10/2026',
						},
					],
				},
				{
					labresultid: 1083580,
					description: 'Hemoglobin A1c',
					labresultloinc: '4548-4',
					labresultdate: '09/01/2026',
					labresultdatetime: '09/01/2026 08:10:00',
					priority: '2',
					isreviewedbyprovider: '0',
					attachmentexists: false,
					analytes: [
						{
							analyteid: 907436,
							analytename: 'HbA1c',
							value: '5.9',
							units: '%',
							analytedate: '09/01/2026',
						},
					],
				},
			],
			documents: [
				{
					documentid: `${pid}7403`,
					clinicaldocumentid: `${pid}7403`,
					documentclass: 'CLINICALDOCUMENT',
					documentsubclass: 'CLINICALDOCUMENT_COMMUNICATORFORM',
					documentdescription: 'patient portal - Health History',
					status: 'REVIEW',
					priority: '2',
					documentroute: 'INTERFACE',
					documentsource: 'PORTAL',
					departmentid: dept,
					createddate: '05/19/2026',
					createddatetime: '2026-05-19T13:53:53-04:00',
				},
				{
					imagingresultid: `${pid}7410`,
					documentclass: 'IMAGINGRESULT',
					documentdescription: 'Chest X-ray',
					status: 'CLOSED',
					priority: 2,
					documentsource: 'INTERFACE',
					departmentid: dept,
					createddate: '06/01/2026',
					createddatetime: '2026-06-01T09:00:00-04:00',
				},
			],
		};
		state.records.set(p.patientid, r);
		return r;
	}

	// ---- insurance
	const active = (r) => r.insurances.filter((x) => !x.cancelled);
	const bySequence = (r, seq) =>
		active(r).find((x) => String(x.sequencenumber) === String(seq)) ||
		insuranceError(404, 'No insurance package is active at the sequence number given.');
	const byInsuranceId = (r, id) =>
		r.insurances.find((x) => x.insuranceid === String(id) && !x.cancelled) ||
		fail(404, { error: 'The insurance ID is invalid.' });
	const PATCHABLE = [
		'insuranceidnumber',
		'policynumber',
		'issuedate',
		'expirationdate',
		'insurancephone',
		'insurancepolicyholderfirstname',
		'insurancepolicyholderlastname',
		'insurancepolicyholdersex',
		'insurancepolicyholderdob',
		'insurancepolicyholder',
		'relationshiptoinsuredid',
	];
	const patch = (x, q) => {
		for (const f of PATCHABLE) if (q[f] !== undefined) x[f] = q[f];
		if (q.newsequencenumber !== undefined) x.sequencenumber = String(q.newsequencenumber);
	};

	route('GET', '/patients/(\\d+)/insurances', (ctx) => {
		const r = record(ctx.m[2]);
		const rows = truthy(ctx.params.showcancelled) ? r.insurances : active(r);
		return listResponse(ctx, 'insurances', rows, 'insurances');
	});
	route('POST', '/patients/(\\d+)/insurances', (ctx) => {
		const q = ctx.params;
		const r = record(ctx.m[2]);
		const need = ['insurancepackageid', 'sequencenumber'].filter(
			(f) => q[f] === undefined || q[f] === '',
		);
		if (need.length) missing(...need);
		const pkg =
			PACKAGES.find((x) => x.insurancepackageid === String(q.insurancepackageid)) ||
			fail(400, { error: 'The insurance package ID is invalid.' });
		if (!['1', '2', '3'].includes(String(q.sequencenumber)))
			fail(400, {
				detailedmessage: 'sequencenumber must be 1, 2 or 3.',
				error: 'The data provided is invalid.',
			});
		if (pkg.insurancepackageid !== '0') {
			const holder = [
				'insurancepolicyholderfirstname',
				'insurancepolicyholderlastname',
				'insurancepolicyholdersex',
			].filter((f) => !q[f]);
			if (holder.length) missing(...holder);
		}
		if (active(r).some((x) => x.sequencenumber === String(q.sequencenumber)))
			insuranceError(
				409,
				'An existing insurance package exists. Use PUT to update or DELETE to deactivate.',
			);
		if (
			String(q.sequencenumber) !== '1' &&
			!active(r).some((x) => Number(x.sequencenumber) === Number(q.sequencenumber) - 1)
		) {
			fail(400, { error: 'You must have a primary insurance before adding a secondary.' });
		}
		const p = patientOf(ctx.m[2]);
		const x = policy(
			ctx.m[2],
			p,
			pkg,
			q.sequencenumber,
			String(nextId++),
			q.insuranceidnumber ?? '',
		);
		patch(x, q);
		r.insurances.push(x);
		return settings.insuranceCreateLegacy ? ok() : [{ ...x }];
	});
	const update = (ctx, x) => {
		const q = ctx.params;
		if (
			q.newsequencenumber !== undefined &&
			active(record(ctx.m[2])).some(
				(o) => o !== x && o.sequencenumber === String(q.newsequencenumber),
			)
		) {
			insuranceError(
				409,
				'You cannot assign a sequence number to this insurance if the patient already has another insurance active with that sequence number.',
			);
		}
		// lower sequences must be filled first; athena's PUT reports that as success false in a 200
		const target = Number(q.newsequencenumber);
		if (
			target > 1 &&
			!active(record(ctx.m[2])).some((o) => o !== x && Number(o.sequencenumber) === target - 1)
		) {
			return {
				success: settings.successAsString ? 'false' : false,
				message: `Sequence number ${target} cannot be assigned before sequence number ${target - 1} is filled.`,
			};
		}
		patch(x, q);
		return ok({ message: '' });
	};
	route('PUT', '/patients/(\\d+)/insurances', (ctx) => {
		if (!ctx.params.sequencenumber) missing('sequencenumber');
		return update(ctx, bySequence(record(ctx.m[2]), ctx.params.sequencenumber));
	});
	route('PUT', '/patients/(\\d+)/insurances/(\\d+)', (ctx) =>
		update(ctx, byInsuranceId(record(ctx.m[2]), ctx.m[3])),
	);
	const cancel = (ctx, x) => {
		if (ctx.params.cancellationnote && String(ctx.params.cancellationnote).length > 400)
			fail(400, { error: 'The cancellation note is limited to 400 characters.' });
		x.cancelled = today();
		x.expirationdate = x.expirationdate || today();
		return ok({ message: '' });
	};
	route('DELETE', '/patients/(\\d+)/insurances', (ctx) => {
		if (!ctx.params.sequencenumber) missing('sequencenumber');
		return cancel(ctx, bySequence(record(ctx.m[2]), ctx.params.sequencenumber));
	});
	route('DELETE', '/patients/(\\d+)/insurances/(\\d+)', (ctx) =>
		cancel(ctx, byInsuranceId(record(ctx.m[2]), ctx.m[3])),
	);

	// ---- eligibility: synchronous, slow; the answer says only that the check ran
	route('POST', '/patients/(\\d+)/insurances/(\\d+)/benefitdetails', async (ctx) => {
		const r = record(ctx.m[2]);
		const x = byInsuranceId(r, ctx.m[3]);
		if (settings.eligibilityDelayMs > 0)
			await new Promise((resolve) => setTimeout(resolve, settings.eligibilityDelayMs).unref());
		const status =
			settings.eligibilityByPackage[x.insurancepackageid] ??
			(x.insurancepackageid === '0' ? 'Unverified' : settings.eligibilityResult);
		const date = today();
		const dateofservice = ctx.params.dateofservice || date;
		Object.assign(x, {
			eligibilitystatus: status,
			eligibilitylastchecked: date,
			eligibilitymessage: STATUS_MESSAGE[status] ?? '',
			copays: status === 'Eligible' ? [{ copaytype: 'Office Visit', copayamount: '20' }] : [],
		});
		r.benefits.set(x.insuranceid, {
			ansi271: ansi271(status, x.insuranceidnumber || 'NONE', date),
			dateofservice,
			lastcheckdate: date,
		});
		return ok();
	});
	route('GET', '/patients/(\\d+)/insurances/(\\d+)/benefitdetails', (ctx) => {
		const r = record(ctx.m[2]);
		const x = byInsuranceId(r, ctx.m[3]);
		const stored = r.benefits.get(x.insuranceid);
		if (stored) return { ...stored };
		if (settings.benefitBeforeCheck === 'empty') return {};
		return fail(404, { error: 'No eligibility check has been run for this insurance.' });
	});

	// ---- insurance packages: name and member id required, at most 15 results
	route('GET', '/insurancepackages', (ctx) => {
		const need = ['insuranceplanname', 'memberid'].filter((f) => !ctx.params[f]);
		if (need.length) missing(...need);
		const term = String(ctx.params.insuranceplanname).toLowerCase();
		let rows = PACKAGES.filter((x) => x.insuranceplanname.toLowerCase().includes(term));
		if (ctx.params.insurancestate)
			rows = rows.filter((x) => x.state === String(ctx.params.insurancestate).toUpperCase());
		rows = rows.slice(0, 15).map((x) => ({
			insurancepackageid: x.insurancepackageid,
			insuranceplanname: x.insuranceplanname,
			affiliations: [x.ircname],
			addresslist: x.address ? [`${x.address}  ${x.city} ${x.state} ${x.zip}`] : [],
		}));
		return { insurances: rows, totalcount: rows.length };
	});

	// ---- balances, receipts, claims
	// balances ride on the patient record unless omitbalances; details and policies on request
	sb.patientExtras = (pid, q) => {
		const r = record(pid);
		const out = {};
		if (!truthy(q.omitbalances)) out.balances = r.balances.map((b) => ({ ...b }));
		if (truthy(q.showbalancedetails)) {
			const claims = truthy(q.showallclaims)
				? r.claimdetails
				: r.claimdetails.filter((c) => c.patientbalance !== 0);
			out.claimbalancedetails = [
				{ providergroupid: 1, departmentids: r.balances[0].departmentlist, claimdetails: claims },
			];
		}
		if (truthy(q.showinsurance))
			out.insurances = active(r).map((x) => ({ ...x, id: x.insuranceid }));
		return out;
	};
	route('GET', '/patients/(\\d+)/receipts', (ctx) => {
		departmentOf(ctx);
		return record(ctx.m[2]).receipts.map((x) => ({ ...x }));
	});
	const allClaims = () =>
		[...state.patients.keys()]
			.filter((id) => state.records.has(id))
			.flatMap((id) => state.records.get(id).claims);
	route('GET', '/claims', (ctx) => {
		const q = ctx.params;
		if (
			!q.patientid &&
			!q.departmentid &&
			!q.servicestartdate &&
			!q.createdstartdate &&
			!q.appointmentid
		)
			missing('patientid');
		if (q.patientid) record(q.patientid);
		let rows = allClaims();
		if (q.patientid) rows = rows.filter((c) => String(c.patientid) === String(q.patientid));
		if (q.departmentid)
			rows = rows.filter((c) => String(c.departmentid) === String(q.departmentid));
		if (q.appointmentid) {
			const ids = String(q.appointmentid).split(',');
			rows = rows.filter((c) => c.appointmentid && ids.includes(String(c.appointmentid)));
		}
		if (q.servicestartdate)
			rows = rows.filter((c) => dayOf(c.billedservicedate) >= dayOf(q.servicestartdate));
		if (q.serviceenddate)
			rows = rows.filter((c) => dayOf(c.billedservicedate) <= dayOf(q.serviceenddate));
		return listResponse(ctx, 'claims', rows);
	});
	route('GET', '/claims/(\\d+)', (ctx) => {
		const found = allClaims().find((c) => c.claimid === ctx.m[2]);
		// claim ids embed the patient id; seed that patient's record so a claim id from anywhere resolves
		if (!found) {
			const pid = ctx.m[2].slice(0, -3);
			if (state.patients.has(pid)) {
				const c = record(pid).claims.find((x) => x.claimid === ctx.m[2]);
				if (c) return { ...c };
			}
			return fail(404, { error: 'The claim ID is invalid.' });
		}
		return { ...found };
	});

	// ---- chart reads: departmentid required everywhere
	const chart = (path, handler) =>
		route('GET', `/chart/(\\d+)${path}`, (ctx) => {
			const r = record(ctx.m[2]);
			departmentOf(ctx);
			return handler(ctx, r);
		});
	// deactivated problems (chartWrites.js) come back only with showinactive
	const problemsShown = (ctx, r) =>
		truthy(ctx.params.showinactive) ? r.problems : r.problems.filter((p) => !p.deactivateddate);
	chart('/problems', (ctx, r) => ({
		problems: problemsShown(ctx, r),
		totalcount: problemsShown(ctx, r).length,
		lastupdated: '01/11/2026',
		lastmodifiedby: 'fterragna',
	}));
	chart('/socialhistory', (ctx, r) => r.socialhistory);
	chart('/allergies', (ctx, r) => ({
		allergies: r.allergies,
		nkda: r.nkda ?? false,
		// an empty note was removed: athena leaves the field out
		...(r.allergySectionNote === '' ? {} : { sectionnote: r.allergySectionNote ?? 'confirmed' }),
		lastupdated: '06/13/2026',
	}));
	chart('/medications', (ctx, r) => ({
		lastupdated: '03/16/2026',
		medications: r.medications,
		nomedicationsreported: false,
		patientneedsdownloadconsent: false,
	}));
	chart('/vitals', (ctx, r) => listResponse(ctx, 'vitals', r.vitals, 'big'));
	chart('/encounters', (ctx, r) => {
		let rows = r.encounters;
		if (!truthy(ctx.params.showallstatuses))
			rows = rows.filter((e) => ['OPEN', 'CLOSED', 'REVIEW'].includes(e.status));
		if (!truthy(ctx.params.showalltypes))
			rows = rows.filter((e) => ['VISIT', 'ORDERSONLY'].includes(e.encountertype));
		return listResponse(ctx, 'encounters', rows, 'big');
	});
	// what only the lab result document carries (filed through chartWrites.js) stays off the list
	chart('/labresults', (ctx, r) =>
		listResponse(ctx, 'results', r.labresults, 'big', {}, (lab) => {
			const rest = { ...lab };
			for (const k of ['externalaccessionid', 'resultstatus', 'reportstatus', 'internalnote'])
				delete rest[k];
			return rest;
		}),
	);
	const encounter = (id) => {
		for (const r of state.records.values()) {
			const e = r.encounters.find((x) => x.encounterid === id);
			if (e) return e;
		}
		const pid = id.slice(0, -2);
		const e = state.patients.has(pid) && record(pid).encounters.find((x) => x.encounterid === id);
		return e || fail(404, { error: 'The encounter ID is invalid.' });
	};
	route('GET', '/chart/encounter/(\\d+)', (ctx) => [{ ...encounter(ctx.m[2]) }]);
	route('GET', '/chart/encounters/(\\d+)/summary', (ctx) => {
		const e = encounter(ctx.m[2]);
		return {
			summaryhtml: `<html><div class="clinicalsummary"><h1>${e.encountervisitname ?? 'Encounter'}</h1><p>Date: ${e.encounterdate}</p><p>Status: ${e.status}</p></div></html>`,
		};
	});

	// the chart writes (chartWrites.js) change the same records
	sb.chartRecord = record;
	sb.chartDepartment = departmentOf;
	sb.chartEncounter = encounter;

	// ---- documents
	route('GET', '/patients/(\\d+)/documents', (ctx) => {
		const r = record(ctx.m[2]);
		departmentOf(ctx);
		let rows = r.documents;
		if (ctx.params.documentclass)
			rows = rows.filter((d) =>
				String(ctx.params.documentclass).split(',').includes(d.documentclass),
			);
		return listResponse(ctx, 'documents', rows, 'big', {}, ({ attachment, ...d }) => d);
	});
	route('GET', '/patients/(\\d+)/documents/admin', (ctx) => {
		const r = record(ctx.m[2]);
		departmentOf(ctx);
		return listResponse(
			ctx,
			'admins',
			r.documents.filter((d) => d.documentclass === 'ADMIN'),
			'big',
			{},
			({ attachment, ...d }) => d,
		);
	});
	route(
		'GET',
		'/patients/(\\d+)/documents/(admin|clinicaldocument|encounterdocument|imagingresult|labresult)/(\\d+)',
		(ctx) => {
			const r = record(ctx.m[2]);
			if (ctx.m[3] === 'labresult') {
				const lab =
					r.labresults.find((x) => String(x.labresultid) === ctx.m[4]) ||
					fail(404, { error: 'The document ID is invalid.' });
				const { analytes, ...rest } = lab;
				return [
					{
						...rest,
						documentclass: 'LABRESULT',
						observations: analytes.map((a) => ({ ...a, resultstatus: 'Final' })),
						pages: [],
					},
				];
			}
			const key = ctx.m[3] === 'admin' ? 'adminid' : `${ctx.m[3]}id`;
			const d =
				r.documents.find((x) => String(x[key]) === ctx.m[4]) ||
				fail(404, { error: 'The document ID is invalid.' });
			const { attachment, ...rest } = d;
			return [
				{
					...rest,
					...(attachment
						? {
								pages: [
									{ pageid: `${ctx.m[4]}1`, pageordering: 1, contenttype: attachment.contenttype },
								],
							}
						: {}),
				},
			];
		},
	);
	const SUBCLASSES = [
		'ADMIN_BILLING',
		'ADMIN_CONSENT',
		'ADMIN_HIPAA',
		'ADMIN_INSURANCEAPPROVAL',
		'ADMIN_INSURANCECARD',
		'ADMIN_INSURANCEDENIAL',
		'ADMIN_LEGAL',
		'ADMIN_MEDICALRECORDREQ',
		'ADMIN_REFERRAL',
		'ADMIN_SIGNEDFORMSLETTERS',
		'ADMIN_VACCINATIONRECORD',
	];
	route('POST', '/patients/(\\d+)/documents/admin', (ctx) => {
		const q = ctx.params;
		const r = record(ctx.m[2]);
		const need = ['departmentid', 'documentsubclass'].filter((f) => !q[f]);
		if (need.length) missing(...need);
		const dept = departmentOf(ctx);
		if (!SUBCLASSES.includes(String(q.documentsubclass)))
			fail(400, {
				detailedmessage: `${q.documentsubclass} is not a valid document subclass for ADMIN.`,
				error: 'The data provided is invalid.',
			});
		if (!q.attachmentcontents) missing('attachmentcontents');
		const bytes = Buffer.from(String(q.attachmentcontents), 'base64');
		if (bytes.length > settings.maxUploadBytes)
			fail(400, { error: 'The attachment is too large.' });
		const id = String(nextId++);
		const doc = {
			adminid: id,
			documentid: id,
			documentclass: 'ADMIN',
			documentsubclass: q.documentsubclass,
			documentdescription: q.documentsubclass.replace('ADMIN_', '').toLowerCase(),
			status: truthy(q.autoclose) ? 'CLOSED' : 'REVIEW',
			priority: '2',
			documentsource: 'UPLOAD',
			documentroute: 'INTERFACE',
			departmentid: dept,
			createddate: today(),
			createddatetime: new Date().toISOString().replace(/\.\d+Z$/, '-00:00'),
			originalfilename: q.originalfilename,
			internalnote: q.internalnote,
			attachment: { contenttype: q.attachmenttype, size: bytes.length },
		};
		r.documents.push(doc);
		state.uploads.push({
			patientid: ctx.m[2],
			adminid: id,
			attachmenttype: q.attachmenttype,
			originalfilename: q.originalfilename,
			sha256: crypto.createHash('sha256').update(bytes).digest('hex'),
			size: bytes.length,
		});
		return settings.adminUploadResponse === 'documentid' ? { documentid: id } : ok({ adminid: id });
	});
}

module.exports = { register, PACKAGES };
