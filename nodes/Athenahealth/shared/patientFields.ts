// athena's patient field-length limits: most fields 20 characters
// (docs/athena-behaviour.md#field-lengths).
const LIMITS: Record<string, number> = {
	lastname: 30,
	address1: 100,
	address2: 100,
	city: 30,
	guarantorcity: 30,
	state: 10,
	zip: 10,
	guarantorzip: 10,
	ssn: 13,
	email: 50,
	guarantoremail: 50,
	employername: 100,
	contactname: 50,
	notes: 4000,
};

/** Returns a message naming the first field athena would reject for its length, if any. */
export function patientFieldTooLong(fields: Record<string, unknown>): string | undefined {
	for (const [name, value] of Object.entries(fields)) {
		if (value === undefined || value === null || typeof value === 'object') continue;
		const max = LIMITS[name] ?? 20;
		const length = [...String(value)].length;
		if (length > max)
			return `${name} is ${length} characters long; athena accepts at most ${max}. Shorten it before sending.`;
	}
	return undefined;
}

/** At least one of these must accompany a new patient (docs/athena-behaviour.md#patient-create). */
export const CONTACT_FIELDS = [
	'email',
	'guarantoremail',
	'ssn',
	'homephone',
	'mobilephone',
	'workphone',
	'zip',
];
