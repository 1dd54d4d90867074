import { NodeOperationError, updateDisplayOptions, type IExecuteFunctions } from 'n8n-workflow';

import { privateKeyOf, publicJwks, usesPrivateKey } from '../../shared/clientAssertion';
import { show } from '../fields';

// The public JWKS an athena app registered for Private Key JWT needs: derived from the credential's
// private key, which itself never appears in output (docs/athena-behaviour.md#jwt-client-assertion).

export const option = {
	name: 'Get App Public Key',
	value: 'getAppPublicKey',
	action: 'Get the app public key set',
	description: 'The public JWKS to register with the athena app (Private Key JWT credentials)',
};

export const toolDescription =
	"Get the public key set (JWKS) of this athenahealth credential's app, to register with athena. Returns the JWKS, the key ID and the " +
	'algorithm; never the private key.';

export const writes = false;

export const description = updateDisplayOptions(show('practice', 'getAppPublicKey'), [
	{
		displayName:
			"Gives the JWKS to register with your athena app (upload it, or host it at the app's JWKS URL). Derived from the credential's private key, " +
			'without calling athena; the private key itself is never output.',
		name: 'appPublicKeyNotice',
		type: 'notice',
		default: '',
	},
]);

export async function execute(this: IExecuteFunctions, i: number) {
	const credentials = await this.getCredentials('athenahealthOAuth2Api', i);
	if (!usesPrivateKey(credentials))
		throw new NodeOperationError(
			this.getNode(),
			'This credential uses a client secret, not a private key',
			{
				itemIndex: i,
				description:
					'Set Client Authentication to Private Key JWT in the credential and paste the private key (PEM) first.',
			},
		);
	const key = privateKeyOf(credentials);
	if ('problem' in key)
		throw new NodeOperationError(
			this.getNode(),
			'The private key in the credential cannot be used',
			{
				itemIndex: i,
				description: `${key.problem[0].toUpperCase()}${key.problem.slice(1)}.`,
			},
		);
	return [
		{
			json: {
				jwks: publicJwks(key.key, key.alg, key.kid),
				keyId: key.kid,
				algorithm: key.alg,
				clientId: String(credentials.clientId ?? ''),
			},
			pairedItem: { item: i },
		},
	];
}
