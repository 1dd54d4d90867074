'use strict';
// Patient custom fields (docs/athena-behaviour.md#patient-custom-fields): the practice's list as a
// bare array, a patient's values as a bare array (text fields carry customfieldvalue, select fields
// optionid), the PUT with the values as one JSON string in the form, and the search of patients by
// one field's value. What a PUT writes is what the GET and the search read.

const { fail, missing } = require('./athenanet');

/** The practice's patient custom fields: one searchable text field, one select field, others. */
const FIELDS = [
	{
		customfieldid: '1',
		name: 'Legacy Patient ID',
		type: 'TEXT',
		searchable: true,
		disallowupdate: false,
		select: false,
		casesensitive: false,
	},
	{
		customfieldid: '162',
		name: 'Healthkit Enabled',
		type: 'TEXT',
		select: true,
		disallowupdate: false,
		casesensitive: false,
		selectlist: [
			{ optionvalue: 'Yes', optionid: '61' },
			{ optionvalue: 'No', optionid: '62' },
		],
	},
	{
		customfieldid: '22',
		name: 'Test Patient Field',
		type: 'TEXT',
		length: '10',
		disallowupdate: false,
		select: false,
		casesensitive: false,
	},
	{
		customfieldid: '323',
		name: 'Baystate Patient',
		type: 'TEXT',
		ordering: '2',
		disallowupdate: true,
		select: false,
		casesensitive: false,
	},
	{
		customfieldid: '41',
		name: 'Consent Signed',
		type: 'DATE',
		disallowupdate: false,
		select: false,
		casesensitive: false,
	},
];

function register(router, sb) {
	const { state, settings } = sb;
	const route = (method, path, handler) =>
		router.add(method, new RegExp(`^/v1/(\\d+)${path}$`), handler);
	state.customFields = FIELDS.map((f) => JSON.parse(JSON.stringify(f)));
	// patient id → Map(customfieldid → { customfieldid, customfieldvalue } | { customfieldid, optionid })
	state.patientCustomFields = new Map();

	const patientOf = (id) =>
		state.patients.get(String(id)) ||
		fail(404, {
			detailedmessage: 'The specified patient does not exist in that department.',
			error: 'The Patient ID or Department ID is invalid.',
		});
	const departmentOf = (ctx) => {
		const id = ctx.params.departmentid;
		if (id === undefined || id === '') missing('departmentid');
		if (!state.departments.some((d) => d.departmentid === String(id)))
			fail(404, { error: 'The Patient ID or Department ID is invalid.' });
	};
	const valuesOf = (pid) => {
		let m = state.patientCustomFields.get(String(pid));
		if (!m) state.patientCustomFields.set(String(pid), (m = new Map()));
		return m;
	};
	const definition = (id) => state.customFields.find((f) => f.customfieldid === String(id));

	route('GET', '/customfields', () => state.customFields.map((f) => JSON.parse(JSON.stringify(f))));

	route('GET', '/patients/(\\d+)/customfields', (ctx) => {
		const p = patientOf(ctx.m[2]);
		departmentOf(ctx);
		return [...valuesOf(p.patientid).values()].map((v) => ({ ...v }));
	});

	route('PUT', '/patients/(\\d+)/customfields', (ctx) => {
		const p = patientOf(ctx.m[2]);
		if (!ctx.params.customfields) missing('customfields');
		departmentOf(ctx);
		let list;
		try {
			list = JSON.parse(ctx.params.customfields);
		} catch {
			fail(400, { error: 'The customfields parameter is not valid JSON.' });
		}
		if (!Array.isArray(list)) fail(400, { error: 'The customfields parameter is not valid JSON.' });
		// every entry is checked before any is stored: the call changes all or nothing
		const changes = [];
		let disallowed = 0;
		for (const entry of list) {
			const def = definition(entry?.customfieldid);
			if (!def) fail(400, { error: `Invalid custom field ID: ${String(entry?.customfieldid)}.` });
			if (def.select) {
				if (entry.optionid === undefined || entry.optionid === '') {
					if (entry.customfieldvalue === undefined || entry.customfieldvalue === '') {
						changes.push({ id: def.customfieldid, clear: true });
						continue;
					}
					fail(400, {
						error: `Custom field ${def.customfieldid} is a select field: send an optionid.`,
					});
				}
				if (!def.selectlist.some((o) => o.optionid === String(entry.optionid)))
					fail(400, {
						error: `Invalid option ID ${String(entry.optionid)} for custom field ${def.customfieldid}.`,
					});
			} else if (
				def.type === 'DATE' &&
				entry.customfieldvalue &&
				!/^\d{2}\/\d{2}\/\d{4}$/.test(String(entry.customfieldvalue))
			) {
				// inferred (docs/athena-behaviour.md#patient-custom-fields): athena's dates are mm/dd/yyyy
				fail(400, { error: `The value of custom field ${def.customfieldid} is not a valid date.` });
			} else if (def.length && String(entry.customfieldvalue ?? '').length > Number(def.length)) {
				fail(400, {
					error: `The value of custom field ${def.customfieldid} is limited to ${def.length} characters.`,
				});
			}
			const values = valuesOf(p.patientid);
			// a field that disallows updates takes a first value but is not changed once set
			if (def.disallowupdate && values.has(def.customfieldid)) {
				disallowed++;
				continue;
			}
			changes.push({ id: def.customfieldid, def, entry });
		}
		const values = valuesOf(p.patientid);
		for (const c of changes) {
			if (c.clear || (!c.def.select && (c.entry.customfieldvalue ?? '') === '')) {
				values.delete(c.id);
				continue;
			}
			values.set(
				c.id,
				c.def.select
					? { customfieldid: c.id, optionid: String(c.entry.optionid) }
					: { customfieldid: c.id, customfieldvalue: String(c.entry.customfieldvalue) },
			);
		}
		if (changes.length) sb.changed(ctx.practice, 'patients', 'UpdatePatientCustomField', p);
		return {
			success: settings.successAsString ? 'true' : true,
			updatedcount: changes.length,
			disallowedcount: disallowed,
		};
	});

	// the value is the optionid for select fields
	route('GET', '/patients/customfields/(\\d+)/([^/]+)', (ctx) => {
		const def = definition(ctx.m[2]);
		if (!def) fail(400, { error: `Invalid custom field ID: ${ctx.m[2]}.` });
		if (!def.searchable && !def.select)
			fail(400, { error: `Custom field ${def.customfieldid} is not searchable.` });
		const wanted = decodeURIComponent(ctx.m[3]);
		// by-field: case-insensitive unless the field is case-sensitive; exact: always exact
		const exact = settings.customFieldSearchMatch === 'exact' || def.casesensitive;
		const same = (v) =>
			exact ? String(v) === wanted : String(v).toLowerCase() === wanted.toLowerCase();
		const rows = [...state.patientCustomFields.entries()]
			.filter(([pid, m]) => {
				const v = m.get(def.customfieldid);
				const p = state.patients.get(pid);
				if (!v || !p || p.status === 'deleted') return false;
				return def.select ? String(v.optionid) === wanted : same(v.customfieldvalue);
			})
			.map(([pid]) => ({ ...state.patients.get(pid) }));
		return { patients: rows, totalcount: rows.length };
	});
}

module.exports = { register, FIELDS };
