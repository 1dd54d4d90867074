// The sandbox's athena HL7 feed over MLLPS into the trigger's listener: a booked appointment
// arrives as an SIU^S12 and the feed records the AA it got back.
import { startMllpServer } from '../../mllp/nodes/Mllp/server';
import { control, sandbox, scenario } from '../harness/sandbox';

// eslint-disable-next-line @typescript-eslint/no-require-imports
const { testCertificate } = require('../../sandbox/testCert');

test('the HL7 feed sends over MLLPS and records the ACK', async () => {
	const cert = testCertificate('localhost');
	const types: string[] = [];
	const listener = await startMllpServer({
		host: '127.0.0.1',
		port: 0,
		tls: cert,
		maxBytes: 1e6,
		encoding: 'utf8',
		warn: () => {},
		onMessage: async (m) => (types.push(`${m.get('MSH.9.1')}^${m.get('MSH.9.2')}`), { code: 'AA' }),
	});
	const sb = await sandbox({
		hl7Url: `mllps://127.0.0.1:${listener.port}`,
		hl7Tls: { ca: cert.cert, servername: 'localhost' },
	});
	try {
		await scenario(sb, { action: 'book' });
		let deliveries: any[] = [];
		while (!deliveries.some((d) => d.status !== 'sending')) {
			await new Promise((r) => setTimeout(r, 50));
			deliveries = await control(sb, 'GET', '/_control/hl7/deliveries');
		}
		expect(deliveries[0]).toMatchObject({ type: 'SIU^S12', ackCode: 'AA', status: 'acknowledged' });
		expect(types).toEqual(['SIU^S12']);
	} finally {
		await sb.close();
		await listener.close(0);
	}
});
