import type { IDataObject, IExecuteFunctions } from 'n8n-workflow';

import { convertReading } from '../../shared/vitals';
import { toItems } from '../output';
import { dateParam, inputError } from '../params';
import { chartRead, chartTarget, chartWrite, chartWriteFields, outcome } from './writes';

export const option = {
	name: 'Add Vitals',
	value: 'addVitals',
	action: 'Add device vitals to a patient chart',
	description: 'Record device readings as one vitals group (LOINC codes, units converted)',
};

export const toolDescription =
	"Record device-generated vital signs (one reading group: e.g. a blood pressure's systolic and " +
	"diastolic) in an athenahealth patient's chart. Values are converted to the units athena stores. " +
	'Returns the readings as sent (converted) and their vital IDs.';

export const writes = true;

export const description = chartWriteFields('addVitals', [
	{
		displayName:
			'Each input item is one reading group (readings taken together, e.g. systolic and diastolic). athena ' +
			'accepts device-generated vitals only. Weight is stored in grams, height in centimetres and ' +
			"temperature in °F: give the device's unit and the node converts.",
		name: 'vitalsNotice',
		type: 'notice',
		default: '',
	},
	{
		displayName: 'Reading Taken',
		name: 'readingTaken',
		type: 'string',
		default: '',
		required: true,
		placeholder: '2026-01-31',
		description: 'When the readings were taken',
	},
	{
		displayName: 'Readings',
		name: 'readings',
		type: 'fixedCollection',
		placeholder: 'Add Reading',
		default: {},
		typeOptions: { multipleValues: true },
		options: [
			{
				displayName: 'Reading',
				name: 'reading',
				values: [
					{
						displayName: 'Vital',
						name: 'loinc',
						type: 'options',
						default: '8480-6',
						options: [
							{ name: 'Blood Glucose (LOINC 2339-0)', value: '2339-0' },
							{ name: 'Body Height (LOINC 8302-2)', value: '8302-2' },
							{ name: 'Body Mass Index (LOINC 39156-5)', value: '39156-5' },
							{ name: 'Body Temperature (LOINC 8310-5)', value: '8310-5' },
							{ name: 'Body Weight (LOINC 29463-7)', value: '29463-7' },
							{ name: 'Body Weight (Measured) (LOINC 3141-9)', value: '3141-9' },
							{ name: 'Diastolic Blood Pressure (LOINC 8462-4)', value: '8462-4' },
							{ name: 'Heart Rate (LOINC 8867-4)', value: '8867-4' },
							{ name: 'Inhaled Oxygen Concentration (LOINC 3150-0)', value: '3150-0' },
							{ name: 'Oxygen Saturation (Arterial) (LOINC 2708-6)', value: '2708-6' },
							{ name: 'Oxygen Saturation (Pulse Oximetry) (LOINC 59408-5)', value: '59408-5' },
							{ name: 'Respiratory Rate (LOINC 9279-1)', value: '9279-1' },
							{ name: 'Systolic Blood Pressure (LOINC 8480-6)', value: '8480-6' },
						],
						description: 'What was measured (its LOINC code names the athena vital)',
					},
					{
						displayName: 'Value',
						name: 'value',
						type: 'string',
						default: '',
						placeholder: '120',
					},
					{
						displayName: 'Unit',
						name: 'unit',
						type: 'string',
						default: '',
						placeholder: 'kg',
						description:
							"The device's unit (UCUM or common: kg, [lb_av], cm, [in_i], Cel, [degF], …); empty when already in athena's unit",
					},
				],
			},
		],
	},
]);

export async function execute(this: IExecuteFunctions, i: number) {
	const t = chartTarget(this, i);
	const readingtaken = dateParam(this, 'readingTaken', i, 'Reading Taken')!;
	const given =
		((this.getNodeParameter('readings', i, {}) as IDataObject).reading as IDataObject[]) ?? [];
	if (!given.length)
		throw inputError(this, i, 'Add at least one reading', 'Readings holds the values to record.');
	const group = given.map((r, n) => {
		const c = convertReading(String(r.loinc ?? ''), r.value, r.unit);
		if (!c.ok) throw inputError(this, i, `Reading ${n + 1}: ${c.reason}`);
		return { clinicalelementid: c.clinicalelementid, readingtaken, value: c.value, unit: c.unit };
	});
	const seen = new Set<string>();
	for (const g of group) {
		if (seen.has(g.clinicalelementid))
			throw inputError(
				this,
				i,
				`${g.clinicalelementid} appears twice in one reading group`,
				'Send each reading group as its own item.',
			);
		seen.add(g.clinicalelementid);
	}
	const ids = async () =>
		(((await chartRead(this, i, t, 'vitals')).vitals as IDataObject[]) ?? []).flatMap((v) =>
			((v.readings as IDataObject[][]) ?? []).flat(),
		);
	const before = new Set((await ids()).map((r) => String(r.vitalid)));
	/** The readings of this group among those that were not there before, if all are there. */
	const written = async () => {
		const fresh = (await ids()).filter((r) => !before.has(String(r.vitalid)));
		const found = group.map((g) =>
			fresh.find((r) => r.clinicalelementid === g.clinicalelementid && String(r.value) === g.value),
		);
		return found.every(Boolean)
			? found.map((r) => ({ vitalid: String(r!.vitalid), clinicalelementid: r!.clinicalelementid }))
			: undefined;
	};
	const result = await chartWrite(
		this,
		i,
		{
			method: 'POST',
			path: `/chart/${t.patientId}/vitals`,
			form: {
				departmentid: t.departmentId,
				// athena takes device-generated vitals only (docs/athena-behaviour.md#vitals)
				source: 'DEVICEGENERATED',
				returnvitalids: 'true',
				vitals: [
					group.map((v) => ({
						clinicalelementid: v.clinicalelementid,
						readingtaken: v.readingtaken,
						value: v.value,
					})),
				],
			},
			practiceId: t.practiceId,
		},
		{
			what: `the vitals of patient ${t.patientId} taken ${readingtaken}`,
			check: `Look for them with Chart → Get Vitals (patient ${t.patientId}) before sending them again.`,
			verify: async () => {
				const found = await written();
				return found ? { vitalids: found } : undefined;
			},
		},
	);
	let vitalids: IDataObject[] | undefined;
	let checked = false;
	if (result.recovered && result.recovered !== true)
		vitalids = result.recovered.vitalids as IDataObject[];
	else if (Array.isArray(result.body.vitalids))
		vitalids = (result.body.vitalids as IDataObject[]).map((v) => ({
			vitalid: String(v.vitalid),
			clinicalelementid: v.clinicalelementid,
		}));
	else {
		// some answers carry only success (docs/athena-behaviour.md#chart-writes): read the ids back
		vitalids = await written();
		checked = true;
	}
	return toItems(
		[
			{
				patientid: t.patientId,
				departmentid: t.departmentId,
				readingtaken,
				added: true,
				readings: group,
				...(vitalids ? { vitalids } : {}),
				...outcome(result, checked),
			},
		],
		i,
	);
}
