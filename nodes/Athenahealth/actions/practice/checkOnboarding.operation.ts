import {
	updateDisplayOptions,
	type IDataObject,
	type IExecuteFunctions,
	type INodeExecutionData,
} from 'n8n-workflow';

import { athenaId } from '../../shared/ids';
import { getConnection } from '../../transport/connection';
import { fhirRequest, fhirScope, practiceParam } from '../../transport/fhir';
import { athenaList, recordsOf } from '../../transport/paginate';
import { athenaRequest } from '../../transport/request';
import { FEEDS } from '../../trigger/feeds';
import { show } from '../fields';
import { inputError } from '../params';

// Whether a practice that enabled the app is ready to be served (docs/athena-behaviour.md#practices):
// a marketplace app is enabled practice by practice, and each practice has its own departments,
// FHIR tenancy and feed subscriptions. One item per practice, each failure with what to do.

export const option = {
	name: 'Check Onboarding',
	value: 'checkOnboarding',
	action: 'Check practice onboarding',
	description:
		'Per practice: reachable, name, departments, FHIR, subscribed feeds, and what to do about each gap',
};

export const toolDescription =
	'Check whether athenahealth practices are ready for this app. Returns one item per practice: whether it is reachable, its name, department ' +
	'count, whether FHIR works, which changed-data feeds are subscribed, and what to do about each problem.';

export const writes = false;

export const description = updateDisplayOptions(show('practice', 'checkOnboarding'), [
	{
		displayName: 'Practices',
		name: 'practicesToCheck',
		type: 'options',
		default: 'allowed',
		options: [
			{
				name: 'Every Allowed Practice',
				value: 'allowed',
				description: "The credential's Practice ID and its Allowed Practice IDs",
			},
			{ name: 'Listed Practices', value: 'list' },
		],
	},
	{
		displayName: 'Practice IDs',
		name: 'practiceIds',
		type: 'string',
		default: '',
		placeholder: '195900, 1128700',
		description: "Comma-separated; each must be in the credential's allowed list",
		displayOptions: { show: { practicesToCheck: ['list'] } },
	},
]);

const status = (error: unknown) => String((error as { httpCode?: string })?.httpCode ?? '');
const said = (error: unknown) => String((error as Error)?.message ?? error);

async function checkPractice(ctx: IExecuteFunctions, i: number, practiceId: string) {
	const conn = await getConnection(ctx);
	const out: IDataObject = { practiceId };
	const problems: string[] = [];
	// reachable: athena's ping answers 401 for a practice that has not enabled the app, 404 for an
	// unknown one (docs/athena-behaviour.md#practices)
	try {
		await athenaRequest(ctx, { method: 'GET', path: '/ping', practiceId, itemIndex: i });
		out.reachable = true;
	} catch (error) {
		out.reachable = false;
		const code = status(error);
		problems.push(
			code === '401'
				? `Practice ${practiceId} has not enabled this app (athena: Incorrect permissions). ` +
						"Ask the practice's athenaOne administrator to enable the app for the practice " +
						"(or athena's API team to add the practice to the app), then check again."
				: code === '404'
					? `athena knows no practice ${practiceId}. Check the ID (Practice → Get Many lists the practices this app can reach).`
					: `athena did not answer for practice ${practiceId} (${said(error)}). Check again later.`,
		);
		return { ...out, ready: false, problems };
	}
	try {
		const info = await athenaRequest(ctx, {
			method: 'GET',
			path: '/practiceinfo',
			practiceId,
			itemIndex: i,
		});
		out.name = recordsOf(info, 'practiceinfo').records[0]?.name;
	} catch (error) {
		problems.push(`Reading the practice's details failed: ${said(error)}.`);
	}
	try {
		const departments = await athenaList(ctx, {
			method: 'GET',
			path: '/departments',
			wrapper: 'departments',
			practiceId,
			itemIndex: i,
		});
		out.departments = departments.length;
		if (!departments.length)
			problems.push(
				'The app sees no departments in this practice: ask the practice to check which departments the app may use.',
			);
	} catch (error) {
		problems.push(`Reading the departments failed: ${said(error)}.`);
	}
	if (!conn.fhirEnabled) {
		out.fhir = 'off in the credential';
	} else {
		try {
			const scope = await fhirScope(ctx, practiceId, i, ['Patient']);
			await fhirRequest(ctx, scope, {
				method: 'GET',
				url: `${scope.base}/Patient`,
				// a search athena accepts without a patient to look for: by a (possibly absent) id
				qs: {
					_id: `a-${practiceId}.E-1`,
					_count: 1,
					'ah-practice': practiceParam(practiceId),
				},
				itemIndex: i,
			});
			out.fhir = 'ok';
		} catch (error) {
			const code = status(error);
			out.fhir = code === '403' || code === '401' ? 'refused' : 'failed';
			problems.push(
				code === '403' || code === '401'
					? `athena refuses this app FHIR access to practice ${practiceId} (HTTP ${code}): ` +
							"ask athena's API team to grant the app FHIR for this practice, or leave FHIR and Bulk Export out of its workflows."
					: `The FHIR check failed: ${said(error)}.`,
			);
		}
	}
	const subscribed: string[] = [];
	const unavailable: string[] = [];
	for (const feed of FEEDS) {
		try {
			const body = (await athenaRequest(ctx, {
				method: 'GET',
				path: `/${feed.path}/changed/subscription`,
				practiceId,
				itemIndex: i,
			})) as IDataObject;
			const events = Array.isArray(body?.subscriptions) ? body.subscriptions.length : 0;
			if (body?.status === 'ACTIVE' || events > 0) subscribed.push(feed.path);
		} catch {
			unavailable.push(feed.path);
		}
	}
	out.subscribedFeeds = subscribed;
	if (unavailable.length) out.feedsNotAvailable = unavailable;
	if (!subscribed.length)
		problems.push(
			'No changed-data feed is subscribed for this practice: activate a workflow whose athenahealth Trigger watches it (the trigger subscribes), ' +
				'or subscribe with Change Subscription → Subscribe. athena takes up to 5 minutes (15 in preview) to apply a subscription.',
		);
	// ready to be served: reachable with departments (FHIR and feeds are reported, needed only by
	// the workflows that use them)
	return {
		...out,
		ready: (out.departments as number | undefined) !== undefined && Number(out.departments) > 0,
		problems,
	};
}

export async function execute(this: IExecuteFunctions, i: number): Promise<INodeExecutionData[]> {
	const conn = await getConnection(this);
	let practices: string[];
	if (this.getNodeParameter('practicesToCheck', i, 'allowed') === 'list') {
		practices = [
			...new Set(
				String(this.getNodeParameter('practiceIds', i, ''))
					.split(',')
					.map((v) => v.trim())
					.filter(Boolean)
					.map((v) => athenaId(this.getNode(), v, 'Practice IDs', i)),
			),
		];
		if (!practices.length)
			throw inputError(
				this,
				i,
				'Practice IDs is empty',
				'List the practices to check, e.g. 195900, 1128700.',
			);
		const refused = practices.filter((p) => !conn.allowedPracticeIds.has(p));
		if (refused.length)
			throw inputError(
				this,
				i,
				`Practice ${refused.join(', ')} is not allowed by this credential`,
				"Add it to the credential's Allowed Practice IDs first: the credential refuses calls to any other practice.",
			);
	} else {
		practices = [
			conn.practiceId,
			...[...conn.allowedPracticeIds].filter((p) => p !== conn.practiceId),
		];
	}
	const items: INodeExecutionData[] = [];
	for (const practiceId of practices)
		items.push({ json: await checkPractice(this, i, practiceId), pairedItem: { item: i } });
	return items;
}
