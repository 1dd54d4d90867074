// The item the HL7 MLLP Trigger hands over for each message (mllp/README.md#hl7-mllp-trigger);
// the bench measures this same item (bench/mllp.js).
import type { IDataObject } from 'n8n-workflow';

import type { Hl7Message } from '../hl7/codec';
import type { Peer } from './receipt';

export function messageItem(
	message: Hl7Message,
	text: string,
	peer: Peer,
	receivedAt: string,
	seq: number | undefined,
	withPaths: boolean,
): IDataObject {
	const json: IDataObject = {
		message: text,
		messageType: [message.get('MSH.9.1'), message.get('MSH.9.2')].filter(Boolean).join('^'),
		controlId: message.get('MSH.10') ?? '',
		sendingApplication: message.get('MSH.3.1') ?? '',
		sendingFacility: message.get('MSH.4.1') ?? '',
		receivedAt,
		peer,
		...(seq !== undefined ? { journalSeq: seq } : {}),
		duplicate: false,
	};
	// the path map is built when first read (as n8n copies the item into the execution), not
	// while the listener answers the sender
	if (withPaths) {
		let paths: IDataObject | undefined;
		Object.defineProperty(json, 'paths', {
			enumerable: true,
			configurable: true,
			get: () => (paths ??= message.pathMap()),
			set: (value: IDataObject) => (paths = value),
		});
	}
	return json;
}
