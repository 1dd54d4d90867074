import type { IDataObject } from 'n8n-workflow';

// athena names each document's id after its class (adminid, clinicaldocumentid, …) and some
// classes (imaging results, DME) carry no generic documentid
// (docs/athena-behaviour.md#document-classes).
export const DOCUMENT_CLASSES = [
	{ name: 'Admin', value: 'admin', documentclass: 'ADMIN' },
	{ name: 'Clinical Document', value: 'clinicaldocument', documentclass: 'CLINICALDOCUMENT' },
	{ name: 'Encounter Document', value: 'encounterdocument', documentclass: 'ENCOUNTERDOCUMENT' },
	{ name: 'Imaging Result', value: 'imagingresult', documentclass: 'IMAGINGRESULT' },
	{ name: 'Lab Result', value: 'labresult', documentclass: 'LABRESULT' },
];

const idKey = (documentclass: unknown) => {
	const found = DOCUMENT_CLASSES.find((c) => c.documentclass === documentclass);
	return found ? (found.value === 'admin' ? 'adminid' : `${found.value}id`) : undefined;
};

/** Adds `classdocumentid`: the id Document → Get takes for this document's class. */
export function withClassId(doc: IDataObject): IDataObject {
	const key = idKey(doc.documentclass);
	const id = (key && doc[key]) ?? doc.documentid;
	return id === undefined ? doc : { ...doc, classdocumentid: String(id) };
}
