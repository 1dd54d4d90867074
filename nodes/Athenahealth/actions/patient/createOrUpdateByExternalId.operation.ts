import {
	NodeOperationError,
	updateDisplayOptions,
	type IDataObject,
	type IExecuteFunctions,
} from 'n8n-workflow';

import { parseDateInput, toAthenaDate } from '../../shared/dates';
import { asNodeError } from '../../transport/errors';
import { athenaRequest } from '../../transport/request';
import { show } from '../fields';
import { single, toItems } from '../output';
import { idParam, inputError, practiceOf } from '../params';
import { customFieldLocator, departmentLocator } from '../locators';
import {
	customFieldDefinitions,
	definitionOf,
	patientCustomFields,
	patientsByCustomField,
	setCustomFields,
} from './customFields';
import { knownIds, pathValue, requireSearchable } from './externalIds';
import { patientFieldOptions } from './fields';
import { createPatient, newPatientFields, requireContact } from './newPatient';

export const option = {
	name: 'Create or Update by External ID',
	value: 'createOrUpdateByExternalId',
	action: 'Create or update a patient by external ID',
	description:
		"Find the patient by another system's ID in a searchable custom field; update what changed, or create the patient and set the ID",
};

export const toolDescription =
	"Keep one athenahealth patient per patient of another system: finds the patient by the other system's ID held in a searchable patient custom field, " +
	'updates only the fields that differ, or creates the patient and stores the ID. Returns the patient ID and whether it was created, updated or unchanged.';

export const writes = true;

export const description = updateDisplayOptions(show('patient', 'createOrUpdateByExternalId'), [
	{
		...customFieldLocator('customFieldId', true),
		description:
			'The searchable patient custom field that holds the other system\'s ID (e.g. "Legacy Patient ID")',
	},
	{
		displayName: 'External ID',
		name: 'externalId',
		type: 'string',
		default: '',
		required: true,
		placeholder: 'EXT-1001',
		description: "The patient's ID in the other system",
	},
	{
		...departmentLocator(),
		description: 'The department a new patient is registered in, and where the custom field is set',
	},
	{ displayName: 'First Name', name: 'firstname', type: 'string', default: '', required: true },
	{ displayName: 'Last Name', name: 'lastname', type: 'string', default: '', required: true },
	{
		displayName: 'Date of Birth',
		name: 'dob',
		type: 'string',
		default: '',
		required: true,
		placeholder: '1980-04-07',
	},
	{
		displayName:
			'A new patient also needs one of Email, SSN, a phone number or ZIP Code (Additional Fields). An existing patient is updated only where a given ' +
			'field differs; fields not given are left as they are. athena has no idempotency key: the custom field is the key, so it must hold one patient per ID.',
		name: 'externalIdNotice',
		type: 'notice',
		default: '',
	},
	{
		displayName: 'Additional Fields',
		name: 'additionalFields',
		type: 'collection',
		placeholder: 'Add Field',
		default: {},
		options: patientFieldOptions.filter((f) => !['firstname', 'lastname'].includes(f.name)),
	},
]);

const digits = (v: unknown) => String(v ?? '').replace(/\D/g, '');
const PHONES = ['homephone', 'mobilephone', 'workphone'];

/** The given fields whose value differs from the patient's (phones by digits, dates by day). */
function changedFields(given: IDataObject, record: IDataObject): string[] {
	return Object.keys(given).filter((k) => {
		const want = given[k];
		const have = record[k];
		if (PHONES.includes(k)) return digits(want) !== digits(have);
		if (k === 'dob') {
			const parts = parseDateInput(have);
			return !parts || toAthenaDate(parts) !== want;
		}
		return String(want).trim() !== String(have ?? '').trim();
	});
}

export async function execute(this: IExecuteFunctions, i: number) {
	const fieldId = idParam(this, 'customFieldId', i, 'Custom Field')!;
	const externalId = pathValue(this, i, this.getNodeParameter('externalId', i, ''), 'External ID');
	const departmentid = idParam(this, 'departmentId', i, 'Department')!;
	const fields = newPatientFields(this, i);
	const practiceId = practiceOf(this, i);

	const def = definitionOf(this, i, await customFieldDefinitions(this, practiceId, i), fieldId);
	requireSearchable(this, i, def, true);
	if (def.length && [...externalId].length > Number(def.length))
		throw inputError(
			this,
			i,
			`External ID is longer than custom field ${fieldId} takes (${def.length} characters)`,
		);
	const label = `external ID ${externalId} (custom field ${fieldId})`;
	const known = knownIds(this);
	const key = `${practiceId ?? ''}|${fieldId}|${externalId}`;
	if (known.get(key)?.unconfirmed)
		throw new NodeOperationError(
			this.getNode(),
			`An earlier item of this run left the creation of the patient with ${label} unconfirmed; not created again`,
			{
				itemIndex: i,
				description: `Look for the patient with Patient → Find by Custom Field (or Patient Search by name and date of birth), then run this item again.`,
			},
		);

	const byExternalId = async () =>
		await patientsByCustomField(this, fieldId, externalId, practiceId, i, 100);
	let patientid = known.get(key)?.patientid;
	if (!patientid) {
		const found = await byExternalId();
		if (found.length > 1)
			throw new NodeOperationError(
				this.getNode(),
				`${found.length} athena patients hold ${label}: ${found
					.map((p) => String(p.patientid))
					.join(', ')}`,
				{
					itemIndex: i,
					description:
						'Nothing was changed. An external ID must belong to one patient: merge the duplicate charts in athenaNet or clear the ID on all but one (Patient ' +
						'→ Set Custom Fields).',
				},
			);
		if (found.length) patientid = String(found[0].patientid);
	}

	const storeId = async (pid: string) => {
		known.set(key, { patientid: pid, idMissing: true });
		const { notApplied } = await setCustomFields(
			this,
			pid,
			departmentid,
			[{ customfieldid: fieldId, customfieldvalue: externalId }],
			practiceId,
			i,
		).catch((error: unknown) => {
			const e = asNodeError(this.getNode(), error);
			e.message = `Patient ${pid} is in athena, but storing ${label} on it failed: ${e.message}`;
			e.description = (
				`Set it with Patient → Set Custom Fields on patient ${pid}; running this item again would not find the patient by the ID. ` +
				(e.description ?? '')
			).trim();
			throw e;
		});
		if (notApplied.length)
			throw new NodeOperationError(
				this.getNode(),
				`Patient ${pid} is in athena, but athena did not store ${label} on it`,
				{
					itemIndex: i,
					description:
						"Reading the patient's custom fields back shows another value (a field that disallows updates keeps its first value). Set it in athenaNet; " +
						'running this item again would not find the patient by the ID.',
				},
			);
		known.set(key, { patientid: pid });
	};

	if (patientid) {
		// an earlier item of this run made the patient but could not store the id: store it now
		const storedNow = Boolean(known.get(key)?.idMissing);
		if (storedNow) await storeId(patientid);
		const record = single(
			await athenaRequest(this, {
				method: 'GET',
				path: `/patients/${patientid}`,
				practiceId,
				itemIndex: i,
			}),
		);
		const changed = changedFields(fields, record);
		if (changed.length)
			// a PUT with the same values is harmless to repeat (patient/update.operation.ts)
			await athenaRequest(this, {
				method: 'PUT',
				path: `/patients/${patientid}`,
				form: Object.fromEntries(changed.map((k) => [k, fields[k]])),
				practiceId,
				itemIndex: i,
				idempotent: true,
			});
		return toItems(
			[
				{
					patientid,
					externalId,
					customfieldid: fieldId,
					action: changed.length ? 'updated' : 'unchanged',
					created: false,
					updatedFields: changed,
					...(storedNow ? { externalIdVerified: true } : {}),
					message: changed.length
						? `Updated ${changed.join(', ')} of patient ${patientid} (${label})`
						: `Patient ${patientid} (${label}) already has these values; nothing sent`,
				},
			],
			i,
		);
	}

	// not found: create the patient, then store the external id on it
	requireContact(this, i, fields, `No patient holds ${label}, so one would be created, and `);
	const form = { ...fields, departmentid };
	// after a lost answer, a patient that holds the external id is the one; else the one new patient
	// with these names (never a second create)
	const creation = await createPatient(this, i, form, {
		practiceId,
		lookAgain: async () => (await byExternalId()).map((p) => String(p.patientid)),
		what: `the creation of the patient with ${label}`,
		howToCheck:
			`The patient may have been created without the external ID. Look for them with Patient Search (name and date of birth) and set the ID with Patient ` +
			`→ Set Custom Fields, rather than running this item again.`,
		onUnconfirmed: () => known.set(key, { unconfirmed: true }),
	});
	const created = creation.patientid;
	patientid = created;
	const { recovered } = creation;
	let matchedExisting = !recovered && creation.existing.has(patientid);
	// the patient exists from here on: later items with this id must not create another
	known.set(key, { patientid, idMissing: true });
	// athena's match ignores accents and case: a patient spelled otherwise existed before
	if (!matchedExisting && !recovered) {
		const made = single(
			await athenaRequest(this, {
				method: 'GET',
				path: `/patients/${patientid}`,
				practiceId,
				itemIndex: i,
			}),
		);
		matchedExisting = made.firstname !== fields.firstname || made.lastname !== fields.lastname;
	}
	if (matchedExisting) {
		const current = (await patientCustomFields(this, patientid, departmentid, practiceId, i)).get(
			fieldId,
		);
		const held = String(current?.customfieldvalue ?? '');
		if (held && held !== externalId) {
			known.delete(key);
			throw new NodeOperationError(
				this.getNode(),
				`athena matched existing patient ${patientid}, who already holds another external ID in custom field ${fieldId}`,
				{
					itemIndex: i,
					description:
						`athena returns an existing patient with the same name and date of birth instead of creating one. That patient holds "${held}", not ` +
						`"${externalId}"; nothing was changed. Check whether both IDs are the same person in the other system.`,
				},
			);
		}
	}
	await storeId(patientid);
	return toItems(
		[
			{
				patientid,
				externalId,
				customfieldid: fieldId,
				action: matchedExisting ? 'linked' : 'created',
				created: !matchedExisting,
				matchedExisting,
				externalIdVerified: true,
				...(recovered ? { recoveredAfterUnconfirmedCreate: true } : {}),
				message: matchedExisting
					? `athena matched existing patient ${patientid} (same name and date of birth); stored ${label} on it`
					: `Created patient ${patientid} and stored ${label} on it (read back)`,
			},
		],
		i,
	);
}
