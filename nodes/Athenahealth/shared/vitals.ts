// Device readings → athena's vitals (docs/athena-behaviour.md#vitals): the LOINC code of a
// reading names athena's clinical element, and the value is converted to the unit athena stores
// (grams, centimetres, degrees Fahrenheit). No n8n imports: a pure module.

export interface VitalKind {
	clinicalelementid: string;
	label: string;
	/** The unit athena stores, and the units converted to it (UCUM and common spellings). */
	unit: string;
	units: Record<string, (v: number) => number>;
	/** Decimal places kept after conversion. */
	places: number;
}

const same = (v: number) => v;
const WEIGHT = {
	g: same,
	kg: (v: number) => v * 1000,
	'[lb_av]': (v: number) => v * 453.59237,
	lb: (v: number) => v * 453.59237,
	lbs: (v: number) => v * 453.59237,
	'[oz_av]': (v: number) => v * 28.349523125,
	oz: (v: number) => v * 28.349523125,
};
const LENGTH = {
	cm: same,
	m: (v: number) => v * 100,
	mm: (v: number) => v / 10,
	'[in_i]': (v: number) => v * 2.54,
	in: (v: number) => v * 2.54,
	'[ft_i]': (v: number) => v * 30.48,
	ft: (v: number) => v * 30.48,
};
const TEMPERATURE = {
	'[degf]': same,
	degf: same,
	f: same,
	'°f': same,
	cel: (v: number) => (v * 9) / 5 + 32,
	c: (v: number) => (v * 9) / 5 + 32,
	'°c': (v: number) => (v * 9) / 5 + 32,
	degc: (v: number) => (v * 9) / 5 + 32,
};
const PRESSURE = { 'mm[hg]': same, mmhg: same };
const RATE = { '/min': same, bpm: same, '{beats}/min': same, '{breaths}/min': same };
const PERCENT = { '%': same };

const kind = (
	clinicalelementid: string,
	label: string,
	unit: string,
	units: Record<string, (v: number) => number>,
	places = 1,
): VitalKind => ({ clinicalelementid, label, unit, units, places });

/** LOINC code → athena clinical element. */
export const VITALS_BY_LOINC: Record<string, VitalKind> = {
	'8480-6': kind('VITALS.BLOODPRESSURE.SYSTOLIC', 'Systolic Blood Pressure', 'mmHg', PRESSURE, 0),
	'8462-4': kind('VITALS.BLOODPRESSURE.DIASTOLIC', 'Diastolic Blood Pressure', 'mmHg', PRESSURE, 0),
	'29463-7': kind('VITALS.WEIGHT', 'Body Weight', 'g', WEIGHT, 0),
	'3141-9': kind('VITALS.WEIGHT', 'Body Weight (Measured)', 'g', WEIGHT, 0),
	'8302-2': kind('VITALS.HEIGHT', 'Body Height', 'cm', LENGTH, 1),
	'39156-5': kind('VITALS.BMI', 'Body Mass Index', 'kg/m2', { 'kg/m2': same }, 1),
	'8310-5': kind('VITALS.TEMPERATURE', 'Body Temperature', '°F', TEMPERATURE, 1),
	'8867-4': kind('VITALS.HEARTRATE', 'Heart Rate', '/min', RATE, 0),
	'9279-1': kind('VITALS.RESPIRATIONRATE', 'Respiratory Rate', '/min', RATE, 0),
	'59408-5': kind('VITALS.O2SATURATION', 'Oxygen Saturation (Pulse Oximetry)', '%', PERCENT, 0),
	'2708-6': kind('VITALS.O2SATURATION', 'Oxygen Saturation (Arterial)', '%', PERCENT, 0),
	'3150-0': kind('VITALS.INHALEDO2CONCENTRATION', 'Inhaled Oxygen Concentration', '%', PERCENT, 0),
	'2339-0': kind('VITALS.BLOODSUGAR', 'Blood Glucose', 'mg/dL', { 'mg/dl': same }, 0),
};

export type Converted =
	| { ok: true; clinicalelementid: string; value: string; unit: string }
	| { ok: false; reason: string };

/** One reading in athena's terms, or why it cannot be. */
export function convertReading(loinc: string, value: unknown, unit: unknown): Converted {
	const k = VITALS_BY_LOINC[loinc.trim()];
	if (!k)
		return {
			ok: false,
			reason: `LOINC ${loinc} is not a vital athena stores; use one of ${Object.keys(VITALS_BY_LOINC).join(', ')}`,
		};
	const n = typeof value === 'number' ? value : Number(String(value ?? '').trim());
	if (String(value ?? '').trim() === '' || !Number.isFinite(n))
		return {
			ok: false,
			reason: `${k.label}: the value must be a number, got "${String(value ?? '')}"`,
		};
	const u = String(unit ?? '').trim();
	const convert = u ? k.units[u.toLowerCase()] : same;
	if (!convert)
		return {
			ok: false,
			reason: `${k.label}: unit "${u}" cannot be converted to ${k.unit}; use one of ${Object.keys(k.units).join(', ')}`,
		};
	const f = 10 ** k.places;
	return {
		ok: true,
		clinicalelementid: k.clinicalelementid,
		value: String(Math.round(convert(n) * f) / f),
		unit: k.unit,
	};
}
