import { createHash } from 'crypto';

import type { IDataObject } from 'n8n-workflow';

// What the trigger keeps in workflow static data. n8n saves it with the execution a poll starts
// (or commits it when the poll emits nothing); if that save fails, the next poll starts from the
// previous state, replays the window and the dedupe set drops what was already emitted.

export interface TriggerState {
	/** ISO start time of the last poll whose results were committed. */
	checkpoint?: string;
	/** Emitted record keys, oldest first, bounded. */
	seen?: string[];
	/** Patients emitted before (for Added vs Updated), bounded. */
	patients?: string[];
	/** Subscription we made sure of: feed + events + departments. */
	subscription?: string;
}

export const SEEN_LIMIT = 20000;

/** A digest of the whole record: the same change replayed has the same key, a new change a new one. */
export function recordKey(feed: string, record: IDataObject): string {
	const id = record.appointmentid ?? record.patientid ?? record.problemid ?? record.providerid ?? record.id ?? '';
	const digest = createHash('sha1').update(JSON.stringify(record)).digest('base64').slice(0, 16);
	return `${feed}:${String(id)}:${String(record.lastmodified ?? record.lastmodifieddatetime ?? '')}:${digest}`;
}

export function remember(list: string[], keys: string[], limit = SEEN_LIMIT): string[] {
	const next = list.concat(keys);
	return next.length > limit ? next.slice(next.length - limit) : next;
}
