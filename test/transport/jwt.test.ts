// Private Key JWT: an athena app registered with a JWKS, end to end against the sandbox (which
// verifies the assertions against the JWKS it is given): token, athenaNet, FHIR and the trigger
// work; a forged, replayed or expired assertion and a secret are refused; the public JWKS comes
// from the node and the private key appears nowhere.
import { generateKeyPairSync, type KeyObject } from 'node:crypto';

import { poll, runNodes, sandboxCredentials } from '../harness/n8n';
import { control, counters, sandbox, scenario, type Sandbox } from '../harness/sandbox';

/* eslint-disable @typescript-eslint/no-require-imports */
const { clientAssertion } = require('../../dist/nodes/Athenahealth/shared/clientAssertion.js');
const { forgetTokens } = require('../../dist/nodes/Athenahealth/transport/token.js');
/* eslint-enable @typescript-eslint/no-require-imports */

const rsa = () => generateKeyPairSync('rsa', { modulusLength: 2048 });
const pem = (key: KeyObject) => key.export({ type: 'pkcs8', format: 'pem' }).toString();
const jwk = (key: KeyObject, kid: string, alg: string) => ({
	...(key.export({ format: 'jwk' }) as object),
	kid,
	alg,
	use: 'sig',
});

let sb: Sandbox;
const app = rsa();
const other = rsa();
const ec = generateKeyPairSync('ec', { namedCurve: 'P-384' });
beforeAll(async () => {
	sb = await sandbox({ booked: 200, openSlots: 100, patients: 50 });
	// one app per algorithm, each registered with its public JWKS only
	for (const [id, keys] of [
		['jwt-app', [jwk(app.publicKey, 'k1', 'RS384')]],
		['jwt-app-256', [jwk(app.publicKey, 'k1', 'RS256')]],
		['jwt-app-es', [jwk(ec.publicKey, 'e1', 'ES384')]],
	] as const)
		await control(sb, 'POST', '/_control/clients', { id, jwks: { keys } });
});
afterAll(() => sb.close());
beforeEach(async () => {
	forgetTokens();
	await control(sb, 'POST', '/_control/reset-counters');
});

const jwtCreds = (extra: object, clientId = 'jwt-app', enableFhir = false) =>
	sandboxCredentials({
		url: sb.url,
		clientId,
		clientSecret: '',
		enableFhir,
		extra: { clientAuthentication: 'privateKeyJwt', keyId: 'k1', ...extra },
	});
const patient = {
	resource: 'patient',
	operation: 'get',
	patientId: { __rl: true, mode: 'id', value: '1' },
};

test('a JWT-registered app reads athenaNet, FHIR and the changed-data feed; the private key appears nowhere', async () => {
	const creds = jwtCreds({ privateKey: pem(app.privateKey) }, 'jwt-app', true);
	const read = await runNodes(creds, [
		{ parameters: patient },
		{
			parameters: {
				resource: 'fhir',
				operation: 'read',
				resourceType: 'Patient',
				id: '1',
			},
		},
	]);
	expect(read.error).toBeUndefined();
	expect(read.output('athenahealth')[0].json.patientid).toBe('1');
	expect(read.output('athenahealth1')[0].json.resourceType).toBe('Patient');
	// the trigger on the same app: subscribes on its first poll, then delivers a change
	const state = {};
	expect(
		await poll(creds, { event: 'anyPatientChange', source: 'feed' }, { staticData: state }),
	).toEqual([]);
	const [changed] = await scenario(sb, [{ action: 'updatePatient' }]);
	const delivered = await poll(
		creds,
		{ event: 'anyPatientChange', source: 'feed' },
		{ staticData: state },
	);
	expect(delivered.map((i) => i.json.patientid)).toContain(changed.patientid);
	const c = await counters(sb);
	expect(c.assertionsAccepted).toBeGreaterThanOrEqual(1);
	expect(c.tokenRefusals).toBe(0);
	const text = JSON.stringify([read.run, c]);
	expect(text).not.toContain('PRIVATE KEY');
	expect(text).not.toContain(pem(app.privateKey).split('\n')[1]);
});

test('RS256 and ES384 keys work too', async () => {
	for (const [clientId, extra] of [
		['jwt-app-256', { privateKey: pem(app.privateKey), signingAlgorithm: 'RS256' }],
		['jwt-app-es', { privateKey: pem(ec.privateKey), signingAlgorithm: 'ES384', keyId: 'e1' }],
	] as const) {
		const r = await runNodes(jwtCreds(extra, clientId), [{ parameters: patient }]);
		expect(r.error).toBeUndefined();
	}
});

test('Get App Public Key gives the public JWKS to register, never the private key', async () => {
	const r = await runNodes(jwtCreds({ privateKey: pem(app.privateKey) }), [
		{ parameters: { resource: 'practice', operation: 'getAppPublicKey' } },
	]);
	const out = r.output('athenahealth')[0].json as any;
	expect(out.jwks.keys).toEqual([jwk(app.publicKey, 'k1', 'RS384')]);
	expect(out.jwks.keys[0]).not.toHaveProperty('d');
	expect(JSON.stringify(out)).not.toContain('PRIVATE');
	expect((await counters(sb)).requests).toBe(0);
	// a secret credential has no key to give
	const secret = await runNodes(sandboxCredentials({ url: sb.url }), [
		{ parameters: { resource: 'practice', operation: 'getAppPublicKey' } },
	]);
	expect(secret.error?.message).toBe('This credential uses a client secret, not a private key');
});

test('a forged assertion (another key under the registered kid) and a secret are refused, in words that say what to check', async () => {
	const forged = await runNodes(jwtCreds({ privateKey: pem(other.privateKey) }), [
		{ parameters: patient },
	]);
	expect(forged.error?.message).toBe("athena did not accept the app's signed client assertion");
	expect(forged.error?.description).toMatch(/JWKS of this private key .* same key ID/);
	const secret = await runNodes(
		sandboxCredentials({ url: sb.url, clientId: 'jwt-app', clientSecret: 'a-guess' }),
		[{ parameters: patient }],
	);
	expect(secret.error?.message).toBe('athena did not accept the client ID and secret');
	const c = await counters(sb);
	expect(c.tokenRefusals).toBe(2);
	expect(c.tokensIssued).toBe(0);
	expect(Object.keys(c.byPath).filter((k) => k.includes('/v1/'))).toEqual([]);
});

test('the sandbox refuses a replayed, an expired and a wrong-audience assertion', async () => {
	const tokenUrl = `${sb.url.replace('127.0.0.1', 'localhost')}/oauth2/v1/token`;
	const host = new URL(sb.url).host;
	const aud = `http://${host}/oauth2/v1/token`;
	const ask = async (assertion: string) =>
		(
			await fetch(`${sb.url}/oauth2/v1/token`, {
				method: 'POST',
				headers: { 'content-type': 'application/x-www-form-urlencoded' },
				body: new URLSearchParams({
					grant_type: 'client_credentials',
					scope: 'athena/service/Athenanet.MDP.*',
					client_assertion_type: 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer',
					client_assertion: assertion,
				}).toString(),
			})
		).status;
	const fresh = () => clientAssertion(app.privateKey, 'RS384', 'k1', 'jwt-app', aud, Date.now());
	const once = fresh();
	expect(await ask(once)).toBe(200);
	expect(await ask(once)).toBe(401); // the same jti again
	expect(
		await ask(clientAssertion(app.privateKey, 'RS384', 'k1', 'jwt-app', aud, Date.now() - 600_000)),
	).toBe(401);
	expect(
		await ask(
			clientAssertion(app.privateKey, 'RS384', 'k1', 'jwt-app', `${tokenUrl}x`, Date.now()),
		),
	).toBe(401);
	expect(await ask(fresh())).toBe(200);
});

test('a key that is not a PEM private key is refused before any request, without echoing it', async () => {
	const r = await runNodes(jwtCreds({ privateKey: 'not-a-key-but-secret-material' }), [
		{ parameters: patient },
	]);
	expect(r.error?.message).toBe('The private key in the credential cannot sign a client assertion');
	expect(JSON.stringify([r.error?.message, r.error?.description])).not.toContain('secret-material');
	expect((await counters(sb)).tokenRequests).toBe(0);
});
