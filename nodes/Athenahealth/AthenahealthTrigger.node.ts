import {
	NodeConnectionTypes,
	type INodeType,
	type INodeTypeDescription,
	type IPollFunctions,
} from 'n8n-workflow';

import { EVENT_OPTIONS, OTHER_FEED, RAW_FEED_OPTIONS } from './trigger/feeds';
import { poll } from './trigger/poll';

export class AthenahealthTrigger implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'Athenahealth Trigger',
		name: 'athenahealthTrigger',
		icon: {
			light: 'file:../../icons/athenahealth.svg',
			dark: 'file:../../icons/athenahealth.dark.svg',
		},
		group: ['trigger'],
		version: 1,
		subtitle: '={{$parameter["event"]}}',
		description:
			'Starts a workflow on athena changes (appointments, patients and other changed-data feeds), each delivered at least once',
		defaults: { name: 'athenahealth Trigger' },
		polling: true,
		inputs: [],
		outputs: [NodeConnectionTypes.Main],
		credentials: [{ name: 'athenahealthOAuth2Api', required: true }],
		properties: [
			{
				displayName: 'Event',
				name: 'event',
				type: 'options',
				default: 'appointmentScheduled',
				// every named event of trigger/feeds.ts, and Other Feed (Raw Records)
				options: EVENT_OPTIONS,
			},
			{
				displayName: 'Feed',
				name: 'otherFeed',
				type: 'options',
				default: 'chart/healthhistory/problems',
				// the feeds of trigger/feeds.ts without named events
				options: RAW_FEED_OPTIONS,
				displayOptions: { show: { event: [OTHER_FEED] } },
			},
			{
				displayName:
					"athena's changed-data feeds belong to the API key and are consumed when read: two workflows on the same feed and credential would split " +
					'its events. On activation the trigger subscribes to exactly the events it needs; athena takes up to 15 minutes (preview) to apply that.',
				name: 'feedNotice',
				type: 'notice',
				default: '',
			},
			{
				displayName: 'Source',
				name: 'source',
				type: 'options',
				default: 'feed',
				options: [
					{
						name: 'Changed-Data Feed',
						value: 'feed',
						description: 'The athena subscription feed (recommended)',
					},
					{
						name: 'Booked Appointments by Last Modified',
						value: 'lastModified',
						description:
							'For credentials without feed access: polls booked appointments changed since the last poll',
					},
				],
			},
			{
				displayName: 'Practices',
				name: 'practices',
				type: 'options',
				default: 'credential',
				options: [
					{
						name: "The Credential's Practice",
						value: 'credential',
						description: "The credential's Practice ID",
					},
					{
						name: 'Listed Practices',
						value: 'list',
						description: "Practices listed below (each must be in the credential's allowed list)",
					},
					{
						name: 'Every Allowed Practice',
						value: 'allowed',
						description: "The credential's Practice ID and its Allowed Practice IDs",
					},
				],
				description:
					'Which practices to watch. Each is subscribed and read on its own, with its own delivery bookkeeping, within one poll; items carry practiceId.',
			},
			{
				displayName: 'Practice IDs',
				name: 'practiceIds',
				type: 'string',
				default: '',
				placeholder: '195900, 1128700',
				description: 'Comma-separated athena practice IDs to watch',
				displayOptions: { show: { practices: ['list'] } },
			},
			{
				displayName: 'Filters',
				name: 'filters',
				type: 'collection',
				placeholder: 'Add Filter',
				default: {},
				options: [
					{
						displayName: 'Appointment Type IDs',
						name: 'appointmentTypeIds',
						type: 'string',
						default: '',
						placeholder: '2, 82',
					},
					{
						displayName: 'Department IDs',
						name: 'departmentIds',
						type: 'string',
						default: '',
						placeholder: '1, 21',
						description: 'Also limits the subscription to these departments',
					},
					{ displayName: 'Patient ID', name: 'patientId', type: 'string', default: '' },
					{
						displayName: 'Provider IDs',
						name: 'providerIds',
						type: 'string',
						default: '',
						placeholder: '71, 86',
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
						displayName: 'Lookahead Days',
						name: 'lookaheadDays',
						type: 'number',
						default: 365,
						description: 'Last-modified source: how far ahead appointment dates are searched',
					},
					{
						displayName: 'Lookback Days',
						name: 'lookbackDays',
						type: 'number',
						default: 30,
						description: 'Last-modified source: how far back appointment dates are searched',
					},
					{
						displayName: 'Max Poll Seconds',
						name: 'maxPollSeconds',
						type: 'number',
						default: 240,
						description:
							'Stop reading a large backlog after this long and continue on the next poll (n8n versions that set a poll budget override it)',
					},
					{
						displayName: 'Records per Request',
						name: 'pageSize',
						type: 'number',
						default: 1000,
						typeOptions: { minValue: 1, maxValue: 10000 },
					},
					{
						displayName: 'Replay Window (Hours)',
						name: 'replayWindowHours',
						type: 'number',
						default: 24,
						typeOptions: { minValue: 1 },
						description:
							'After n8n stopped (the state n8n saved may be behind), how far back at most the trigger asks athena again for changes it already read. ' +
							'athena keeps read changes for days, not months.',
					},
					{
						displayName: 'Save Finished Deliveries At Once',
						name: 'saveFinishedAtOnce',
						type: 'boolean',
						default: true,
						description:
							'Whether to start an empty execution (it runs no node) after each execution the trigger started has finished, because n8n saves a ' +
							"trigger's state only when it emits. Off: one execution fewer per poll with changes, but if n8n is killed before the next poll with " +
							"changes, the last finished execution's changes are delivered again.",
					},
					{
						displayName: 'When An Execution Fails',
						name: 'onExecutionError',
						type: 'options',
						default: 'leave',
						options: [
							{
								name: 'Leave It to N8n',
								value: 'leave',
								description:
									"Counts the changes as delivered: the failed execution keeps them and can be retried from n8n's executions list",
							},
							{
								name: 'Deliver Again',
								value: 'redeliver',
								description:
									'Emits the same changes (same delivery keys) again on the next poll, until an execution succeeds',
							},
						],
						description:
							'Executions that did not finish (n8n stopped or crashed) are always delivered again',
					},
				],
			},
		],
	};

	async poll(this: IPollFunctions) {
		return await poll.call(this);
	}
}
