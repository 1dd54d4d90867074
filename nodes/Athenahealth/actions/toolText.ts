// Phrases the tool descriptions share (see types.ts: Operation.toolDescription). A model needs the
// inputs in the form athena takes them; test/package/toolUse.test.ts checks each description says so.
export const ID = 'athena IDs are digits only, e.g. 1 or 60178';
export const DATE = 'dates as YYYY-MM-DD';
export const WRITE = 'WRITE: this changes data in athena; confirm with the user before calling.';
