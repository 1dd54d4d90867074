import type { IDataObject } from 'n8n-workflow';

import { athenaToIso } from './dates';

// athena's records go out as athena names them, with two additions users rely on downstream:
// ids are always strings (athena drifts between "86" and 86, docs/athena-behaviour.md#string-ids),
// and every athena date or datetime gets an ISO companion (`dob` → `dobIso`).

const ID_KEY = /(^id$|id$)/i;

export function normalizeRecord(record: IDataObject): IDataObject {
	const out: IDataObject = {};
	for (const [key, value] of Object.entries(record)) {
		if (typeof value === 'number' && ID_KEY.test(key)) out[key] = String(value);
		else if (Array.isArray(value))
			out[key] = value.map((v) =>
				v && typeof v === 'object' && !Array.isArray(v)
					? normalizeRecord(v as IDataObject)
					: typeof v === 'number' && ID_KEY.test(key.replace(/s$|list$/, ''))
						? String(v)
						: v,
			);
		else if (value && typeof value === 'object') out[key] = normalizeRecord(value as IDataObject);
		else out[key] = value;
		if (typeof value === 'string') {
			const iso = athenaToIso(value);
			if (iso !== undefined && !(`${key}Iso` in record)) out[`${key}Iso`] = iso;
		}
	}
	return out;
}
