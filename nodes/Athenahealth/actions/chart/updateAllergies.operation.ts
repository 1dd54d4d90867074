import type { IDataObject, IExecuteFunctions } from 'n8n-workflow';

import { athenaRequest } from '../../transport/request';
import { toItems } from '../output';
import { compact, dateValue, inputError } from '../params';
import { chartRead, chartTarget, chartWrite, chartWriteFields, outcome } from './writes';

export const option = {
	name: 'Update Allergies',
	value: 'updateAllergies',
	action: 'Add or update allergies in a patient chart',
	description: 'Add or update allergies (athena merges them: allergies left out are not removed)',
};

export const toolDescription =
	"Add or update allergies in an athenahealth patient's chart. athena merges: allergies not sent stay " +
	'in the chart unchanged; nothing is removed. Returns the allergen IDs sent.';

export const writes = true;

export const description = chartWriteFields('updateAllergies', [
	{
		displayName:
			'athena adds the allergens you send and updates those already in the chart (matched by allergen ID). ' +
			'Allergens you leave out are NOT removed. A chart allergen you send replaces its reactions unless ' +
			'Merge With Chart is on.',
		name: 'mergeNotice',
		type: 'notice',
		default: '',
	},
	{
		displayName: 'Allergies',
		name: 'allergies',
		type: 'fixedCollection',
		placeholder: 'Add Allergy',
		default: {},
		typeOptions: { multipleValues: true },
		options: [
			{
				displayName: 'Allergy',
				name: 'allergy',
				values: [
					{
						displayName: 'Allergen ID',
						name: 'allergenid',
						type: 'string',
						default: '',
						description:
							"The allergen ID (digits) from athena's allergy reference (Chart → Search Allergens), e.g. 18939 for latex",
					},
					{
						displayName: 'Allergen Name',
						name: 'allergenname',
						type: 'string',
						default: '',
					},
					{
						displayName: 'Criticality',
						name: 'criticality',
						type: 'options',
						default: '',
						options: [
							{ name: '(Not Set)', value: '' },
							{ name: 'High', value: 'high' },
							{ name: 'Low', value: 'low' },
							{ name: 'Unable to Assess', value: 'unable to assess' },
						],
					},
					{ displayName: 'Note', name: 'note', type: 'string', default: '' },
					{
						displayName: 'Onset Date',
						name: 'onsetdate',
						type: 'string',
						default: '',
						placeholder: '2010-01-01',
					},
					{
						displayName: 'Reaction Names or IDs',
						name: 'reactions',
						type: 'multiOptions',
						typeOptions: { loadOptionsMethod: 'getAllergyReactions' },
						default: [],
						description:
							'Names, comma-separated. Choose from the list, or specify IDs using an <a href="https://docs.n8n.io/code/expressions/">expression</a>.',
					},
					{
						displayName: 'Severity Name or ID',
						name: 'severity',
						type: 'options',
						typeOptions: { loadOptionsMethod: 'getAllergySeverities' },
						default: '',
						description:
							'For all its reactions. Choose from the list, or specify an ID using an <a href="https://docs.n8n.io/code/expressions/">expression</a>.',
					},
				],
			},
		],
	},
	{
		displayName: 'Options',
		name: 'options',
		type: 'collection',
		placeholder: 'Add Option',
		default: {},
		options: [
			{
				displayName: 'Merge With Chart',
				name: 'mergeWithChart',
				type: 'boolean',
				default: false,
				description:
					"Whether to read the chart first and keep the reactions and details already there for the allergens sent (athena's update replaces them otherwise)",
			},
			{
				displayName: 'No Known Drug Allergies',
				name: 'nkda',
				type: 'options',
				default: '',
				options: [
					{ name: '(Unchanged)', value: '' },
					{ name: 'Yes', value: 'true' },
					{ name: 'No', value: 'false' },
				],
			},
			{
				displayName: 'Section Note',
				name: 'sectionnote',
				type: 'string',
				default: '',
				description:
					"The allergy section's note (replaces the current one; left empty, removes it)",
			},
		],
	},
]);

interface Reaction {
	reactionname: string;
	snomedcode: string;
	severity?: string;
	severitysnomedcode?: string;
}

export async function execute(this: IExecuteFunctions, i: number) {
	const t = chartTarget(this, i);
	const entries =
		((this.getNodeParameter('allergies', i, {}) as IDataObject).allergy as IDataObject[]) ?? [];
	const options = this.getNodeParameter('options', i, {}) as IDataObject;
	if (!entries.length && !options.nkda && options.sectionnote === undefined)
		throw inputError(
			this,
			i,
			'Nothing to update',
			'Add at least one allergy, or set No Known Drug Allergies or Section Note under Options.',
		);
	// athena's reference lists, read once per item when reactions are named
	const reference = async (path: string) =>
		(await athenaRequest(this, {
			method: 'GET',
			path,
			practiceId: t.practiceId,
			itemIndex: i,
		})) as IDataObject[];
	let reactions: IDataObject[] | undefined;
	let severities: IDataObject[] | undefined;
	const allergies: IDataObject[] = [];
	for (const [n, e] of entries.entries()) {
		const label = `Allergy ${n + 1}`;
		const allergenid = String(e.allergenid ?? '').trim();
		if (!/^\d{1,18}$/.test(allergenid))
			throw inputError(
				this,
				i,
				`${label}: Allergen ID must be athena's allergen ID (digits)`,
				`Got ${allergenid ? `"${allergenid}"` : 'nothing'}. Find it with athena's allergy reference search.`,
			);
		const names = (
			Array.isArray(e.reactions) ? e.reactions.map(String) : String(e.reactions ?? '').split(',')
		)
			.map((s) => s.trim())
			.filter(Boolean);
		let list: Reaction[] | undefined;
		if (names.length) {
			reactions ??= await reference('/reference/allergies/reactions');
			let severity: IDataObject | undefined;
			if (e.severity) {
				severities ??= await reference('/reference/allergies/severities');
				severity = severities.find(
					(s) => String(s.severity).toLowerCase() === String(e.severity).trim().toLowerCase(),
				);
				if (!severity)
					throw inputError(
						this,
						i,
						`${label}: athena has no severity "${String(e.severity)}"`,
						`Use one of: ${severities.map((s) => String(s.severity)).join(', ')}.`,
					);
			}
			list = names.map((name) => {
				const r = reactions!.find(
					(x) => String(x.reactionname).toLowerCase() === name.toLowerCase(),
				);
				if (!r)
					throw inputError(
						this,
						i,
						`${label}: athena has no reaction "${name}"`,
						`Use reaction names from athena's list, e.g. ${reactions!
							.slice(0, 8)
							.map((x) => String(x.reactionname))
							.join(', ')}.`,
					);
				return compact({
					reactionname: String(r.reactionname),
					snomedcode: String(r.snomedcode),
					severity: severity ? String(severity.severity) : undefined,
					severitysnomedcode: severity ? String(severity.snomedcode) : undefined,
				}) as unknown as Reaction;
			});
		}
		allergies.push(
			compact({
				allergenid,
				allergenname: e.allergenname,
				criticality: e.criticality,
				note: e.note,
				onsetdate: dateValue(this, e.onsetdate, i, `${label}: Onset Date`, { optional: true }),
				reactions: list,
			}),
		);
	}
	if (options.mergeWithChart && allergies.length) {
		const chart = ((await chartRead(this, i, t, 'allergies')).allergies as IDataObject[]) ?? [];
		for (const a of allergies) {
			const current = chart.find((c) => String(c.allergenid) === a.allergenid);
			if (!current) continue;
			const known = ((current.reactions as Reaction[]) ?? []).map((r) =>
				compact({ ...r }),
			) as unknown as Reaction[];
			const sent = (a.reactions as Reaction[] | undefined) ?? [];
			const merged = [
				...known.filter((k) => !sent.some((s) => String(s.snomedcode) === String(k.snomedcode))),
				...sent,
			];
			Object.assign(
				a,
				compact({
					allergenname: current.allergenname,
					onsetdate: current.onsetdate,
					criticality: current.criticality,
					note: current.note,
				}),
				compact({ ...a }),
				merged.length ? { reactions: merged } : {},
			);
		}
	}
	const form = compact({
		departmentid: t.departmentId,
		allergies: allergies.length ? allergies : undefined,
		nkda: options.nkda,
		sectionnote: options.sectionnote,
	});
	// an empty section note removes it (docs/athena-behaviour.md#chart-writes), so it is sent empty
	const clearNote = options.sectionnote === '';
	if (clearNote) form.sectionnote = '';
	// athena merges on allergen ID, so sending the same list again changes nothing
	const result = await chartWrite(
		this,
		i,
		{
			method: 'PUT',
			path: `/chart/${t.patientId}/allergies`,
			form,
			keepEmpty: clearNote ? ['sectionnote'] : undefined,
			practiceId: t.practiceId,
			idempotent: true,
		},
		{
			what: `the allergy update of patient ${t.patientId}`,
			check: `Look at the allergies with Chart → Get Allergies (patient ${t.patientId}).`,
		},
	);
	return toItems(
		[
			{
				patientid: t.patientId,
				departmentid: t.departmentId,
				updated: true,
				allergenids: allergies.map((a) => a.allergenid as string),
				mergedWithChart: Boolean(options.mergeWithChart),
				allergiesNotSentAreKept: true,
				...outcome(result),
			},
		],
		i,
	);
}
