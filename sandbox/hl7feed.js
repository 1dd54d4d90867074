'use strict';
// athena's HTTPS HL7 interface, simulated: patient and appointment changes become ADT and SIU
// messages (in the field conventions of athena's sample messages) POSTed to a configured URL, or
// sent over MLLP(S) when the URL is mllp://host:port or mllps://host:port (settings.hl7Tls: node
// TLS options such as `ca`); the answer (an ACK) is recorded. Written independently of the
// package's codec on purpose: it is what the codec is tested against.

const { parts } = require('./clock');
const { sendMllp } = require('./mllp');

const esc = (v) =>
	String(v ?? '')
		.replace(/\\/g, '\\E\\')
		.replace(/\|/g, '\\F\\')
		.replace(/\^/g, '\\S\\')
		.replace(/~/g, '\\R\\')
		.replace(/&/g, '\\T\\');
const ts = (p) =>
	`${p.y}${String(p.m).padStart(2, '0')}${String(p.d).padStart(2, '0')}${String(p.h).padStart(2, '0')}${String(p.mi).padStart(2, '0')}`;
const hl7Date = (athena) => {
	const m = /^(\d{2})\/(\d{2})\/(\d{4})(?: (\d{2}):(\d{2}))?/.exec(athena || '');
	return m ? `${m[3]}${m[1]}${m[2]}${m[4] ? m[4] + m[5] : ''}` : '';
};

const SIU = { ScheduleAppointment: 'S12', CancelAppointment: 'S15', UpdateAppointment: 'S14' };
const ADT = { AddPatient: 'A04', UpdatePatient: 'A31' };

function createHl7Feed(sb) {
	let seq = 1000;
	const deliveries = [];

	function pid(p) {
		if (!p) return 'PID';
		const phones = [
			p.homephone && `${p.homephone}^PRN^PH`,
			p.mobilephone && `${p.mobilephone}^ORN^CP`,
			p.email && `^NET^Internet^${esc(p.email)}`,
		]
			.filter(Boolean)
			.join('~');
		return `PID||${p.patientid}^^^Enterprise ID|${p.patientid}|${p.patientid}^^^Patient ID|${esc(p.lastname)}^${esc(p.firstname)}^${esc(p.middlename)}||${hl7Date(p.dob)}|${p.sex || ''}|||${esc(p.address1)}^^${esc(p.city)}^${esc(p.state)}^${esc(p.zip)}||${phones}||${p.language6392code || 'eng'}|||${p.ssn ? '' : ''}|||||||||||ATHENA`;
	}

	function message(practice, feed, event, record) {
		const now = ts(parts(new Date()));
		const control = `${++seq}M${practice}`;
		const dept = sb.state.departments.find((d) => d.departmentid === String(record.departmentid));
		const msh = (type) =>
			`MSH|^~\\&|ATHENANET|${practice}^${esc(practice === '195900' ? 'athenahealth MDP Sandbox' : 'Practice')}|N8N||${now}||${type}|${control}|T|2.5.1`;
		if (feed === 'patients' && ADT[event]) {
			return (
				[
					msh(`ADT^${ADT[event]}`),
					`EVN|${ADT[event]}|${now}|||API-2530`,
					pid(record),
					`PV1||O|${dept ? `${dept.departmentid}^${esc(dept.name)}^^${esc(dept.name)}` : ''}`,
				].join('\r') + '\r'
			);
		}
		if (feed === 'appointments' && SIU[event] && record.patientid) {
			const prov = sb.state.providers.find((p) => p.providerid === String(record.providerid));
			const start = hl7Date(`${record.date} ${record.starttime}`);
			const noshow = record.cancelreasonnoshow === true || record.cancelreasonnoshow === 'true';
			const cancel =
				event === 'CancelAppointment'
					? `${record.cancelreasonid || ''}^${esc(record.cancelreasonname)}`
					: '';
			return (
				[
					msh(`SIU^${SIU[event]}`),
					`SCH|${record.appointmentid}|${record.appointmentid}||||${cancel}||${esc(record.appointmenttypeid)}^${esc(record.appointmenttype)}|${record.duration}|minutes|^^^${start}|||||${record.scheduledby || 'API-2530'}|||||||||${noshow ? 'NOSHOW' : event === 'CancelAppointment' ? 'CANCELLED' : 'BOOKED'}`,
					pid(sb.state.patients.get(String(record.patientid))),
					`PV1|||${dept ? `${dept.departmentid}^${esc(dept.name)}^^${esc(dept.name)}` : ''}||||${prov ? `${prov.providerid}^${esc(prov.lastname.toUpperCase())}^${esc(prov.firstname.toUpperCase())}` : ''}||||||||||||${record.appointmentid}`,
					`AIG|||${prov ? prov.schedulingname : ''}|||||${start}|||${record.duration}|minutes`,
					`AIL|||${dept ? `${dept.departmentid}^${esc(dept.name)}` : ''}|||${start}|||${record.duration}|minutes`,
				].join('\r') + '\r'
			);
		}
		return undefined;
	}

	function onChange(practice, feed, event, record) {
		if (!sb.settings.hl7Url) return;
		const text = message(practice, feed, event, record);
		if (text) deliver(text, event);
	}

	/** Sends one message to --hl7-url (HTTP POST, or MLLP(S)), recording the delivery and its ACK. */
	function deliver(text, event) {
		const url = sb.settings.hl7Url;
		const delivery = {
			at: new Date().toISOString(),
			event,
			type: /\|(ADT|SIU|ORU)\^(\w+)/.exec(text)?.slice(1).join('^'),
			control: text.split('|')[9],
			status: 'sending',
		};
		deliveries.push(delivery);
		if (deliveries.length > 1000) deliveries.shift();
		const mllp = /^(mllps?):\/\/([^:/]+):(\d+)/.exec(url);
		if (mllp) {
			return sendMllp({
				host: mllp[2],
				port: Number(mllp[3]),
				tls: mllp[1] === 'mllps' ? sb.settings.hl7Tls || {} : undefined,
				messages: [text],
			})
				.then((stats) => {
					delivery.ackCode = stats.acked.get(delivery.control);
					delivery.status = delivery.ackCode ? 'acknowledged' : 'no ACK';
				})
				.catch((error) => {
					delivery.status = 'failed';
					delivery.error = String(error.message);
				});
		}
		return fetch(url, { method: 'POST', headers: { 'content-type': 'text/plain' }, body: text })
			.then(async (res) => {
				delivery.httpStatus = res.status;
				delivery.ack = await res.text();
				delivery.ackCode = /\rMSA\|(\w\w)\|/.exec(`\r${delivery.ack.replace(/\n/g, '\r')}`)?.[1];
				delivery.status = delivery.ackCode ? 'acknowledged' : 'no ACK';
			})
			.catch((error) => {
				delivery.status = 'failed';
				delivery.error = String(error.message);
			});
	}

	/**
	 * A reference lab's ORU^R01 for a patient (athena's patient id in PID-2, as in an order athena
	 * sent): a basic metabolic panel with its observations, one NTE and an embedded PDF report.
	 */
	// PID-2 athena's ID, PID-3 the lab's own MRN (as real ORUs carry), PID-5 and PID-7 the patient's;
	// with orders: 2, a second order (OBR) under the same placer number with its own test
	function oru(patientId, accession, { orders = 1 } = {}) {
		const p = sb.state.patients.get(String(patientId));
		const now = ts(parts(new Date()));
		const control = `ORU${++seq}`;
		const pdf = Buffer.from(`%PDF-1.4 sandbox report ${accession}`).toString('base64');
		return {
			control,
			text:
				[
					`MSH|^~\\&|REFLAB|REFLAB^Reference Lab|ATHENANET|195900|${now}||ORU^R01|${control}|T|2.5.1`,
					`PID|1|${patientId}^^^athena|LAB${patientId}^^^REFLAB^MR||${esc(p?.lastname)}^${esc(p?.firstname)}||${hl7Date(p?.dob)}|${p?.sex || ''}`,
					`OBR|1|${accession}P|${accession}|51990-0^Basic metabolic panel^LN|||${now}|||||||||||||||${now}||CH|F`,
					'OBX|1|NM|2345-7^Glucose^LN||98|mg/dL^mg/dL|70-99|N|||F',
					'NTE|1||Fasting specimen',
					'OBX|2|NM|2823-3^Potassium^LN||5.4|mmol/L^mmol/L|3.5-5.1|H|||F',
					'OBX|3|NM|2951-2^Sodium^LN||139|mmol/L^mmol/L|135-145|N|||F',
					`OBX|4|ED|PDF^Report^L||^application^pdf^Base64^${pdf}||||||F`,
					...(Number(orders) > 1
						? [
								`OBR|2|${accession}P|${accession}|2093-3^Cholesterol^LN|||${now}|||||||||||||||${now}||CH|F`,
								'OBX|1|NM|2093-3^Cholesterol^LN||182|mg/dL^mg/dL|<200|N|||F',
							]
						: []),
				].join('\r') + '\r',
		};
	}

	/** Sends `count` ORUs for a patient (or the same one `count` times, as a lab re-sending). */
	async function sendOru({ patientId, count = 1, resendSame = false, orders = 1 }) {
		if (!sb.settings.hl7Url) throw new Error('No --hl7-url is set: nowhere to send the ORU.');
		if (!sb.state.patients.has(String(patientId))) throw new Error(`No patient ${patientId}.`);
		const sent = [];
		let message;
		for (let n = 0; n < Math.max(1, Number(count) || 1); n++) {
			if (!message || !resendSame) message = oru(patientId, `ACC${Date.now()}${n}`, { orders });
			await deliver(message.text, 'LabResult');
			sent.push(message.control);
		}
		return { sent: sent.length, controls: sent };
	}

	return { onChange, message, deliveries, oru, sendOru };
}

module.exports = { createHl7Feed };
