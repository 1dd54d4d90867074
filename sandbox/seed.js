'use strict';
// Deterministic seed data for practice 195900 (athena's preview practice: its departments, providers
// and appointment types) plus generated patients and appointments over a date window. The same seed
// and options always give the same data.

const { dateOfDay, pad } = require('./clock');

function rng(seed) {
	let a = seed >>> 0;
	return () => {
		a = (a + 0x6d2b79f5) >>> 0;
		let t = a;
		t = Math.imul(t ^ (t >>> 15), t | 1);
		t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
		return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
	};
}

const DEPARTMENTS = [
	['1', 'MAIN ST (HUB)', 'Rome Office', 'GA', '1', '42'],
	['21', 'DOWNTOWN CLINIC', 'Downtown Clinic', 'GA', '1', '42'],
	['62', 'NORTH SIDE', 'North Side Family Medicine', 'MA', '2', '43'],
	['82', 'HILLTOP', 'Hilltop Pediatrics', 'MA', '22', '44'],
	['102', 'RIVERSIDE', 'Riverside Primary Care', 'GA', '1', '42'],
	['142', 'LAKE VIEW', 'Lake View Cardiology', 'MA', '2', '43'],
	['145', 'BELFAST PRIMARY CARE', 'Belfast Primary Care', 'ME', '1', '42'],
	['148', 'CAMDEN', 'Camden Health', 'ME', '1', '42'],
	['150', 'SOUTH END', 'South End Medical', 'GA', '1', '42'],
	['157', 'WEST END', 'West End Medical', 'GA', '1', '42'],
	['162', 'MERCY HOSPITAL', 'Main Office', 'NY', '1', '42'],
	['164', 'EAST SIDE', "East Side Women's Health", 'MA', '2', '43'],
	['172', 'VALLEY', 'Valley Urgent Care', 'GA', '1', '42'],
];

const PROVIDERS = [
	['86', 'Terry', 'Ahmad', 'MD', 'Family Medicine', '1'],
	['71', 'Adam', 'Bricker', 'MD', 'Internal Medicine', '1'],
	['1', 'Camille', 'Cartwright', 'DO', 'Family Medicine', '21'],
	['27', 'Elsa', 'Spinka', 'MD', 'Pediatrics', '150'],
	['1911', 'Marcus', 'Okafor', 'NP', 'Family Medicine', '21'],
	['2276', 'Ingrid', 'Søndergaard', 'MD', 'Cardiology', '21'],
	['166', 'Renée', 'Lefèvre', 'PA', 'Dermatology', '21'],
	['325', 'Hiro', 'Tanaka', 'MD', 'Orthopedics', '21'],
	['2116', 'Ana', 'Núñez', 'MD', 'Obstetrics', '21'],
	['117', 'Shayna', 'Avallone', 'MD', 'Family Medicine', '162'],
	['119', 'Shayna', 'Avallone', 'MD', 'Family Medicine', '162'],
	['23', 'Priya', 'Raman', 'MD', 'Internal Medicine', '102'],
];

const APPOINTMENT_TYPES = [
	['2', 'Office Visit', 'OV', '10'],
	['4', 'PHYSICAL EXAM', 'PE', '30'],
	['5', 'Lab Work', 'LAB', '15'],
	['8', 'New Patient Appointment', 'NP', '30'],
	['42', 'Established', 'EST', '15'],
	['82', 'Any 15', 'A15', '15', 'Established Patient'],
	['622', 'Sick Visit', 'SICK', '15'],
	['926', '15 minute slot', '15M', '15'],
	['1708', 'NewPatientVisit', 'NPV', '30'],
	['182', 'Cardiology', 'CARD', '30'],
];

const REASONS = [
	['563', 'Follow Up', 'existing'],
	['841', 'Sick Visit', 'all'],
	['901', 'Annual Physical', 'all'],
	['962', 'Follow-Up', 'existing'],
	['541', 'New Patient', 'new'],
];

const CANCEL_REASONS = [
	['-5', 'CANCELLED FROM API', false, true],
	['1', 'PATIENT CANCELLED', false, true],
	['2', 'PATIENT NO SHOW', true, true],
	['3', 'PROVIDER UNAVAILABLE', false, false],
	['4', 'WEATHER', false, true],
];

const FIRST = [
	'José',
	'Zoë',
	'Renée',
	'François',
	'Łukasz',
	'Ana',
	'Mohammed',
	'Emily',
	'Liam',
	'Olivia',
	'Noah',
	'Ava',
	'Mateo',
	'Sofía',
	'Chen',
	'Priya',
	'Björn',
	'Chloé',
	'Dmitri',
	'Aisha',
	'Gary',
	'Donna',
	'Rebecca',
	'Frankie',
];
const LAST = [
	'Müller',
	'García',
	'Núñez',
	"O'Brien",
	'Nguyen',
	'Smith',
	'Johnson',
	'Williams',
	'Brown',
	'Jones',
	'Kowalski',
	'Dubois',
	'Rossi',
	'Patel',
	'Kim',
	'Sandboxtest',
	'Hernández',
	'Østergaard',
	'Lefèvre',
	'Tanaka',
];
const CITIES = [
	['ROME', 'GA', '30161'],
	['BOSTON', 'MA', '02110'],
	['BELFAST', 'ME', '04915'],
	['NEW YORK', 'NY', '10001'],
	['WATERTOWN', 'MA', '02472'],
];

/** options: seed, patients, departmentOnePatients, booked, openSlots, days, daysBack (defaults: settings.js), todayDay. */
function buildSeed(options) {
	const random = rng(options.seed);
	const pick = (arr) => arr[Math.floor(random() * arr.length)];
	const today = options.todayDay;
	const departments = DEPARTMENTS.map(([id, name, pname, state, pg, csg]) => ({
		departmentid: id,
		name,
		patientdepartmentname: pname,
		address: `${100 + Number(id)} MAIN ST`,
		city: 'ROME',
		state,
		zip: '30161',
		phone: `(555) 482-${pad(Number(id) % 100)}53`,
		timezone: -5,
		timezoneoffset: -5,
		timezonename: 'US/Eastern',
		providergroupid: pg,
		providergroupname: `Provider Group ${pg}`,
		chartsharinggroupid: csg,
		clinicals: 'ON',
		placeofservicetypeid: '11',
		placeofservicetypename: 'OFFICE',
		servicedepartment: true,
		ishospitaldepartment: id === '162',
		doesnotobservedst: false,
		creditcardtypes: ['AX', 'DS', 'MC', 'VI'],
		latitude: '34.25597',
		longitude: '-85.17026',
		medicationhistoryconsent: 'false',
		portalurl: `https://portal.example/${id}`,
	}));
	const providers = PROVIDERS.map(([id, first, last, type, specialty, dept]) => ({
		providerid: id,
		firstname: first,
		lastname: last,
		displayname: `${first} ${last} ${type}`,
		specialty,
		specialtyid: String(100 + specialty.length),
		providertype: type,
		providertypeid: type,
		billable: true,
		npi: String(1000000000 + Number(id) * 7919).slice(0, 10),
		schedulingname: `${first[0]}${last}`.toLowerCase().replace(/[^a-z]/g, ''),
		entitytype: 'Person',
		hideinportal: false,
		acceptingnewpatients: true,
		createencounteroncheckin: true,
		homedepartment: dept,
		providergrouplist: ['1'],
	}));
	const appointmenttypes = APPOINTMENT_TYPES.map(([id, name, shortname, duration, pname]) => ({
		appointmenttypeid: id,
		name,
		shortname,
		duration,
		patientdisplayname: pname || name,
		generic: id === '82' || id === '926' ? 'true' : 'false',
		patient: 'true',
		templatetypeonly: 'false',
		createencounteroncheckin: true,
	}));
	const reasons = REASONS.map(([id, reason, type]) => ({
		reasonid: id,
		reason,
		description: `${reason} visit`,
		reasontype: type,
		schedulingminhours: '24',
		schedulingmaxdays: '90',
	}));
	const cancelReasons = CANCEL_REASONS.map(([id, name, noshow, slotavailable]) => ({
		appointmentcancelreasonid: id,
		name,
		noshow,
		slotavailable,
	}));

	const patients = new Map();
	const knownIds = [
		'1',
		'2',
		'7',
		'7923',
		'34772',
		'42000',
		'60178',
		'60179',
		'60180',
		'60181',
		'60182',
		'60183',
		'60184',
	];
	// athena's preview department 1 is reported to hold more than 1,000 patients (its "too broad"
	// 400 for a department search); departmentOnePatients puts that many generated patients there
	const big = options.departmentOnePatients;
	const count = Math.max(options.patients, knownIds.length + big);
	for (let n = 0; n < count; n++) {
		const id = n < knownIds.length ? knownIds[n] : String(100000 + n);
		const [city, state, zip] = pick(CITIES);
		const first = n === 12 ? 'Tra' : pick(FIRST);
		const last = n === 12 ? 'Test' : pick(LAST);
		const picked = pick(departments).departmentid;
		const dept = n >= knownIds.length && n < knownIds.length + big ? '1' : picked;
		const y = 1940 + Math.floor(random() * 80);
		const dob = `${pad(1 + Math.floor(random() * 12))}/${pad(1 + Math.floor(random() * 28))}/${y}`;
		const phone = `555${String(1000000 + Math.floor(random() * 8999999))}`;
		patients.set(id, {
			patientid: id,
			firstname: first,
			lastname: last,
			dob,
			sex: random() < 0.5 ? 'F' : 'M',
			email: `${first}.${last}.${id}@example.org`
				.normalize('NFD')
				.replace(/[^\x20-\x7e]/g, '')
				.replace(/[^A-Za-z0-9.@]/g, '')
				.toLowerCase(),
			homephone: phone,
			mobilephone: phone.replace(/^555/, '556'),
			address1: `${1 + Math.floor(random() * 999)} ELM ST`,
			city,
			state,
			zip,
			departmentid: dept,
			primarydepartmentid: dept,
			status: 'active',
			ssn: `*****${String(1000 + Math.floor(random() * 8999))}`,
			guarantorfirstname: first,
			guarantorlastname: last,
			guarantordob: dob,
			privacyinformationverified: 'false',
			portaltermsonfile: 'false',
			race: [],
			language6392code: 'eng',
			contactpreference_appointment_sms: random() < 0.7,
			registrationdate: `01/15/${2005 + (n % 15)}`,
			lastmodified: '',
		});
	}

	// Appointments: booked ones and open slots spread over the window, in 15-minute steps.
	const appointments = new Map();
	let nextId = 500000;
	const window = options.days;
	const from = today - options.daysBack;
	const scheduleDepts = ['1', '21', '102', '145', '150', '162'];
	const providersByDept = (d) =>
		providers
			.filter((p) => p.homedepartment === d || (d === '1' && ['86', '71'].includes(p.providerid)))
			.map((p) => p.providerid);
	const patientIds = [...patients.keys()];
	const make = (status) => {
		const dept = pick(scheduleDepts);
		const provs = providersByDept(dept);
		const type = pick(appointmenttypes);
		const day = from + Math.floor(random() * window);
		const minutes = 8 * 60 + 15 * Math.floor(random() * 36);
		const id = String(nextId++);
		const appt = {
			appointmentid: id,
			date: dateOfDay(day),
			starttime: `${pad(Math.floor(minutes / 60))}:${pad(minutes % 60)}`,
			duration: type.duration,
			departmentid: dept,
			providerid: provs.length ? pick(provs) : '86',
			appointmenttypeid: type.appointmenttypeid,
			appointmenttype: type.name,
			patientappointmenttypename: type.patientdisplayname,
			appointmentstatus: status,
			reasonid: [pick(reasons).reasonid],
			frozen: 'false',
		};
		if (status !== 'o') {
			appt.patientid = pick(patientIds);
			appt.scheduledby = 'API-2530';
			appt.scheduleddatetime = `${dateOfDay(day - 7)} 10:00:00`;
			appt.copay = '0';
		}
		appt.lastmodified = `${dateOfDay(Math.min(day, today) - 1)} 09:00:00`;
		appt.lastmodifiedby = 'API-2530';
		appointments.set(id, appt);
	};
	for (let n = 0; n < options.booked; n++) make('f');
	for (let n = 0; n < options.openSlots; n++) make('o');

	return {
		departments,
		providers,
		appointmenttypes,
		reasons,
		cancelReasons,
		patients,
		appointments,
		nextAppointmentId: nextId,
		nextPatientId: 900000,
	};
}

module.exports = { buildSeed, rng };
