import type { ICredentialDataDecryptedObject } from 'n8n-workflow';

export interface TlsMaterial {
	cert: string;
	key: string;
	passphrase?: string;
	ca?: string;
}

/** PEM text pasted into a credential field often has its line breaks escaped; n8n keeps them as typed. */
const pem = (v: unknown) =>
	typeof v === 'string' && v.trim() ? v.replace(/\\n/g, '\n').trim() : '';

export function tlsMaterial(c: ICredentialDataDecryptedObject): TlsMaterial {
	return {
		cert: pem(c.certificate),
		key: pem(c.privateKey),
		passphrase: (c.passphrase as string) || undefined,
		ca: pem(c.ca) || undefined,
	};
}
