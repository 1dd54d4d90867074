import {
	createHash,
	createPrivateKey,
	createPublicKey,
	randomUUID,
	sign,
	type KeyObject,
} from 'crypto';

import type { ICredentialDataDecryptedObject, IDataObject } from 'n8n-workflow';

// athena's second way for a 2-legged app to get a token: a JWT client assertion signed with the
// app's private key, whose public half athena holds as a JWKS registered with the app (RFC 7523,
// https://www.rfc-editor.org/rfc/rfc7523; docs/athena-behaviour.md#jwt-client-assertion). The key
// stays in the credential: only the signed assertion and the public JWKS ever leave it.

export const JWT_BEARER = 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer';
export const ALGORITHMS = ['RS384', 'RS256', 'ES384'] as const;
export type Algorithm = (typeof ALGORITHMS)[number];

/** Whether the credential signs a client assertion instead of sending a secret. */
export const usesPrivateKey = (c: ICredentialDataDecryptedObject) =>
	c.clientAuthentication === 'privateKeyJwt';

/** A PEM as pasted: with "\\n" escapes, or with its line breaks turned into spaces, made whole again. */
function pemOf(text: string): string {
	const pem = text.replace(/\\n/g, '\n').trim();
	const m = /^(-----BEGIN [A-Z ]+-----)\s*([A-Za-z0-9+/=\s]+?)\s*(-----END [A-Z ]+-----)$/.exec(
		pem,
	);
	if (!m) return pem;
	const body = m[2].replace(/\s+/g, '');
	return `${m[1]}\n${body.replace(/(.{64})/g, '$1\n').replace(/\n$/, '')}\n${m[3]}\n`;
}

/** Why the key cannot be used (never the key itself), or the key. */
export function privateKeyOf(
	c: ICredentialDataDecryptedObject,
): { key: KeyObject; alg: Algorithm; kid: string } | { problem: string } {
	const alg = String(c.signingAlgorithm || 'RS384') as Algorithm;
	if (!ALGORITHMS.includes(alg))
		return { problem: `Signing Algorithm must be one of ${ALGORITHMS.join(', ')}` };
	const pem = pemOf(String(c.privateKey ?? ''));
	if (!pem)
		return {
			problem: 'the credential has no Private Key (a PEM "-----BEGIN PRIVATE KEY-----" block)',
		};
	let key: KeyObject;
	try {
		key = createPrivateKey(pem);
	} catch {
		return {
			problem:
				'the Private Key in the credential is not a PEM private key (expected ' +
				'"-----BEGIN PRIVATE KEY-----" or "-----BEGIN RSA PRIVATE KEY-----", without a passphrase)',
		};
	}
	const type = key.asymmetricKeyType;
	if (alg.startsWith('RS') && type !== 'rsa')
		return {
			problem:
				`${alg} needs an RSA key and the Private Key is ${String(type).toUpperCase()}: ` +
				'set Signing Algorithm to ES384 for a P-384 EC key, or use an RSA key',
		};
	if (alg === 'ES384' && (type !== 'ec' || key.asymmetricKeyDetails?.namedCurve !== 'secp384r1'))
		return {
			problem:
				'ES384 needs an EC key on the P-384 curve: set Signing Algorithm to RS384 for an RSA key, or use a P-384 key',
		};
	if (type === 'rsa' && (key.asymmetricKeyDetails?.modulusLength ?? 0) < 2048)
		return { problem: 'the RSA key is shorter than 2048 bits' };
	const kid = String(c.keyId ?? '').trim() || thumbprint(key);
	return { key, alg, kid };
}

/** base64url (RFC 4648 §5) of bytes, or of a string's UTF-8. */
function b64url(data: Uint8Array | string): string {
	const bytes = typeof data === 'string' ? new TextEncoder().encode(data) : data;
	let binary = '';
	for (const b of bytes) binary += String.fromCharCode(b);
	return btoa(binary).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

/** A key id derived from the public key (RFC 7638 thumbprint) when the credential names none. */
function thumbprint(key: KeyObject): string {
	const jwk = createPublicKey(key).export({ format: 'jwk' }) as IDataObject;
	const members =
		jwk.kty === 'EC'
			? { crv: jwk.crv, kty: jwk.kty, x: jwk.x, y: jwk.y }
			: { e: jwk.e, kty: jwk.kty, n: jwk.n };
	return b64url(createHash('sha256').update(JSON.stringify(members)).digest());
}

/** A fresh signed assertion for the token endpoint: iss = sub = client id, aud = the token URL. */
export function clientAssertion(
	key: KeyObject,
	alg: Algorithm,
	kid: string,
	clientId: string,
	tokenUrl: string,
	nowMs: number,
): string {
	const iat = Math.floor(nowMs / 1000);
	const header = b64url(JSON.stringify({ alg, typ: 'JWT', kid }));
	const payload = b64url(
		JSON.stringify({
			iss: clientId,
			sub: clientId,
			aud: tokenUrl,
			jti: randomUUID(),
			iat,
			exp: iat + 300,
		}),
	);
	const input = `${header}.${payload}`;
	const signature = sign(alg === 'RS256' ? 'sha256' : 'sha384', new TextEncoder().encode(input), {
		key,
		...(alg === 'ES384' ? { dsaEncoding: 'ieee-p1363' as const } : {}),
	});
	return `${input}.${b64url(signature)}`;
}

/** The public JWKS to register with the athena app: the public half of the key, never the key. */
export function publicJwks(key: KeyObject, alg: Algorithm, kid: string): IDataObject {
	const jwk = createPublicKey(key).export({ format: 'jwk' }) as IDataObject;
	return { keys: [{ ...jwk, kid, alg, use: 'sig' }] };
}

/** What identifies the key in the token holder's map: a hash, so the key is not kept twice. */
export const keyFingerprint = (c: ICredentialDataDecryptedObject) =>
	createHash('sha256')
		.update(
			`${String(c.privateKey ?? '')}\n${String(c.keyId ?? '')}\n${String(c.signingAlgorithm ?? '')}`,
		)
		.digest('hex');
