import type { Icon, ICredentialType, INodeProperties } from 'n8n-workflow';

// PEM material for MLLPS. The trigger presents certificate + key and, when it checks client
// certificates, trusts the CA; MLLP Send trusts the CA for the server and presents the pair if set.
export class MllpTlsApi implements ICredentialType {
	name = 'mllpTlsApi';

	displayName = 'MLLP TLS API';

	icon: Icon = { light: 'file:../nodes/Mllp/mllp.svg', dark: 'file:../nodes/Mllp/mllp.dark.svg' };

	documentationUrl =
		'https://github.com/n8n-nodes-athenahealth/n8n-nodes-athenahealth/tree/main/mllp#readme';

	properties: INodeProperties[] = [
		{
			displayName: 'Certificate (PEM)',
			name: 'certificate',
			type: 'string',
			typeOptions: { password: true, rows: 4 },
			default: '',
			description:
				"This side's certificate chain. Required for the trigger; for MLLP Send only when the server asks for a client certificate.",
		},
		{
			displayName: 'Private Key (PEM)',
			name: 'privateKey',
			type: 'string',
			typeOptions: { password: true, rows: 4 },
			default: '',
		},
		{
			displayName: 'Passphrase',
			name: 'passphrase',
			type: 'string',
			typeOptions: { password: true },
			default: '',
			description: 'For an encrypted private key',
		},
		{
			displayName: 'CA Certificates (PEM)',
			name: 'ca',
			type: 'string',
			typeOptions: { rows: 4 },
			default: '',
			description:
				"Certificates to trust for the other side: client certificates (trigger) or the server (MLLP Send). Empty: the system's trusted CAs.",
		},
	];
}
