'use strict';
// athena's chart writes and lab result documents (docs/athena-behaviour.md#chart-writes): problems,
// allergies, historical medications, device vitals, encounter diagnoses, lab result documents and
// their analytes, and the reference searches they use. They change the records record.js serves,
// so its reads return what was written. Switches: successAsString, chartWriteIds,
// vitalsSourceCheck (sandbox/settings.js).

const { athenaDate, athenaDateTime, parts } = require('../clock');
const { fail, missing, truthy } = require('./athenanet');

// A small reference table of each kind, enough for pickers and tests.
const SNOMED = {
	59621000: 'Essential hypertension',
	367498001: 'Seasonal allergic rhinitis',
	44054006: 'Type 2 diabetes mellitus',
	195967001: 'Asthma',
	35489007: 'Depressive disorder',
	13645005: 'Chronic obstructive lung disease',
	22298006: 'Myocardial infarction',
	38341003: 'Hypertensive disorder',
	271737000: 'Anemia',
	68566005: 'Urinary tract infectious disease',
	84229001: 'Fatigue',
};
const MEDICATIONS = [
	{ medicationid: 231555, medication: 'naltrexone 50 mg tablet' },
	{ medicationid: 244370, medication: 'lisinopril 10 mg tablet' },
	{ medicationid: 244371, medication: 'lisinopril 20 mg tablet' },
	{ medicationid: 205710, medication: 'metformin 500 mg tablet' },
	{ medicationid: 206411, medication: 'atorvastatin 20 mg tablet' },
	{ medicationid: 198211, medication: 'amoxicillin 500 mg capsule' },
];
const ALLERGENS = [
	{ allergenid: 18939, allergenname: 'latex', allergy: 'latex', allergyid: 18939 },
	{ allergenid: 92193, allergenname: 'weed pollen', allergy: 'weed pollen', allergyid: 92193 },
	{ allergenid: 10075, allergenname: 'penicillin', allergy: 'penicillin', allergyid: 10075 },
	{ allergenid: 10090, allergenname: 'peanut', allergy: 'peanut', allergyid: 10090 },
	{ allergenid: 10160, allergenname: 'shellfish', allergy: 'shellfish', allergyid: 10160 },
];
const REACTIONS = [
	{ reactionid: 1, reactionname: 'hives', snomedcode: '247472004' },
	{ reactionid: 2, reactionname: 'sneezing', snomedcode: '76067001' },
	{ reactionid: 3, reactionname: 'anaphylaxis', snomedcode: '39579001' },
	{ reactionid: 4, reactionname: 'rash', snomedcode: '271807003' },
	{ reactionid: 5, reactionname: 'chest pain', snomedcode: '29857009' },
];
const SEVERITIES = [
	{ severity: 'mild', snomedcode: '255604002' },
	{ severity: 'moderate', snomedcode: '6736007' },
	{ severity: 'severe', snomedcode: '24484000' },
];
// athena's vital keys and the LOINC codes its readings carry (docs/athena-behaviour.md#vitals)
const VITALS = {
	'VITALS.BLOODPRESSURE.SYSTOLIC': ['BLOODPRESSURE', 'BP', '8480-6'],
	'VITALS.BLOODPRESSURE.DIASTOLIC': ['BLOODPRESSURE', 'BP', '8462-4'],
	'VITALS.WEIGHT': ['WEIGHT', 'Wt', '29463-7'],
	'VITALS.HEIGHT': ['HEIGHT', 'Ht', '8302-2'],
	'VITALS.BMI': ['BMI', 'BMI', '39156-5'],
	'VITALS.TEMPERATURE': ['TEMPERATURE', 'Temp', '8310-5'],
	'VITALS.HEARTRATE': ['HEARTRATE', 'HR', '8867-4'],
	'VITALS.PULSE': ['PULSE', 'Pulse', '8867-4'],
	'VITALS.RESPIRATIONRATE': ['RESPIRATIONRATE', 'RR', '9279-1'],
	'VITALS.O2SATURATION': ['O2SATURATION', 'O2Sat', '59408-5'],
	'VITALS.INHALEDO2CONCENTRATION': ['INHALEDO2CONCENTRATION', 'FiO2', '3150-0'],
	'VITALS.BLOODSUGAR': ['BLOODSUGAR', 'BG', '2339-0'],
};
const STATUSES = ['CHRONIC', 'ACUTE'];
const LATERALITIES = ['LEFT', 'RIGHT', 'BILATERAL'];

function register(router, sb) {
	const { settings, state } = sb;
	const route = (method, path, handler) =>
		router.add(method, new RegExp(`^/v1/(\\d+)${path}$`), (ctx) =>
			handler(
				// athena reads form bodies, not JSON: a JSON body is an empty form
				method !== 'GET' && /json/i.test(ctx.req?.headers['content-type'] ?? '')
					? {
							...ctx,
							params: Object.fromEntries(
								[...ctx.url.searchParams].map(([k, v]) => [k.toLowerCase(), v]),
							),
						}
					: ctx,
			),
		);
	const ok = (ids = {}) => ({
		success: settings.successAsString ? 'true' : true,
		...(settings.chartWriteIds ? ids : {}),
	});
	// athena's logical failures: HTTP 200 with success false and its words
	const refused = (errormessage) => ({
		success: settings.successAsString ? 'false' : false,
		errormessage,
	});
	const today = () => athenaDate(parts(new Date()));
	const now = () => athenaDateTime(parts(new Date()));
	const by = () => `API-${sb.clientNumber}`;
	let nextId = 7700000;
	const integer = (q, name) => {
		if (q[name] === undefined) return undefined;
		if (!/^\d+$/.test(String(q[name])))
			fail(400, {
				detailedmessage: `Expecting type integer, but value is ${q[name]}`,
				error: 'The data provided is invalid.',
			});
		return Number(q[name]);
	};
	const json = (q, name) => {
		try {
			return JSON.parse(String(q[name]));
		} catch {
			return fail(400, {
				detailedmessage: `${name} is not valid JSON.`,
				error: 'The data provided is invalid.',
			});
		}
	};
	const chart = (ctx) => {
		const r = sb.chartRecord(ctx.m[2]);
		sb.chartDepartment(ctx);
		return r;
	};
	const upper = (v) => (v === undefined || v === '' ? undefined : String(v).toUpperCase());

	// ---- reference searches (bare arrays)
	const search = (rows, key, q) => {
		const text = String(q.searchvalue ?? '').toLowerCase();
		if (text.length < 2)
			fail(400, { error: 'searchvalue must be at least 2 characters.', missingfields: [] });
		return rows.filter((r) => String(r[key]).toLowerCase().includes(text));
	};
	route('GET', '/reference/allergies', (ctx) => search(ALLERGENS, 'allergenname', ctx.params));
	route('GET', '/reference/allergies/reactions', () => REACTIONS);
	route('GET', '/reference/allergies/severities', () => SEVERITIES);
	route('GET', '/reference/medications', (ctx) => search(MEDICATIONS, 'medication', ctx.params));

	// ---- problems
	const problemOf = (r, id) =>
		r.problems.find((p) => String(p.problemid) === String(id)) ||
		fail(404, { error: 'The problem ID is invalid.' });
	const eventFields = (q) => {
		const status = upper(q.status);
		if (status && !STATUSES.includes(status))
			return `Submitted status of '${q.status}' is not valid.`;
		const laterality = upper(q.laterality);
		if (laterality && !LATERALITIES.includes(laterality))
			return `Submitted laterality of '${q.laterality}' is not valid.`;
		return undefined;
	};
	route('POST', '/chart/(\\d+)/problems', (ctx) => {
		const q = ctx.params;
		sb.chartRecord(ctx.m[2]);
		// recorded: an unusable code is an HTTP-200 failure, whatever else is missing
		// the sandbox knows the codes of its SNOMED table only (athena knows them all)
		if (!/^\d{6,18}$/.test(String(q.snomedcode ?? '')) || !SNOMED[q.snomedcode])
			return refused(`Submitted snomedcode of '${q.snomedcode ?? ''}' is not valid.`);
		const r = chart(ctx);
		const code = String(q.snomedcode);
		const bad = eventFields(q);
		if (bad) return refused(bad);
		const problemid = nextId++;
		const problem = {
			problemid,
			name: SNOMED[code],
			codeset: 'SNOMED',
			code,
			lastmodifieddatetime: new Date().toISOString(),
			lastmodifiedby: by(),
			events: [
				{
					eventtype: 'START',
					startdate: q.startdate || undefined,
					onsetdate: q.startdate || undefined,
					status: upper(q.status),
					laterality: upper(q.laterality),
					note: q.note || undefined,
					createddate: today(),
					createdby: by(),
				},
			],
		};
		r.problems.push(problem);
		sb.changed(ctx.practice, 'chart/healthhistory/problems', 'ProblemAdd', {
			patientid: ctx.m[2],
			...problem,
			problemid: String(problemid),
		});
		return ok({ problemid: String(problemid) });
	});
	route('PUT', '/chart/(\\d+)/problems/(\\d+)', (ctx) => {
		const q = ctx.params;
		if (q.departmentid === undefined) missing('departmentid');
		const p = problemOf(chart(ctx), ctx.m[3]);
		const bad = eventFields(q);
		if (bad) return refused(bad);
		const event = p.events.find((e) => e.eventtype === 'START') ?? p.events[0];
		if (q.startdate) event.startdate = q.startdate;
		if (q.status) event.status = upper(q.status);
		if (q.laterality) event.laterality = upper(q.laterality);
		if (q.note !== undefined) event.note = q.note;
		p.lastmodifiedby = by();
		return ok({ problemid: String(p.problemid) });
	});
	route('DELETE', '/chart/(\\d+)/problems/(\\d+)', (ctx) => {
		const r = chart(ctx);
		const p = problemOf(r, ctx.m[3]);
		// remove=true deletes a problem added in error; otherwise it is deactivated (hidden)
		if (truthy(ctx.params.remove)) r.problems.splice(r.problems.indexOf(p), 1);
		else {
			p.deactivateddate = today();
			p.events.push({ eventtype: 'HIDDEN', createddate: today(), createdby: by() });
		}
		return ok({ problemid: String(p.problemid) });
	});

	// ---- allergies: merged on allergenid, omitted allergens are kept
	route('PUT', '/chart/(\\d+)/allergies', (ctx) => {
		const q = ctx.params;
		if (q.departmentid === undefined) missing('departmentid');
		const r = chart(ctx);
		const given = q.allergies === undefined ? [] : json(q, 'allergies');
		if (!Array.isArray(given))
			fail(400, {
				detailedmessage: 'allergies must be a list.',
				error: 'The data provided is invalid.',
			});
		for (const a of given) {
			if (!a || a.allergenid === undefined || a.allergenid === '')
				return refused('Each allergy requires an allergenid.');
			if (!ALLERGENS.some((x) => String(x.allergenid) === String(a.allergenid)))
				return refused(`Allergen ID ${a.allergenid} is not valid.`);
		}
		for (const a of given) {
			const known = ALLERGENS.find((x) => String(x.allergenid) === String(a.allergenid));
			const existing = r.allergies.find((x) => String(x.allergenid) === String(a.allergenid));
			const next = {
				...(existing ?? {}),
				...a,
				allergenid: String(a.allergenid),
				allergenname: a.allergenname || existing?.allergenname || known.allergenname,
				lastmodifiedby: by(),
				lastmodifieddatetime: new Date().toISOString(),
			};
			if (existing) r.allergies[r.allergies.indexOf(existing)] = next;
			else r.allergies.push(next);
		}
		if (q.nkda !== undefined) r.nkda = truthy(q.nkda);
		if (q.sectionnote !== undefined) r.allergySectionNote = q.sectionnote;
		return ok(given.length ? { allergyid: String(given[0].allergenid) } : {});
	});

	// ---- medications (historical entries)
	const medicationOf = (id) => MEDICATIONS.find((m) => String(m.medicationid) === String(id));
	const entryOf = (r, id) => {
		for (const group of r.medications) {
			const e = group.find((x) => x.medicationentryid === id);
			if (e) return { group, e };
		}
		return fail(404, { error: 'The medication entry ID is invalid.' });
	};
	const setMedicationFields = (e, q) => {
		const events = e.events.filter((x) => !['START', 'END'].includes(x.type));
		const start = q.startdate ?? e.events.find((x) => x.type === 'START')?.eventdate;
		const stop = q.stopdate ?? e.events.find((x) => x.type === 'END')?.eventdate;
		if (start) events.unshift({ eventdate: start, type: 'START' });
		if (stop) events.push({ eventdate: stop, type: 'END' });
		e.events = events;
		for (const k of ['unstructuredsig', 'patientnote', 'providernote', 'stopreason'])
			if (q[k] !== undefined) e[k] = q[k];
		if (q.hidden !== undefined) e.hidden = truthy(q.hidden);
		e.isdiscontinued = Boolean(stop);
		e.lastmodifieddate = today();
	};
	route('POST', '/chart/(\\d+)/medications', (ctx) => {
		const q = ctx.params;
		const need = ['departmentid', 'medicationid'].filter((f) => q[f] === undefined);
		if (need.length) missing(...need);
		const r = chart(ctx);
		const id = integer(q, 'medicationid');
		const med = medicationOf(id);
		if (!med)
			return refused(`MedicationID ${q.medicationid} does not match any known medications.`);
		const e = {
			medicationentryid: `H${nextId++}`,
			medicationid: med.medicationid,
			medication: med.medication,
			events: [{ eventdate: today(), type: 'ENTER', userdisplayname: by() }],
			source: by(),
			createdby: by(),
		};
		setMedicationFields(e, q);
		r.medications.push([e]);
		return ok({ medicationentryid: e.medicationentryid });
	});
	route('PUT', '/chart/(\\d+)/medications/([A-Za-z]?\\d+)', (ctx) => {
		const q = ctx.params;
		if (q.departmentid === undefined) missing('departmentid');
		const { e } = entryOf(chart(ctx), ctx.m[3]);
		setMedicationFields(e, q);
		return ok({ medicationentryid: e.medicationentryid });
	});
	route('DELETE', '/chart/(\\d+)/medications/([A-Za-z]?\\d+)', (ctx) => {
		const r = chart(ctx);
		const { group, e } = entryOf(r, ctx.m[3]);
		group.splice(group.indexOf(e), 1);
		if (!group.length) r.medications.splice(r.medications.indexOf(group), 1);
		return ok({ medicationentryid: e.medicationentryid });
	});

	// ---- vitals: device-generated only, one reading group per inner array
	route('POST', '/chart/(\\d+)/vitals', (ctx) => {
		const q = ctx.params;
		const need = ['departmentid', 'vitals'].filter((f) => q[f] === undefined);
		if (need.length) missing(...need);
		const r = chart(ctx);
		if (settings.vitalsSourceCheck && String(q.source ?? '').toUpperCase() !== 'DEVICEGENERATED')
			return refused('Only device-generated vitals may be added (source DEVICEGENERATED).');
		const groups = json(q, 'vitals');
		if (!Array.isArray(groups) || !groups.every((g) => Array.isArray(g) && g.length))
			return refused('vitals must be a list of reading groups (a list of lists).');
		for (const g of groups)
			for (const v of g) {
				if (!VITALS[v?.clinicalelementid])
					return refused(`Clinical element ID ${v?.clinicalelementid} is not valid.`);
				if (v.value === undefined || v.value === '' || !v.readingtaken)
					return refused('Each vital requires a value and readingtaken.');
			}
		const vitalids = [];
		for (const g of groups) {
			const readingid = nextId++;
			const byKey = new Map();
			for (const v of g) {
				const [key, abbreviation, code] = VITALS[v.clinicalelementid];
				const vitalid = nextId++;
				vitalids.push({ vitalid: String(vitalid), clinicalelementid: v.clinicalelementid });
				if (!byKey.has(key)) byKey.set(key, { abbreviation, readings: [] });
				byKey.get(key).readings.push({
					vitalid,
					readingid,
					clinicalelementid: v.clinicalelementid,
					value: String(v.value),
					code,
					codeset: 'LOINC',
					readingtaken: v.readingtaken,
					source: 'DEVICEGENERATED',
					createddate: now(),
					createdby: by(),
				});
			}
			for (const [key, { abbreviation, readings }] of byKey) {
				let vital = r.vitals.find((x) => x.key === key);
				if (!vital) {
					vital = { ordering: r.vitals.length, abbreviation, key, readings: [] };
					r.vitals.push(vital);
				}
				vital.readings.push(readings);
			}
		}
		return truthy(q.returnvitalids) ? ok({ vitalids }) : ok();
	});

	// ---- encounter diagnoses
	route('GET', '/chart/encounter/(\\d+)/diagnoses', (ctx) => {
		const e = sb.chartEncounter(ctx.m[2]);
		return { diagnoses: e.diagnoses ?? [], totalcount: (e.diagnoses ?? []).length };
	});
	route('POST', '/chart/encounter/(\\d+)/diagnoses', (ctx) => {
		const q = ctx.params;
		if (q.snomedcode === undefined) missing('snomedcode');
		const e = sb.chartEncounter(ctx.m[2]);
		const code = integer(q, 'snomedcode');
		if (!SNOMED[code]) return refused(`Submitted snomedcode of '${q.snomedcode}' is not valid.`);
		if (['CLOSED', 'DELETED'].includes(e.status))
			return refused(
				`Encounter ${e.encounterid} is ${e.status.toLowerCase()} and cannot be changed.`,
			);
		const laterality = upper(q.laterality);
		if (laterality && !LATERALITIES.includes(laterality))
			return refused(`Submitted laterality of '${q.laterality}' is not valid.`);
		const diagnosisid = nextId++;
		e.diagnoses ??= [];
		e.diagnoses.push({
			diagnosisid,
			snomedcode: code,
			description: SNOMED[code],
			icdcodes: String(q.icd10codes ?? '')
				.split(',')
				.map((c) => c.trim())
				.filter(Boolean)
				.map((c) => ({ code: c, codeset: 'ICD10' })),
			laterality,
			note: q.note || undefined,
		});
		return ok({ diagnosisid: String(diagnosisid) });
	});
	route('DELETE', '/chart/encounter/(\\d+)/diagnoses/(\\d+)', (ctx) => {
		const e = sb.chartEncounter(ctx.m[2]);
		const list = e.diagnoses ?? [];
		const d =
			list.find((x) => String(x.diagnosisid) === ctx.m[3]) ||
			fail(404, { error: 'The diagnosis ID is invalid.' });
		if (['CLOSED', 'DELETED'].includes(e.status))
			return refused(
				`Encounter ${e.encounterid} is ${e.status.toLowerCase()} and cannot be changed.`,
			);
		list.splice(list.indexOf(d), 1);
		return ok({ diagnosisid: String(d.diagnosisid) });
	});

	// ---- lab result documents
	const analytesOf = (q, update = false) => {
		const list = json(q, 'analytes');
		if (!Array.isArray(list)) return 'analytes must be a list.';
		if (!update && list.some((a) => !a || !a.analytename))
			return 'Each analyte requires an analytename.';
		if (update && list.some((a) => !a || !a.analyteid))
			return 'Each analyte requires an analyteid.';
		return list;
	};
	route('POST', '/patients/(\\d+)/documents/labresult', (ctx) => {
		const q = ctx.params;
		if (q.departmentid === undefined) missing('departmentid');
		const r = chart(ctx);
		const analytes = q.analytes === undefined ? [] : analytesOf(q);
		if (typeof analytes === 'string') return refused(analytes);
		if (!analytes.length && !q.attachmentcontents)
			return refused('A lab result needs analytes or an attachment.');
		if (q.attachmentcontents && !q.attachmenttype) missing('attachmenttype');
		const bytes = q.attachmentcontents ? Buffer.from(String(q.attachmentcontents), 'base64') : null;
		if (bytes && bytes.length > settings.maxUploadBytes)
			fail(400, { error: 'The attachment is too large.' });
		const labresultid = nextId++;
		const date = q.observationdate || today();
		r.labresults.push({
			labresultid,
			description: analytes[0]?.description ?? analytes[0]?.analytename ?? 'Lab result',
			labresultloinc: analytes[0]?.loinc,
			labresultdate: date,
			labresultdatetime: `${date} ${q.observationtime ? `${q.observationtime}:00` : '00:00:00'}`,
			createddatetime: now(),
			priority: String(q.priority ?? '2'),
			isreviewedbyprovider: '0',
			attachmentexists: Boolean(bytes),
			status: truthy(q.autoclose) ? 'CLOSED' : 'REVIEW',
			externalaccessionid: q.accessionid || undefined,
			resultstatus: q.resultstatus || undefined,
			reportstatus: q.reportstatus || undefined,
			internalnote: q.internalnote || undefined,
			labresultnote: q.notetopatient || undefined,
			providerid: q.providerid ? Number(q.providerid) : undefined,
			orderid: q.tietoorderid ? Number(q.tietoorderid) : undefined,
			analytes: analytes.map((a) => ({
				...a,
				analyteid: nextId++,
				analytedate: date,
			})),
			attachment: bytes ? { contenttype: q.attachmenttype, size: bytes.length } : undefined,
		});
		return ok({ labresultid });
	});
	route('PUT', '/patients/(\\d+)/documents/labresult/(\\d+)', (ctx) => {
		const q = ctx.params;
		if (q.departmentid === undefined) missing('departmentid');
		const r = chart(ctx);
		const lab =
			r.labresults.find((x) => String(x.labresultid) === ctx.m[3]) ||
			fail(404, { error: 'The document ID is invalid.' });
		const analytes = q.analytes === undefined ? [] : analytesOf(q, true);
		if (typeof analytes === 'string') return refused(analytes);
		for (const a of analytes)
			if (!lab.analytes.some((x) => String(x.analyteid) === String(a.analyteid)))
				return refused(`Analyte ID ${a.analyteid} is not on lab result ${lab.labresultid}.`);
		for (const a of analytes) {
			const x = lab.analytes.find((y) => String(y.analyteid) === String(a.analyteid));
			Object.assign(x, a, { analyteid: x.analyteid });
		}
		for (const k of ['resultstatus', 'reportstatus', 'internalnote'])
			if (q[k] !== undefined) lab[k] = q[k];
		return ok({ labresultid: lab.labresultid });
	});
	state.chartReference = { SNOMED, MEDICATIONS, ALLERGENS, REACTIONS, SEVERITIES, VITALS };
}

module.exports = { register, VITALS };
