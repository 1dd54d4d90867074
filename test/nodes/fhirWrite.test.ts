// FHIR → Create Questionnaire Response: the one FHIR create athena offers. Inputs are checked before
// any request; the write scope is named; an answer lost on the way is never repeated: the node looks
// for the response it sent and reports it, or says it may have been saved.
import { MemoryCredentials, runNodes, sandboxCredentials } from '../harness/n8n';
import { control, counters, fault, sandbox, type Sandbox } from '../harness/sandbox';

let sb: Sandbox;
let creds: MemoryCredentials;
beforeAll(async () => {
	sb = await sandbox({ patients: 20 });
	creds = new MemoryCredentials({
		...sandboxCredentials({ url: sb.url, enableFhir: true }).data,
		fhirExtraScopes: 'system/QuestionnaireResponse.read system/QuestionnaireResponse.write',
	});
});
afterAll(() => sb.close());
beforeEach(async () => {
	await control(sb, 'POST', '/_control/reset-counters');
	await control(sb, 'DELETE', '/_control/faults');
	sb.state.questionnaireResponses.clear();
});

const patientId = () => [...sb.state.patients.keys()][2] as string;
const ITEMS = [
	{ linkId: '1', answer: [{ valueBoolean: true }] },
	{ linkId: '2', answer: [{ valueString: 'Twice a week' }], item: [{ linkId: '2.1' }] },
];
const create = (p: object = {}, c: MemoryCredentials = creds) =>
	runNodes(c, [
		{
			parameters: {
				resource: 'fhir',
				operation: 'createQuestionnaireResponse',
				patient: patientId(),
				questionnaire: 'a-195900.questionnaire-12',
				items: JSON.stringify(ITEMS),
				...p,
			},
		},
	]);
// every POST that reached the sandbox, faulted ones included
const posts = async () =>
	((await counters(sb)).log as string[]).filter((l) => l === 'POST /fhir/r4/QuestionnaireResponse')
		.length;

test('creates the response (bare patient id turned into its FHIR id) and FHIR Search finds it', async () => {
	const { output, error } = await create({
		additionalFields: { authored: '2026-12-01T09:30:00Z' },
	});
	expect(error).toBeUndefined();
	const [saved] = output('athenahealth');
	expect(saved.json).toMatchObject({
		resourceType: 'QuestionnaireResponse',
		status: 'completed',
		questionnaire: 'Questionnaire/a-195900.questionnaire-12',
		subject: { reference: `Patient/a-195900.E-${patientId()}` },
		authored: '2026-12-01T09:30:00.000Z',
		item: ITEMS,
	});
	expect(String(saved.json.id)).toMatch(/^a-195900\.questionnaireresponse-\d+$/);
	const found = await runNodes(creds, [
		{
			parameters: {
				resource: 'fhir',
				operation: 'search',
				resourceType: 'QuestionnaireResponse',
				patient: patientId(),
				returnAll: true,
			},
		},
	]);
	expect(found.output('athenahealth').map((i) => i.json.id)).toEqual([saved.json.id]);
});

test.each([
	[{ items: '[{"linkId": "1"' }, 'Answers (Items) is not JSON'],
	[{ items: '[]' }, 'Answers (Items) is empty'],
	[{ items: '[{"answer": []}]' }, 'Answers (Items): items[0] has no linkId'],
	[
		{
			items:
				'[{"linkId":"1","item":[{"linkId":"1.1","answer":[{"valueString":"a","valueBoolean":true}]}]}]',
		},
		'Answers (Items): items[0].item[0].answer[0] needs exactly one value',
	],
	[
		{ questionnaire: 'not a questionnaire' },
		'Questionnaire "not a questionnaire" is not a questionnaire ID or URL',
	],
	[{ patient: 'Smith Jones' }, /Patient/],
	[{ additionalFields: { authored: 'yesterday' } }, /Authored/],
])('bad input %j is refused before any request: %s', async (p, message) => {
	const { error } = await create(p);
	if (typeof message === 'string') expect(error?.message).toBe(message);
	else expect(error?.message).toMatch(message);
	expect((await counters(sb)).requests).toBe(0);
});

test('a credential without the write scope is refused before any request, naming the scope', async () => {
	const { error } = await create({}, sandboxCredentials({ url: sb.url, enableFhir: true }));
	expect(error?.message).toBe('The credential does not ask for system/QuestionnaireResponse.write');
	expect(error?.description).toMatch(/Other Scopes/);
	expect((await counters(sb)).requests).toBe(0);
});

test('the answer is lost after athena saved it: not sent again, found by its identifier and returned as confirmed', async () => {
	await fault(sb, {
		method: 'POST',
		path: '/fhir/r4/QuestionnaireResponse$',
		phase: 'after',
		reset: true,
	});
	const { output, error } = await create();
	expect(error).toBeUndefined();
	expect(await posts()).toBe(1);
	expect(sb.state.questionnaireResponses.size).toBe(1);
	expect(output('athenahealth')[0].json).toMatchObject({
		resourceType: 'QuestionnaireResponse',
		_confirmedAfterLostAnswer: true,
	});
});

test('the answer is lost and nothing was saved: not sent again, and the error says it may have been saved and how to look', async () => {
	await fault(sb, {
		method: 'POST',
		path: '/fhir/r4/QuestionnaireResponse$',
		phase: 'before',
		status: 502,
	});
	const { error } = await create();
	expect(await posts()).toBe(1);
	expect(sb.state.questionnaireResponses.size).toBe(0);
	expect(error?.message).toMatch(
		/^athena did not confirm the questionnaire response for patient a-195900\.E-\d+: it may have taken effect$/,
	);
	expect(error?.description).toMatch(/Look with FHIR → Search, QuestionnaireResponse/);
});
