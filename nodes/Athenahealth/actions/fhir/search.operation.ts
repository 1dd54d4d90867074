import {
	updateDisplayOptions,
	type IDataObject,
	type IExecuteFunctions,
	type INodeExecutionData,
} from 'n8n-workflow';

import { fhirType, TENANCY_PARAMS } from '../../shared/fhirTypes';
import { fhirId } from '../../shared/ids';
import { fhirScope, fhirSearchPages, practiceParam } from '../../transport/fhir';
import { returnAllAndLimit, show } from '../fields';
import { inputError, maxItems, practiceOf } from '../params';
import { PATIENT_SCOPED, resourceTypeOf } from './fields';

export const option = {
	name: 'Search',
	value: 'search',
	action: 'Search FHIR resources',
	description: 'Search one resource type in the practice, following every page',
};

export const toolDescription =
	"Search athenahealth FHIR R4 resources of one type, usually a patient's records. Returns the matching FHIR resources.";

export const writes = false;

const onlyFor = (types: string[]) => ({ show: { resourceType: types } });

export const description = updateDisplayOptions(show('fhir', 'search'), [
	{
		displayName: 'Patient',
		name: 'patient',
		type: 'string',
		default: '',
		placeholder: '60178 or a-195900.E-60178',
		description:
			'The patient whose records to search: an athena patient ID or its FHIR ID. athena searches these types by patient only.',
		displayOptions: onlyFor(PATIENT_SCOPED),
	},
	{
		displayName: 'Resource IDs',
		name: 'ids',
		type: 'string',
		default: '',
		placeholder: 'a-195900.E-60178, a-195900.E-60179',
		description:
			'Search by FHIR ID (_id, comma-separated). A bare athena patient ID is turned into its FHIR form.',
	},
	{
		displayName: 'Patient Filters',
		name: 'patientFilters',
		type: 'collection',
		placeholder: 'Add Filter',
		default: {},
		displayOptions: onlyFor(['Patient']),
		description:
			'Patient searches need _id, identifier, name, or family with birthdate, gender or given',
		options: [
			{
				displayName: 'Birth Date',
				name: 'birthdate',
				type: 'string',
				default: '',
				placeholder: '1980-04-13',
			},
			{ displayName: 'Family Name', name: 'family', type: 'string', default: '' },
			{
				displayName: 'Gender',
				name: 'gender',
				type: 'options',
				options: [
					{ name: 'Female', value: 'female' },
					{ name: 'Male', value: 'male' },
					{ name: 'Other', value: 'other' },
					{ name: 'Unknown', value: 'unknown' },
				],
				default: 'female',
			},
			{ displayName: 'Given Name', name: 'given', type: 'string', default: '' },
			{
				displayName: 'Identifier',
				name: 'identifier',
				type: 'string',
				default: '',
				placeholder: 'https://fhir.athena.io/sid/ah-patient|a-195900.E-60178',
			},
			{
				displayName: 'Name',
				name: 'name',
				type: 'string',
				default: '',
				description: 'Any part of the name',
			},
		],
	},
	{
		displayName: 'Filters',
		name: 'filters',
		type: 'collection',
		placeholder: 'Add Filter',
		default: {},
		displayOptions: onlyFor(PATIENT_SCOPED),
		options: [
			{
				displayName: 'Category',
				name: 'category',
				type: 'string',
				default: '',
				placeholder: 'vital-signs',
			},
			{
				displayName: 'Code',
				name: 'code',
				type: 'string',
				default: '',
				placeholder: 'http://loinc.org|8867-4',
			},
			{
				displayName: 'Date',
				name: 'date',
				type: 'string',
				default: '',
				placeholder: 'ge2026-01-01',
			},
			{
				displayName: 'Encounter',
				name: 'encounter',
				type: 'string',
				default: '',
				placeholder: 'Encounter/a-195900.encounter-62014',
			},
			{
				displayName: 'Intent',
				name: 'intent',
				type: 'string',
				default: '',
				placeholder: 'order',
				description: 'MedicationRequest searches by patient need this',
			},
			{
				displayName: 'Last Updated',
				name: '_lastUpdated',
				type: 'string',
				default: '',
				placeholder: 'ge2026-11-01',
			},
			{ displayName: 'Status', name: 'status', type: 'string', default: '' },
		],
	},
	{
		displayName: 'Additional Parameters',
		name: 'additionalParameters',
		type: 'fixedCollection',
		typeOptions: { multipleValues: true },
		placeholder: 'Add Parameter',
		default: {},
		description: 'Any other FHIR search parameter athena supports for this type',
		options: [
			{
				displayName: 'Parameter',
				name: 'parameter',
				values: [
					{
						displayName: 'Name',
						name: 'name',
						type: 'string',
						default: '',
						placeholder: 'ah-department',
					},
					{ displayName: 'Value', name: 'value', type: 'string', default: '' },
				],
			},
		],
	},
	...returnAllAndLimit,
	{
		displayName: 'Options',
		name: 'options',
		type: 'collection',
		placeholder: 'Add Option',
		default: {},
		options: [
			{
				displayName: 'Brand (Ah-Brand)',
				name: 'ahBrand',
				type: 'string',
				default: '',
				description:
					"Only records of this brand (athena's ah-brand tenancy parameter; types that take it: see the docs)",
			},
			{
				displayName: 'Chart Sharing Group (Ah-Chart-Sharing-Group)',
				name: 'ahChartSharingGroup',
				type: 'string',
				default: '',
				description: "Only records of this chart sharing group (athena's ah-chart-sharing-group)",
			},
			{
				displayName: 'Department (Ah-Department)',
				name: 'ahDepartment',
				type: 'string',
				default: '',
				placeholder: '1 or a-195900.Department-1',
				description:
					"Only records of this department (athena's ah-department): an athena department ID or its FHIR ID",
			},
			{
				displayName: 'Include',
				name: 'include',
				type: 'string',
				default: '',
				placeholder: 'Encounter:patient',
				description:
					'Referenced resources to add (_include, comma-separated); they are marked with _searchMode "include"',
			},
			{
				displayName: 'Max Pages',
				name: 'maxPages',
				type: 'number',
				default: 100,
				typeOptions: { minValue: 1 },
				description: 'Stop with an error rather than read more pages than this',
			},
			{
				displayName: 'Output',
				name: 'output',
				type: 'options',
				options: [
					{ name: 'One Item per Resource', value: 'resources' },
					{ name: 'One Item per Bundle Page', value: 'bundles' },
				],
				default: 'resources',
			},
			{
				displayName: 'Page Size',
				name: 'pageSize',
				type: 'number',
				default: 100,
				typeOptions: { minValue: 1, maxValue: 1000 },
				description: 'Resources per page (_count)',
			},
			{
				displayName: 'Provider Group (Ah-Provider-Group)',
				name: 'ahProviderGroup',
				type: 'string',
				default: '',
				description: "Only records of this provider group (athena's ah-provider-group)",
			},
			{
				displayName: 'Security Label (_Security)',
				name: 'security',
				type: 'string',
				default: '',
				placeholder: 'http://terminology.hl7.org/CodeSystem/v3-Confidentiality|R',
				description:
					'Only resources with this security label (_security, system|code); athena declares it on most types',
			},
		],
	},
]);

const PARAM_NAME = /^[A-Za-z_][A-Za-z0-9_\-:.]{0,63}$/;

// The tenancy options and the parameter each sends (docs/athena-behaviour.md#fhir-tenancy).
const TENANCY: Array<[string, string, string]> = [
	['ahDepartment', 'ah-department', 'Department'],
	['ahBrand', 'ah-brand', 'Brand'],
	['ahProviderGroup', 'ah-provider-group', 'Provider Group'],
	['ahChartSharingGroup', 'ah-chart-sharing-group', 'Chart Sharing Group'],
];
const TENANCY_VALUE = /^[A-Za-z0-9][A-Za-z0-9.\-/:|_]{0,127}$/;

/** The tenancy and _security options as search parameters, checked against what athena declares for the type. */
function tenancyParams(
	ctx: IExecuteFunctions,
	i: number,
	type: string,
	pid: string,
	options: IDataObject,
): Array<[string, string]> {
	const declared = fhirType(type);
	const out: Array<[string, string]> = [];
	for (const [option, param, label] of TENANCY) {
		const value = String(options[option] ?? '').trim();
		if (!value) continue;
		if (!declared?.ahParams.includes(param)) {
			const takes = (declared?.ahParams ?? []).filter((p) =>
				(TENANCY_PARAMS as readonly string[]).includes(p),
			);
			throw inputError(
				ctx,
				i,
				`${label} (${param}) is not a search parameter of ${type} at athena`,
				takes.length
					? `${type} takes ${takes.join(', ')}; remove ${label} from the options.`
					: `${type} takes no tenancy parameter besides the practice; remove ${label} from the options.`,
			);
		}
		if (!TENANCY_VALUE.test(value))
			throw inputError(
				ctx,
				i,
				`${label} "${value.slice(0, 40)}" is not an id`,
				param === 'ah-department'
					? 'Use an athena department ID such as 1, or its FHIR ID such as a-195900.Department-1.'
					: 'Use the id athena gives it (letters, digits, dots and dashes).',
			);
		out.push([
			param,
			param === 'ah-department' && /^\d+$/.test(value)
				? `Organization/a-${pid}.Department-${value}`
				: value,
		]);
	}
	const security = String(options.security ?? '').trim();
	if (security) out.push(['_security', security]);
	return out;
}

export async function execute(this: IExecuteFunctions, i: number): Promise<INodeExecutionData[]> {
	const type = resourceTypeOf(this, i);
	if (!fhirType(type)?.interactions.includes('search-type'))
		throw inputError(
			this,
			i,
			`athena offers ${type} for Read only, not Search`,
			`Use FHIR → Read with the ${type}'s ID (it is referenced from other resources).`,
		);
	const scope = await fhirScope(this, practiceOf(this, i), i, [type]);
	const node = this.getNode();
	const pid = scope.practiceId;
	const params: Array<[string, string]> = [['ah-practice', practiceParam(pid)]];

	const patient = PATIENT_SCOPED.includes(type)
		? String(this.getNodeParameter('patient', i, '') ?? '').trim()
		: '';
	if (patient)
		params.push(['patient', `Patient/${fhirId(node, patient, 'Patient', pid, 'Patient', i)}`]);
	const ids = String(this.getNodeParameter('ids', i, '') ?? '')
		.split(',')
		.map((s) => s.trim())
		.filter(Boolean);
	if (ids.length)
		params.push(['_id', ids.map((id) => fhirId(node, id, type, pid, 'Resource IDs', i)).join(',')]);
	const filters = {
		...(this.getNodeParameter(
			type === 'Patient' ? 'patientFilters' : 'filters',
			i,
			{},
		) as IDataObject),
	};
	if (typeof filters.identifier === 'string' && /^\d+$/.test(filters.identifier))
		filters.identifier = `a-${pid}.E-${filters.identifier}`;
	for (const [name, value] of Object.entries(filters))
		if (value !== '' && value !== undefined) params.push([name, String(value)]);
	const extra =
		(this.getNodeParameter('additionalParameters.parameter', i, []) as Array<{
			name: string;
			value: string;
		}>) ?? [];
	for (const { name, value } of extra) {
		if (!PARAM_NAME.test(name ?? ''))
			throw inputError(
				this,
				i,
				`Additional parameter name "${String(name).slice(0, 40)}" is not a FHIR search parameter name`,
				'Use names like ah-department, _lastUpdated or code:text.',
			);
		if (name.startsWith('ah-practice'))
			throw inputError(
				this,
				i,
				'ah-practice is set from the Practice ID',
				'Remove it from Additional Parameters and set Practice ID instead.',
			);
		params.push([name, String(value ?? '')]);
	}

	const options = this.getNodeParameter('options', i, {}) as IDataObject;
	params.push(...tenancyParams(this, i, type, pid, options));
	const limit = maxItems(this, i);
	const pageSize = Math.min(1000, Number(options.pageSize ?? 100), limit ?? 1000);
	params.push(['_count', String(pageSize)]);
	for (const inc of String(options.include ?? '')
		.split(',')
		.map((s) => s.trim())
		.filter(Boolean))
		params.push(['_include', inc]);
	const bundles = options.output === 'bundles';

	const items: INodeExecutionData[] = [];
	let matches = 0;
	for await (const bundle of fhirSearchPages(this, scope, type, params, {
		maxPages: Number(options.maxPages ?? 100),
		itemIndex: i,
	})) {
		const entries = Array.isArray(bundle.entry) ? (bundle.entry as IDataObject[]) : [];
		if (bundles) {
			items.push({ json: bundle });
			matches += entries.filter(
				(e) => (e.search as IDataObject | undefined)?.mode !== 'include',
			).length;
		} else {
			for (const entry of entries) {
				const resource = entry.resource as IDataObject | undefined;
				const mode = (entry.search as IDataObject | undefined)?.mode;
				if (
					!resource ||
					mode === 'outcome' ||
					(limit !== undefined && matches >= limit && mode !== 'include')
				)
					continue;
				if (mode === 'include') items.push({ json: { ...resource, _searchMode: 'include' } });
				else {
					items.push({ json: resource });
					matches++;
				}
			}
		}
		if (limit !== undefined && matches >= limit) break;
	}
	return items;
}
