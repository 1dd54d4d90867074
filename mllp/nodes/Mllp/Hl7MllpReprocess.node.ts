// Hands stored messages from an After Storing journal to a workflow again, by time range or
// control ID, as Mirth's reprocess does from its message store. Items look like the trigger's.
import {
	NodeConnectionTypes,
	NodeOperationError,
	type IDataObject,
	type IExecuteFunctions,
	type INodeExecutionData,
	type INodeType,
	type INodeTypeDescription,
} from 'n8n-workflow';

import { Hl7Error, Hl7Message } from '../hl7/codec';
import { readJournal } from './journal';

export class Hl7MllpReprocess implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'HL7 MLLP Reprocess',
		name: 'hl7MllpReprocess',
		icon: { light: 'file:mllp.svg', dark: 'file:mllp.dark.svg' },
		group: ['input'],
		version: 1,
		subtitle: '={{$parameter["journalFolder"]}}',
		description:
			'Reads messages stored by the HL7 MLLP Trigger (After Storing) and outputs them again, one item each',
		defaults: { name: 'HL7 MLLP Reprocess' },
		usableAsTool: true,
		inputs: [NodeConnectionTypes.Main],
		outputs: [NodeConnectionTypes.Main],
		properties: [
			{
				displayName: 'Journal Folder',
				name: 'journalFolder',
				type: 'string',
				default: '',
				required: true,
				description:
					"The trigger's journal folder: its Journal Folder option, or hl7-mllp-journal/(workflow ID)-(node ID) in the n8n user folder",
			},
			{
				displayName: 'From',
				name: 'from',
				type: 'dateTime',
				default: '',
				description: 'Messages received at or after this time (empty: from the oldest kept)',
			},
			{
				displayName: 'To',
				name: 'to',
				type: 'dateTime',
				default: '',
				description: 'Messages received at or before this time (empty: up to the newest)',
			},
			{
				displayName: 'Control IDs',
				name: 'controlIds',
				type: 'string',
				default: '',
				placeholder: 'MSG00001, MSG00002',
				description:
					'Only messages with these control IDs (MSH-10), separated by commas (empty: all)',
			},
			{
				displayName: 'Only Undelivered',
				name: 'onlyUndelivered',
				type: 'boolean',
				default: false,
				description: 'Whether to output only messages whose execution has not finished yet',
			},
			{
				displayName: 'Include Path Map',
				name: 'paths',
				type: 'boolean',
				default: true,
				description: 'Whether to add every value by path, e.g. "PID.5.1"',
			},
		],
	};

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		const out: INodeExecutionData[] = [];
		const items = this.getInputData();
		for (let i = 0; i < items.length; i++) {
			const folder = (this.getNodeParameter('journalFolder', i) as string).trim();
			if (!folder)
				throw new NodeOperationError(this.getNode(), 'Set the journal folder', { itemIndex: i });
			const from = this.getNodeParameter('from', i, '') as string;
			const to = this.getNodeParameter('to', i, '') as string;
			const ids = (this.getNodeParameter('controlIds', i, '') as string)
				.split(',')
				.map((s) => s.trim())
				.filter(Boolean);
			const onlyUndelivered = this.getNodeParameter('onlyUndelivered', i, false) as boolean;
			const paths = this.getNodeParameter('paths', i, true) as boolean;
			for (const t of [from, to])
				if (t && Number.isNaN(new Date(t).getTime()))
					throw new NodeOperationError(this.getNode(), `"${t}" is not a time`, { itemIndex: i });
			let records: Awaited<ReturnType<typeof readJournal>>;
			try {
				records = await readJournal(folder, {
					from: from || undefined,
					to: to || undefined,
					controlIds: ids,
				});
			} catch (error) {
				throw new NodeOperationError(
					this.getNode(),
					`The journal cannot be read: ${(error as Error).message}`,
					{ itemIndex: i },
				);
			}
			for (const r of records) {
				if (onlyUndelivered && r.delivered) continue;
				const json: IDataObject = {
					message: r.message,
					controlId: r.controlId,
					sendingApplication: r.sendingApplication,
					sendingFacility: r.sendingFacility,
					receivedAt: r.receivedAt,
					peer: { address: r.peer },
					journalSeq: r.seq,
					duplicate: false,
					delivered: r.delivered,
					reprocessed: true,
				};
				try {
					const m = Hl7Message.parse(r.message);
					json.messageType = [m.get('MSH.9.1'), m.get('MSH.9.2')].filter(Boolean).join('^');
					if (paths) json.paths = m.pathMap();
				} catch (error) {
					if (!(error instanceof Hl7Error))
						throw new NodeOperationError(this.getNode(), error as Error, { itemIndex: i });
					json.messageType = '';
				}
				out.push({ json, pairedItem: { item: i } });
			}
		}
		return [out];
	}
}
