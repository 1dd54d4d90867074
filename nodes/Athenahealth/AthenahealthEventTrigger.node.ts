import {
	NodeConnectionTypes,
	type IHookFunctions,
	type INodeType,
	type INodeTypeDescription,
	type IWebhookFunctions,
} from 'n8n-workflow';

import { checkExists, create, getTopics, remove, webhook } from './push/webhook';

export class AthenahealthEventTrigger implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'Athenahealth Event Trigger',
		name: 'athenahealthEventTrigger',
		icon: {
			light: 'file:../../icons/athenahealth.svg',
			dark: 'file:../../icons/athenahealth.dark.svg',
		},
		group: ['trigger'],
		version: 1,
		subtitle: '={{$parameter["topics"].join(", ")}}',
		description:
			'Starts a workflow on events athena pushes (Event Subscription Platform): signed, one item per event, redeliveries dropped',
		defaults: { name: 'athenahealth Event Trigger' },
		inputs: [],
		outputs: [NodeConnectionTypes.Main],
		credentials: [{ name: 'athenahealthOAuth2Api', required: true }],
		webhooks: [
			{
				name: 'default',
				httpMethod: 'POST',
				// the 2xx goes out on receipt, before the workflow runs: athena waits 2 seconds at most
				responseMode: 'onReceived',
				path: 'athena-events',
			},
		],
		properties: [
			{
				displayName:
					"athena's Event Subscription Platform is in limited release: athena's API team grants its scopes (add system/SubscriptionTopic.read, " +
					"system/Subscription.read and system/Subscription.write under Other Scopes in the credential). athena posts to this workflow's production " +
					'URL, which must be public on port 443 with a publicly trusted certificate.',
				name: 'pushNotice',
				type: 'notice',
				default: '',
			},
			{
				displayName: 'Topic Names or IDs',
				name: 'topics',
				type: 'multiOptions',
				typeOptions: { loadOptionsMethod: 'getTopics' },
				default: [],
				required: true,
				description:
					'One Subscription each per practice. Choose from the list, or specify IDs using an <a href="https://docs.n8n.io/code/expressions/">expression</a>.',
			},
			{
				displayName: 'Practice IDs',
				name: 'practiceIds',
				type: 'string',
				default: '',
				placeholder: '195900, 1128700',
				description:
					"Practices to subscribe for, each allowed by the credential (empty: the credential's practice)",
			},
			{
				displayName: 'Filters',
				name: 'filters',
				type: 'collection',
				placeholder: 'Add Filter',
				default: {},
				options: [
					{
						displayName: 'Department IDs',
						name: 'departmentIds',
						type: 'string',
						default: '',
						placeholder: '1, 21',
						description:
							'Only events whose department is one of these (events athena sends without a department are kept)',
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
						displayName: 'Answer Athena',
						name: 'answer',
						type: 'options',
						default: 'received',
						options: [
							{
								name: 'On Receipt',
								value: 'received',
								description:
									'Right after the signature check and the duplicate check, before n8n registers the execution (recommended: athena waits 2 seconds at most)',
							},
							{
								name: 'Once the Execution Is Registered',
								value: 'recorded',
								description:
									'The answer n8n sends once it has registered the execution (or queued it, in queue mode); slower under load, and athena resends what ' +
									'it answers late (the resent events are dropped as duplicates)',
							},
						],
						description:
							'When athena gets its 2xx. Either way it comes before the workflow runs. With Fetch Resource, the answer always comes before the records are read.',
					},
					{
						displayName: 'Fetch Resource',
						name: 'fetchResource',
						type: 'options',
						default: 'none',
						options: [
							{ name: 'No', value: 'none', description: 'Items carry the IDs athena sent' },
							{
								name: 'AthenaNet Record',
								value: 'athenaNet',
								description:
									'Reads the athenaNet record where this package has a read for it (appointment, patient, claim, encounter, provider), else the FHIR resource',
							},
							{
								name: 'FHIR Resource',
								value: 'fhir',
								description:
									'Reads the FHIR resource when athena gives a reference, else the athenaNet record',
							},
						],
						description:
							"Whether each item also carries the record the event is about (as `record`; a failed read is said in `fetchError`). athena's answer is sent first.",
					},
				],
			},
		],
	};

	methods = { loadOptions: { getTopics } };

	webhookMethods = {
		default: {
			async checkExists(this: IHookFunctions) {
				return await checkExists.call(this);
			},
			async create(this: IHookFunctions) {
				return await create.call(this);
			},
			async delete(this: IHookFunctions) {
				return await remove.call(this);
			},
		},
	};

	async webhook(this: IWebhookFunctions) {
		return await webhook.call(this);
	}
}
