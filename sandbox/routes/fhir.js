'use strict';
// FHIR R4 under /fhir/r4: unauthenticated metadata and SMART configuration, the
// mandatory ah-practice parameter (400 with a bare `details` body), required parameter
// combinations, athena id forms, Bundle paging with an opaque `cursor`, POST _search, and the
// OperationOutcome-inside-a-200-Bundle behaviour (always for missing scopes; by switch for others).

const { resourcesOf, readResource } = require('../fhir/resources');
const { DECLARED, declared } = require('../fhir/capability');

const FHIR_JSON = 'application/fhir+json;charset=utf-8';
const KNOWN_PRACTICES = ['195900', '1128700'];

const REQUIRED = {
	Patient: [
		['_id'],
		['identifier'],
		['name'],
		['family', 'birthdate'],
		['family', 'gender'],
		['family', 'given'],
		// the department's patients (docs/athena-behaviour.md#fhir-patient-department)
		['ah-department'],
	],
	Condition: [['patient'], ['encounter'], ['_id']],
	AllergyIntolerance: [['patient']],
	MedicationRequest: [['patient', 'intent'], ['_id']],
	Practitioner: [['_id'], ['identifier', 'ah-practice']],
	Organization: [['_id']],
	Location: [['_id']],
};
const requiredOf = (type) => REQUIRED[type] ?? [['patient'], ['_id']];
class FhirError extends Error {
	constructor(status, body, headers = {}) {
		super('fhir');
		this.status = status;
		this.body = body;
		this.headers = headers;
	}
}
const outcome = (code, text, severity = 'error') => ({
	resourceType: 'OperationOutcome',
	issue: [{ severity, code, diagnostics: text, details: { text } }],
});
const fhir = (status, body, headers = {}) => ({
	__response: true,
	status,
	body: body === '' ? '' : JSON.stringify(body),
	headers: { 'Content-Type': FHIR_JSON, ...headers },
});
// ISSUE-378: an un-prefixed id, with `details` as a string
const INVALID_REQUEST = {
	issue: [{ severity: 'error', code: 'business-rule', details: 'Invalid FHIR request' }],
	resourceType: 'OperationOutcome',
};
const ATHENA_ID = /^a-\d+\.[A-Za-z]+-\d+$/;
/** A path segment, decoded; a malformed escape is the client's error (400), never a crash. */
function segment(text) {
	try {
		return decodeURIComponent(text);
	} catch {
		throw new FhirError(
			400,
			outcome('invalid', 'The request path has a malformed percent-encoding.'),
		);
	}
}

/** Query plus form body, keeping FHIR's case-sensitive names; repeated names are kept as lists. */
function fhirParams(ctx) {
	const out = new Map();
	const add = (k, v) => out.set(k, [...(out.get(k) ?? []), v]);
	for (const [k, v] of ctx.url.searchParams) add(k, v);
	if (
		ctx.method === 'POST' &&
		ctx.raw &&
		!String(ctx.req?.headers['content-type'] ?? '').includes('json')
	)
		for (const [k, v] of new URLSearchParams(ctx.raw)) add(k, v);
	return out;
}
const first = (params, k) => params.get(k)?.[0];

function practiceOf(params, settings = {}) {
	const raw = first(params, 'ah-practice') ?? first(params, 'ah-practice:Organization');
	if (raw === undefined)
		throw new FhirError(400, {
			details:
				'Could not determine what practice the request was for. Add the `ah-practice` search parameter to your request.',
		});
	const m = /^(?:Organization\/)?a-1\.Practice-(\d+)$/.exec(raw);
	if (!m)
		throw new FhirError(
			400,
			outcome(
				'invalid',
				`ah-practice must look like Organization/a-1.Practice-{practiceid}; got ${raw.slice(0, 60)}`,
			),
		);
	const withoutFhir = String(settings.practicesWithoutFhir ?? '')
		.split(',')
		.map((v) => v.trim());
	if (!KNOWN_PRACTICES.includes(m[1]) || withoutFhir.includes(m[1]))
		throw new FhirError(
			403,
			outcome('forbidden', `The client is not authorized for practice ${m[1]}.`),
		);
	return m[1];
}

const fold = (s) =>
	String(s ?? '')
		.normalize('NFD')
		.replace(/[\u0300-\u036f]/g, '')
		.toLowerCase();
const refId = (value) => String(value).replace(/^[A-Za-z]+\//, '');
const hasScope = (token, type) =>
	!token?.scopes ||
	token.scopes.some((s) => new RegExp(`^system/(${type}|\\*)\\.(read|rs|r|s|\\*)$`).test(s));

/** Adds routes under /fhir/r4 whose FhirErrors become FHIR responses. */
function fhirRoute(router) {
	return (method, path, handler) =>
		router.add(method, new RegExp(`^/fhir/r4${path}$`), async (ctx) => {
			try {
				return await handler(ctx);
			} catch (e) {
				if (!(e instanceof FhirError)) throw e;
				return fhir(e.status, e.body, e.headers);
			}
		});
}

function register(router, sb) {
	const { state, settings } = sb;
	const base = () => `${sb.url}/fhir/r4`;
	const route = fhirRoute(router);

	/** A search error: a 4xx, or (switch, or always for scopes) an OperationOutcome entry in a 200 Bundle. */
	const searchError = (status, body, inBundle) => {
		if (!inBundle) throw new FhirError(status, body);
		const oo = body.resourceType ? body : { resourceType: 'OperationOutcome', ...body };
		throw new FhirError(200, {
			entry: [{ resource: oo, search: { mode: 'outcome' } }],
			link: [],
			resourceType: 'Bundle',
			type: 'searchset',
			total: 0,
		});
	};

	const patientOfRef = (value) => {
		const id = refId(value);
		if (/^\d+$/.test(id)) searchError(400, INVALID_REQUEST, settings.fhirOutcomeIn200);
		const m = /^a-\d+\.E-(\d+)$/.exec(id);
		return m ? m[1] : '-';
	};

	function matches(type, r, params) {
		for (const [name, values] of params) {
			const value = values[0];
			switch (name) {
				case '_id': {
					const ids = values.flatMap((v) => v.split(','));
					if (ids.some((id) => !ATHENA_ID.test(id) && !/^a-1\.Practice-\d+$/.test(id)))
						searchError(400, INVALID_REQUEST, settings.fhirOutcomeIn200);
					if (!ids.includes(r.id)) return false;
					break;
				}
				case 'patient':
				case 'subject': {
					const pid = patientOfRef(value);
					const subject = (r.subject ?? r.patient)?.reference ?? '';
					if (!subject.endsWith(`.E-${pid}`)) return false;
					break;
				}
				case 'encounter':
					if (type === 'Condition') {
						const m = /encounter-(\d+)$/.exec(value);
						if (!m || !(r.subject?.reference ?? '').endsWith(`.E-${Math.floor(Number(m[1]) / 10)}`))
							return false;
					} else if (r.encounter?.reference && refId(r.encounter.reference) !== refId(value))
						return false;
					break;
				case 'identifier': {
					const v = value.includes('|') ? value.split('|')[1] : value;
					if (!(r.identifier ?? []).some((i) => i.value === v)) return false;
					break;
				}
				case 'name':
					if (
						!(r.name ?? []).some((n) =>
							[n.family, ...(n.given ?? [])].some((s) => fold(s).includes(fold(value))),
						)
					)
						return false;
					break;
				case 'family':
					if (!(r.name ?? []).some((n) => fold(n.family).startsWith(fold(value)))) return false;
					break;
				case 'given':
					if (
						!(r.name ?? []).some((n) =>
							(n.given ?? []).some((g) => fold(g).startsWith(fold(value))),
						)
					)
						return false;
					break;
				case 'ah-department': {
					const dept = /(\d+)$/.exec(value)?.[1];
					if (
						r.managingOrganization?.reference !==
						`Organization/a-${/^a-(\d+)\./.exec(r.id)?.[1]}.Department-${dept}`
					)
						return false;
					break;
				}
				case 'birthdate':
					if (r.birthDate !== value.replace(/^eq/, '')) return false;
					break;
				case 'gender':
				case 'intent':
				case 'status':
					if (r[name] !== value) return false;
					break;
				case 'code':
					if (
						!JSON.stringify(r.code ?? r.vaccineCode ?? r.medicationCodeableConcept ?? {}).includes(
							`"code":"${value.split('|').pop()}"`,
						)
					)
						return false;
					break;
				default:
					break; // other parameters are accepted and do not filter here
			}
		}
		return true;
	}

	/** Resources the page's references point to, for each `_include=Type:field` asked for. */
	function includes(page, params) {
		const out = new Map();
		for (const inc of params.get('_include') ?? []) {
			const [, field] = inc.split(':');
			for (const r of page) {
				let ref;
				if (['patient', 'subject'].includes(field)) ref = (r.subject ?? r.patient)?.reference;
				else if (['practitioner', 'requester', 'participant'].includes(field))
					ref = r.requester?.reference ?? r.participant?.[0]?.individual?.reference;
				if (!ref) continue;
				const [rtype, rid] = ref.split('/');
				const res = readResource(state, rtype, rid);
				if (res && !out.has(ref)) out.set(ref, res);
			}
		}
		return [...out.values()];
	}

	async function search(ctx, type) {
		const params = fhirParams(ctx);
		const pid = practiceOf(params, settings);
		if (!hasScope(ctx.token, type)) {
			searchError(
				403,
				outcome('forbidden', `The access token does not grant system/${type}.read.`),
				true,
			);
		}
		const given = new Set([...params.keys()].map((k) => k.split(':')[0]));
		const combos = requiredOf(type);
		if (!combos.some((combo) => combo.every((k) => given.has(k)))) {
			const text = `The search query could not be performed because one of the required parameter combinations [${combos.map((c) => `[${c.join(',')}]`).join(',')}] was not provided.`;
			searchError(
				400,
				{ issue: [{ details: { text }, severity: 'fatal', code: 'forbidden' }] },
				settings.fhirOutcomeIn200,
			);
		}
		const countRaw = first(params, '_count');
		const count = Math.min(
			settings.fhirMaxCount,
			Math.max(1, /^\d+$/.test(countRaw ?? '') ? Number(countRaw) : settings.fhirDefaultCount),
		);
		const cursorRaw = first(params, 'cursor');
		let offset = 0;
		if (cursorRaw !== undefined) {
			const m = /^o(\d+)$/.exec(Buffer.from(cursorRaw, 'base64url').toString('latin1'));
			if (!m)
				throw new FhirError(400, outcome('invalid', 'The cursor is not valid for this search.'));
			offset = Number(m[1]);
		}
		const filters = new Map(
			[...params].filter(
				([k]) =>
					![
						'ah-practice',
						'ah-practice:Organization',
						'_count',
						'cursor',
						'_include',
						'_revinclude',
						'_security',
						'_sort',
						'_lastUpdated',
					].includes(k),
			),
		);
		let all = [];
		for (const r of resourcesOf(state, pid, type)) if (matches(type, r, filters)) all.push(r);
		let total = all.length;
		// whether FHIR caps a department's patients as athenaNet does (1,000) is not documented
		if (type === 'Patient' && params.has('ah-department') && all.length > 1000) {
			if (settings.fhirDepartmentCap === 'error')
				throw new FhirError(
					400,
					outcome('too-costly', 'The search matched more than 1000 records. Narrow the search.'),
				);
			if (settings.fhirDepartmentCap === 'truncate') all = all.slice(0, 1000);
		}
		const page = all.slice(offset, offset + count);
		const query = new URLSearchParams();
		for (const [k, values] of params)
			if (k !== 'cursor') for (const v of values) query.append(k, v);
		const selfQuery = new URLSearchParams(query);
		selfQuery.delete('ah-practice');
		const link = [
			{
				relation: 'self',
				url: `${base()}/${type}?ah-practice:Organization=a-1.Practice-${pid}${selfQuery.size ? `&${selfQuery}` : ''}`,
			},
		];
		if (offset + count < all.length) {
			const cursor = Buffer.from(`o${offset + count}`, 'latin1').toString('base64url');
			// how athena's next link carries its cursor was not captured (docs/athena-behaviour.md#fhir-paging)
			const url =
				settings.fhirNextLink === 'cursor-only'
					? `${base()}/${type}?cursor=${cursor}`
					: settings.fhirNextLink === 'relative'
						? `${type}?${query}&cursor=${cursor}`
						: `${base()}/${type}?${query}&cursor=${cursor}`;
			link.push({ relation: 'next', url });
		}
		const entry = [
			...page.map((r) => ({
				fullUrl: `${base()}/${type}/${r.id}`,
				resource: r,
				search: { mode: 'match' },
			})),
			...includes(page, params).map((r) => ({
				fullUrl: `${base()}/${r.resourceType}/${r.id}`,
				resource: r,
				search: { mode: 'include' },
			})),
		];
		// key order as athena's Python server may send it: not the order FHIR examples use
		const bundle = {
			entry,
			link,
			resourceType: 'Bundle',
			timestamp: new Date().toISOString(),
			total,
			type: 'searchset',
		};
		if (!entry.length) delete bundle.entry;
		return fhir(200, bundle);
	}

	function read(ctx, type, id) {
		if (!hasScope(ctx.token, type))
			throw new FhirError(
				403,
				outcome('forbidden', `The access token does not grant system/${type}.read.`),
			);
		if (!ATHENA_ID.test(id) && !/^a-1\.Practice-\d+$/.test(id))
			throw new FhirError(400, INVALID_REQUEST);
		const r = readResource(state, type, id);
		if (!r) throw new FhirError(404, outcome('not-found', `Resource ${type}/${id} is not known`));
		return fhir(200, r);
	}

	const VALUE =
		/^value(String|Boolean|Integer|Decimal|Date|DateTime|Time|Coding|Quantity|Reference|Attachment|Uri)$/;
	/** QuestionnaireResponse items: each a linkId, answers with one value[x], nested items. */
	function checkItems(items, where) {
		if (!Array.isArray(items))
			throw new FhirError(400, outcome('structure', `${where} must be an array`));
		items.forEach((item, n) => {
			if (typeof item?.linkId !== 'string' || !item.linkId)
				throw new FhirError(400, outcome('required', `${where}[${n}].linkId is required`));
			for (const [k, answer] of (item.answer ?? []).entries()) {
				const values = Object.keys(answer ?? {}).filter((key) => key.startsWith('value'));
				if (values.length !== 1 || !VALUE.test(values[0]))
					throw new FhirError(
						400,
						outcome('value', `${where}[${n}].answer[${k}] needs exactly one value[x]`),
					);
				if (answer.item) checkItems(answer.item, `${where}[${n}].answer[${k}].item`);
			}
			if (item.item) checkItems(item.item, `${where}[${n}].item`);
		});
	}

	/** Create (QuestionnaireResponse, the one type athena lets clients create; docs/athena-behaviour.md#fhir-writes). */
	function create(ctx, type) {
		const params = fhirParams(ctx);
		const pid = practiceOf(params);
		if (
			ctx.token?.scopes &&
			!ctx.token.scopes.some((s) =>
				new RegExp(`^system/(${type}|\\*)\\.(write|c[ruds]*|\\*)$`).test(s),
			)
		)
			throw new FhirError(
				403,
				outcome('forbidden', `The access token does not grant system/${type}.write.`),
			);
		let r;
		try {
			r = JSON.parse(ctx.raw || '');
		} catch {
			throw new FhirError(400, outcome('structure', 'The body must be a FHIR resource in JSON.'));
		}
		if (r?.resourceType !== type)
			throw new FhirError(400, outcome('structure', `The body must be a ${type}.`));
		if (!['in-progress', 'completed', 'amended', 'entered-in-error', 'stopped'].includes(r.status))
			throw new FhirError(400, outcome('value', 'status is required (completed, in-progress, …).'));
		if (typeof r.questionnaire !== 'string' || !r.questionnaire)
			throw new FhirError(400, outcome('required', 'questionnaire is required.'));
		const m = /^Patient\/a-(\d+)\.E-(\d+)$/.exec(r.subject?.reference ?? '');
		if (!m || m[1] !== pid || !state.patients.has(m[2]))
			throw new FhirError(
				400,
				outcome(
					'invalid',
					'subject must reference a patient of the practice (Patient/a-{practiceid}.E-{id}).',
				),
			);
		checkItems(r.item ?? [], 'item');
		sb.questionnaireSeq = (sb.questionnaireSeq ?? 0) + 1;
		const id = `a-${pid}.questionnaireresponse-${sb.questionnaireSeq}`;
		const stored = {
			...r,
			id,
			meta: { lastUpdated: new Date().toISOString() },
			extension: [
				...(r.extension ?? []),
				{
					url: 'https://fhir.athena.io/StructureDefinition/ah-practice',
					valueReference: { reference: `Organization/a-1.Practice-${pid}` },
				},
			],
		};
		state.questionnaireResponses.set(id, stored);
		return fhir(201, stored, { Location: `${base()}/${type}/${id}/_history/1` });
	}

	/** A type athena declares, with the interaction asked for (read, search-type, create). */
	const typeOf = (ctx, interaction) => {
		const type = ctx.m[1];
		const d = declared(type);
		if (!d)
			throw new FhirError(404, outcome('not-supported', `Resource type ${type} is not supported`));
		if (!d.interaction.includes(interaction))
			throw new FhirError(
				405,
				outcome('not-supported', `${interaction} is not supported for ${type}`),
			);
		return type;
	};
	sb.fhirUnauthenticated = (path) => {
		if (path === '/fhir/r4/metadata') return fhir(200, capabilityStatement(base()));
		if (path === '/fhir/r4/.well-known/smart-configuration')
			return fhir(200, smartConfiguration(sb.url), { 'Content-Type': 'application/json' });
		return undefined;
	};
	route('GET', '/([A-Z][A-Za-z]+)', (ctx) => search(ctx, typeOf(ctx, 'search-type')));
	route('POST', '/([A-Z][A-Za-z]+)/_search', (ctx) => search(ctx, typeOf(ctx, 'search-type')));
	route('POST', '/([A-Z][A-Za-z]+)', (ctx) => create(ctx, typeOf(ctx, 'create')));
	route('GET', '/([A-Z][A-Za-z]+)/([^/$]+)', (ctx) =>
		read(ctx, typeOf(ctx, 'read'), segment(ctx.m[2])),
	);
}

function capabilityStatement(base) {
	return {
		resourceType: 'CapabilityStatement',
		id: 'ah-r4-base',
		status: 'active',
		date: '2026-10-01',
		kind: 'instance',
		software: { name: 'athenahealth FHIR Server', version: 'sandbox' },
		implementation: { description: 'athena sandbox (local simulator)', url: base },
		fhirVersion: '4.0.1',
		format: ['application/fhir+json', 'application/json'],
		instantiates: [
			'http://hl7.org/fhir/us/core/CapabilityStatement/us-core-server|3.1.1',
			'http://hl7.org/fhir/us/core/CapabilityStatement/us-core-server|6.1.0',
			'http://hl7.org/fhir/uv/bulkdata/CapabilityStatement/bulk-data|1.0.1',
			'http://hl7.org/fhir/uv/bulkdata/CapabilityStatement/bulk-data|2.0.0',
		],
		rest: [
			{
				mode: 'server',
				resource: DECLARED.map((d) => ({
					type: d.type,
					...(d.interaction.includes('search-type')
						? {
								extension: [
									{
										url: 'https://fhir.athena.io/StructureDefinition/ah-search-parameter-metadata',
										extension: requiredOf(d.type).map((combo) => ({
											url: combo.length > 1 ? 'requiredAnySearchParams' : 'requiredSearchParams',
											valueString: combo.join(','),
										})),
									},
								],
							}
						: {}),
					interaction: d.interaction.map((code) => ({ code })),
					...(d.interaction.includes('search-type')
						? {
								searchParam: [
									...d.searchParams,
									...d.ahParams,
									'_security',
									'_count',
									'cursor',
								].map((name) => ({
									name,
									type: name === 'cursor' ? 'string' : 'token',
									...(name === 'cursor'
										? {
												definition: 'https://fhir.athena.io/SearchParameter/ah-cursor',
												documentation: 'An identifier for the first resource to return',
											}
										: {}),
								})),
							}
						: {}),
					...(d.operations.length
						? {
								operation: d.operations.map((name) => ({
									name,
									definition: `https://fhir.athena.io/OperationDefinition/ah-${d.type.toLowerCase()}-${name}`,
								})),
							}
						: {}),
				})),
			},
		],
	};
}

function smartConfiguration(origin) {
	return {
		issuer: `${origin}/oauth2`,
		authorization_endpoint: `${origin}/oauth2/v1/authorize`,
		token_endpoint: `${origin}/oauth2/v1/token`,
		introspection_endpoint: `${origin}/oauth2/v1/introspect`,
		revocation_endpoint: `${origin}/oauth2/v1/revoke`,
		jwks_uri: `${origin}/oauth2/v1/keys`,
		grant_types_supported: ['authorization_code', 'client_credentials'],
		code_challenge_methods_supported: ['S256'],
		token_endpoint_auth_methods_supported: [
			'client_secret_basic',
			'client_secret_post',
			'client_secret_jwt',
			'private_key_jwt',
			'none',
		],
		capabilities: [
			'launch-ehr',
			'launch-standalone',
			'client-public',
			'client-confidential-symmetric',
			'client-confidential-asymmetric',
			'sso-openid-connect',
			'context-ehr-patient',
			'context-ehr-encounter',
			'context-standalone-patient',
			'context-banner',
			'context-style',
			'permission-offline',
			'permission-patient',
			'permission-user',
			'permission-v1',
			'permission-v2',
			'authorize-post',
			'health-cards',
		],
	};
}

module.exports = { register, fhirRoute, segment, FhirError, fhir, outcome, KNOWN_PRACTICES };
