import { randomUUID } from 'crypto';
import { updateDisplayOptions, type IDataObject, type IExecuteFunctions } from 'n8n-workflow';

import { fhirId } from '../../shared/ids';
import { asNodeError, isAmbiguousFailure, unconfirmedWriteError } from '../../transport/errors';
import {
	fhirCreate,
	fhirRequest,
	fhirScope,
	fhirSearchPages,
	practiceParam,
	requireWriteScope,
} from '../../transport/fhir';
import { show } from '../fields';
import { dateValue, inputError, practiceOf } from '../params';

// QuestionnaireResponse create, the one FHIR write athena offers besides FamilyMemberHistory's
// $batch-write (docs/athena-behaviour.md#fhir-writes).

export const option = {
	name: 'Create Questionnaire Response',
	value: 'createQuestionnaireResponse',
	action: 'Create a questionnaire response',
	description: "Save a patient's answers to a questionnaire (FHIR QuestionnaireResponse)",
};

export const toolDescription =
	"Save a patient's answers to an athenahealth questionnaire as a FHIR QuestionnaireResponse. Returns the saved QuestionnaireResponse.";

export const writes = true;

const TYPE = 'QuestionnaireResponse';
const STATUSES = ['completed', 'in-progress', 'amended', 'entered-in-error', 'stopped'];

export const description = updateDisplayOptions(show('fhir', 'createQuestionnaireResponse'), [
	{
		displayName: 'Patient',
		name: 'patient',
		type: 'string',
		default: '',
		required: true,
		placeholder: '60178 or a-195900.E-60178',
		description: 'The patient who answered: an athena patient ID or its FHIR ID',
	},
	{
		displayName: 'Questionnaire',
		name: 'questionnaire',
		type: 'string',
		default: '',
		required: true,
		placeholder: 'Questionnaire/a-195900.questionnaire-12',
		description:
			"The questionnaire answered: its FHIR ID, Questionnaire/ID, or its canonical URL (FHIR → Search Questionnaire lists athena's)",
	},
	{
		displayName: 'Status',
		name: 'status',
		type: 'options',
		options: [
			{ name: 'Amended', value: 'amended' },
			{ name: 'Completed', value: 'completed' },
			{ name: 'Entered in Error', value: 'entered-in-error' },
			{ name: 'In Progress', value: 'in-progress' },
			{ name: 'Stopped', value: 'stopped' },
		],
		default: 'completed',
	},
	{
		displayName: 'Answers (Items)',
		name: 'items',
		type: 'json',
		default: '[\n  { "linkId": "1", "answer": [{ "valueString": "Yes" }] }\n]',
		description:
			'The QuestionnaireResponse item array: one entry per question, each with the linkId of its question and answers with one value[x] each ' +
			'(valueString, valueBoolean, valueInteger, valueDate, valueCoding, …)',
	},
	{
		displayName: 'Additional Fields',
		name: 'additionalFields',
		type: 'collection',
		placeholder: 'Add Field',
		default: {},
		options: [
			{
				displayName: 'Authored',
				name: 'authored',
				type: 'dateTime',
				default: '',
				description: 'When the answers were given; by default, now',
			},
			{
				displayName: 'Encounter',
				name: 'encounter',
				type: 'string',
				default: '',
				placeholder: 'a-195900.encounter-62014',
				description: "The encounter the answers belong to (athena's FHIR ID)",
			},
		],
	},
]);

const VALUE =
	/^value(String|Boolean|Integer|Decimal|Date|DateTime|Time|Coding|Quantity|Reference|Attachment|Uri)$/;
const QUESTIONNAIRE = /^(https?:\/\/\S{1,300}|(Questionnaire\/)?[A-Za-z0-9\-.]{1,64})$/;

/** The item array, checked before any request; a problem names where it is. */
function itemsOf(ctx: IExecuteFunctions, i: number): IDataObject[] {
	const raw = ctx.getNodeParameter('items', i, '[]');
	let items: unknown = raw;
	if (typeof raw === 'string') {
		try {
			items = JSON.parse(raw);
		} catch {
			throw inputError(
				ctx,
				i,
				'Answers (Items) is not JSON',
				'Give the item array, e.g. [{"linkId": "1", "answer": [{"valueString": "Yes"}]}].',
			);
		}
	}
	const check = (list: unknown, where: string) => {
		if (!Array.isArray(list))
			throw inputError(
				ctx,
				i,
				`Answers (Items): ${where} is not an array`,
				'Give an array of items, each {"linkId": "…", "answer": [{"value…": …}]}.',
			);
		list.forEach((item: IDataObject, n) => {
			const at = `${where}[${n}]`;
			if (!item || typeof item !== 'object' || typeof item.linkId !== 'string' || !item.linkId)
				throw inputError(
					ctx,
					i,
					`Answers (Items): ${at} has no linkId`,
					'Each item needs the linkId of its question in the questionnaire (a string such as "1" or "1.2").',
				);
			if (item.answer !== undefined) {
				if (!Array.isArray(item.answer))
					throw inputError(
						ctx,
						i,
						`Answers (Items): ${at}.answer is not an array`,
						'Use "answer": [{"valueString": "…"}].',
					);
				(item.answer as IDataObject[]).forEach((answer, k) => {
					const values = Object.keys(answer ?? {}).filter((key) => key.startsWith('value'));
					if (values.length !== 1 || !VALUE.test(values[0]))
						throw inputError(
							ctx,
							i,
							`Answers (Items): ${at}.answer[${k}] needs exactly one value`,
							'Give one of valueString, valueBoolean, valueInteger, valueDecimal, valueDate, valueDateTime, valueTime, valueCoding, valueQuantity, ' +
								'valueReference, valueAttachment, valueUri.',
						);
					if (answer.item !== undefined) check(answer.item, `${at}.answer[${k}].item`);
				});
			}
			if (item.item !== undefined) check(item.item, `${at}.item`);
		});
	};
	check(items, 'items');
	if (!(items as unknown[]).length)
		throw inputError(ctx, i, 'Answers (Items) is empty', 'Give at least one answered item.');
	return items as IDataObject[];
}

export async function execute(this: IExecuteFunctions, i: number) {
	const node = this.getNode();
	// every input is checked before the first request
	const practice = practiceOf(this, i);
	const items = itemsOf(this, i);
	const questionnaireRaw = String(this.getNodeParameter('questionnaire', i, '') ?? '').trim();
	if (!QUESTIONNAIRE.test(questionnaireRaw))
		throw inputError(
			this,
			i,
			`Questionnaire "${questionnaireRaw.slice(0, 40)}" is not a questionnaire ID or URL`,
			'Use its FHIR ID (Questionnaire/a-195900.questionnaire-12) or its canonical URL.',
		);
	const questionnaire = /^https?:/.test(questionnaireRaw)
		? questionnaireRaw
		: `Questionnaire/${questionnaireRaw.replace(/^Questionnaire\//, '')}`;
	const status = String(this.getNodeParameter('status', i, 'completed'));
	if (!STATUSES.includes(status))
		throw inputError(
			this,
			i,
			`Status "${status.slice(0, 30)}" is not one of ${STATUSES.join(', ')}`,
		);
	const extra = this.getNodeParameter('additionalFields', i, {}) as IDataObject;
	const authored = extra.authored
		? (dateValue(this, extra.authored, i, 'Authored', { withTime: true }),
			new Date(String(extra.authored)))
		: new Date();
	if (Number.isNaN(authored.getTime()))
		throw inputError(
			this,
			i,
			'Authored is not a date-time',
			'Use an ISO date-time such as 2026-12-01T09:30:00Z.',
		);

	const scope = await fhirScope(this, practice, i);
	requireWriteScope(this, scope, TYPE, i);
	const pid = scope.practiceId;
	const patient = fhirId(node, this.getNodeParameter('patient', i), 'Patient', pid, 'Patient', i);
	const encounter = extra.encounter
		? fhirId(node, extra.encounter, 'Encounter', pid, 'Encounter', i)
		: undefined;
	// a client-made identifier marks this write, so a lost answer can be checked without repeating it
	const marker = `urn:uuid:${randomUUID()}`;
	const resource: IDataObject = {
		resourceType: TYPE,
		identifier: { system: 'urn:ietf:rfc:3986', value: marker },
		status,
		questionnaire,
		subject: { reference: `Patient/${patient}` },
		...(encounter ? { encounter: { reference: `Encounter/${encounter}` } } : {}),
		authored: authored.toISOString(),
		item: items,
	};

	let created: IDataObject;
	let confirmedByCheck = false;
	try {
		const { body, location } = await fhirCreate(this, scope, TYPE, resource, i);
		created = body;
		if (created.resourceType !== TYPE && location) {
			// 201 with a Location and no body: read what was saved
			const id = /QuestionnaireResponse\/([^/?]+)/.exec(location)?.[1];
			if (id)
				created = await fhirRequest(this, scope, {
					method: 'GET',
					url: `${scope.base}/${TYPE}/${encodeURIComponent(id)}?ah-practice=${encodeURIComponent(practiceParam(pid))}`,
					itemIndex: i,
				});
		}
	} catch (error) {
		if (!isAmbiguousFailure(error)) throw asNodeError(node, error);
		// the answer was lost: look for this write by its identifier (or its exact authored time)
		const found = await findCreated(this, scope, patient, questionnaire, marker, resource, i).catch(
			() => undefined,
		);
		if (!found)
			throw unconfirmedWriteError(
				node,
				error,
				`the questionnaire response for patient ${patient}`,
				`It may have been saved. Look with FHIR → Search, QuestionnaireResponse, patient ${patient}, before sending it again.`,
				i,
			);
		created = found;
		confirmedByCheck = true;
	}
	return [{ json: confirmedByCheck ? { ...created, _confirmedAfterLostAnswer: true } : created }];
}

async function findCreated(
	ctx: IExecuteFunctions,
	scope: Awaited<ReturnType<typeof fhirScope>>,
	patient: string,
	questionnaire: string,
	marker: string,
	sent: IDataObject,
	i: number,
): Promise<IDataObject | undefined> {
	const params: Array<[string, string]> = [
		['ah-practice', practiceParam(scope.practiceId)],
		['patient', `Patient/${patient}`],
		['_count', '100'],
	];
	for await (const bundle of fhirSearchPages(ctx, scope, TYPE, params, {
		maxPages: 20,
		itemIndex: i,
	})) {
		for (const entry of (bundle.entry as IDataObject[] | undefined) ?? []) {
			const r = entry.resource as IDataObject | undefined;
			if (!r) continue;
			const ids = ([] as IDataObject[]).concat((r.identifier as IDataObject[]) ?? []);
			if (ids.some((x) => x?.value === marker)) return r;
			if (r.questionnaire === questionnaire && r.authored === sent.authored) return r;
		}
	}
	return undefined;
}
