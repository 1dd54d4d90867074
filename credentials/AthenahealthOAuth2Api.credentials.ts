import type { Icon, ICredentialTestRequest, ICredentialType, INodeProperties } from 'n8n-workflow';

import {
	ATHENA_SCOPE,
	DEFAULT_SCOPES,
	SCOPE_OPTIONS,
} from '../nodes/Athenahealth/shared/fhirTypes';

// athena refuses the whole token request when it asks for one scope the app does not hold
// (docs/athena-behaviour.md#scopes), so FHIR scopes are asked for only when turned on, and only those
// chosen.

const BASE_URL =
	"$self.environment === 'custom' ? String($self.customBaseUrl || '').replace(/\\/+$/, '') : $self.environment === 'production' ? " +
	"'https://api.platform.athenahealth.com' : 'https://api.preview.platform.athenahealth.com'";

export class AthenahealthOAuth2Api implements ICredentialType {
	name = 'athenahealthOAuth2Api';

	extends = ['oAuth2Api'];

	displayName = 'Athenahealth OAuth2 API';

	icon: Icon = {
		light: 'file:../icons/athenahealth.svg',
		dark: 'file:../icons/athenahealth.dark.svg',
	};

	documentationUrl = 'https://github.com/n8n-nodes-athenahealth/n8n-nodes-athenahealth#credentials';

	properties: INodeProperties[] = [
		{
			displayName: 'Environment',
			name: 'environment',
			type: 'options',
			default: 'preview',
			options: [
				{ name: 'Preview (Sandbox)', value: 'preview' },
				{ name: 'Production', value: 'production' },
				{ name: 'Custom Base URL', value: 'custom' },
			],
			description:
				'Preview and production are separate athena environments; credentials for one do not work in the other',
		},
		{
			displayName: 'Base URL',
			name: 'customBaseUrl',
			type: 'string',
			default: 'http://localhost:8899',
			placeholder: 'http://localhost:8899',
			description:
				'Origin of an athena-compatible server, e.g. the local sandbox or a proxy. Token, athenaNet and FHIR paths are appended to it.',
			displayOptions: { show: { environment: ['custom'] } },
		},
		{
			displayName: 'Client Authentication',
			name: 'clientAuthentication',
			type: 'options',
			default: 'clientSecret',
			options: [
				{ name: 'Client Secret', value: 'clientSecret' },
				{ name: 'Private Key JWT', value: 'privateKeyJwt' },
			],
			description:
				"How the app proves itself to athena's token endpoint: its secret, or a client assertion signed with its private key (for an app " +
				'registered with a JWKS, which refuses secrets)',
		},
		{
			// overrides the OAuth2 credential's field: shown only where a secret is used
			displayName: 'Client Secret',
			name: 'clientSecret',
			type: 'string',
			typeOptions: { password: true },
			default: '',
			required: true,
			displayOptions: { show: { clientAuthentication: ['clientSecret'] } },
		},
		{
			displayName: 'Private Key',
			name: 'privateKey',
			type: 'string',
			typeOptions: { password: true, rows: 4 },
			default: '',
			required: true,
			placeholder: '-----BEGIN PRIVATE KEY-----',
			description:
				"The app's private key in PEM (RSA of 2048 bits or more; EC P-384 for ES384). It signs each token request and never leaves n8n; athena " +
				'gets its public JWKS, which Practice → Get App Public Key gives.',
			displayOptions: { show: { clientAuthentication: ['privateKeyJwt'] } },
		},
		{
			displayName: 'Key ID',
			name: 'keyId',
			type: 'string',
			default: '',
			placeholder: 'n8n-athena-1',
			description:
				"The kid of the key in the JWKS registered with the athena app. Empty uses the key's RFC 7638 thumbprint.",
			displayOptions: { show: { clientAuthentication: ['privateKeyJwt'] } },
		},
		{
			displayName: 'Signing Algorithm',
			name: 'signingAlgorithm',
			type: 'options',
			default: 'RS384',
			options: [
				{ name: 'RS384 (athena Default)', value: 'RS384' },
				{ name: 'RS256', value: 'RS256' },
				{ name: 'ES384', value: 'ES384' },
			],
			displayOptions: { show: { clientAuthentication: ['privateKeyJwt'] } },
		},
		{
			displayName: 'Practice ID',
			name: 'practiceId',
			type: 'string',
			default: '',
			required: true,
			placeholder: '195900',
			description:
				'Default athena practice for every call (195900 is the shared preview sandbox practice)',
		},
		{
			displayName: 'Allowed Practice IDs',
			name: 'allowedPracticeIds',
			type: 'string',
			default: '',
			placeholder: '195900, 1128700',
			description:
				'Comma-separated practices this credential may call. Empty allows only the default practice. A call to any other practice is refused before it is sent.',
		},
		{
			displayName: 'Enable FHIR',
			name: 'enableFhir',
			type: 'boolean',
			default: false,
			description:
				'Whether to request FHIR scopes too (your athena app must hold each one chosen below)',
		},
		{
			displayName: 'FHIR Scopes',
			name: 'fhirScopes',
			type: 'multiOptions',
			default: DEFAULT_SCOPES,
			options: SCOPE_OPTIONS,
			description:
				'The FHIR scopes your athena app was granted. athena refuses the whole token if one is missing, so choose only those the app holds.',
			displayOptions: { show: { enableFhir: [true] } },
		},
		{
			displayName: 'Other Scopes',
			name: 'fhirExtraScopes',
			type: 'string',
			default: '',
			placeholder: 'system/Patient.rs system/Appointment.rs',
			description:
				'More scopes to ask for, separated by spaces or commas (e.g. SMART v2 forms such as system/Patient.rs)',
			displayOptions: { show: { enableFhir: [true] } },
		},
		{
			displayName: 'Max Requests per Second',
			name: 'requestsPerSecond',
			type: 'number',
			default: 0,
			typeOptions: { minValue: 0, numberPrecision: 2 },
			description:
				'Client-side throttle for this app (athena limits per app, across practices). 0 uses the environment default (5 in preview, 100 in production).',
		},
		{
			displayName: "Processes Sharing This App's Limit",
			name: 'processesSharingLimit',
			type: 'number',
			default: 1,
			typeOptions: { minValue: 1, numberPrecision: 0 },
			description:
				'n8n processes that call athena with this app at the same time (queue mode: the workers). Each paces at the limit divided by this number. ' +
				'Left at 1, each process finds its share from the app usage athena reports on every answer (an occasional 429 when they start together).',
		},
		{
			displayName: 'Grant Type',
			name: 'grantType',
			type: 'hidden',
			default: 'clientCredentials',
		},
		{
			displayName: 'Access Token URL',
			name: 'accessTokenUrl',
			type: 'hidden',
			default: `={{ (${BASE_URL}) + '/oauth2/v1/token' }}`,
		},
		{
			displayName: 'Scope',
			name: 'scope',
			type: 'hidden',
			// the same as credentialScopes() in shared/fhirTypes.ts, which the node's transport uses
			default:
				`={{ [].concat(['${ATHENA_SCOPE}'], $self.enableFhir ? [].concat($self.fhirScopes || [], String($self.fhirExtraScopes || '').trim() ? ` +
				`String($self.fhirExtraScopes).trim().split(/[\\s,]+/) : []) : []).join(' ') }}`,
		},
		{
			displayName: 'Auth URI Query Parameters',
			name: 'authQueryParameters',
			type: 'hidden',
			default: '',
		},
		{
			// athena wants the client id and secret in a Basic header
			// (docs/athena-behaviour.md#token-endpoint)
			displayName: 'Authentication',
			name: 'authentication',
			type: 'hidden',
			default: 'header',
		},
	];

	test: ICredentialTestRequest = {
		request: {
			baseURL: `={{ ${BASE_URL.replace(/\$self/g, '$credentials')} }}`,
			url: '=/v1/{{ $credentials.practiceId }}/ping',
			method: 'GET',
		},
		// athena's ping answers 404 for a practice that does not exist and 401 for one the app is not
		// granted; both point to the list of practices the app can reach (docs/athena-behaviour.md#practices).
		rules: [
			{
				type: 'responseCode',
				properties: {
					value: 404,
					message:
						"athena says this Practice ID does not exist. The athenahealth node's Practice → Get Many lists the practices this app can reach.",
				},
			},
			{
				type: 'responseCode',
				properties: {
					value: 401,
					message:
						'athena refused this practice for this app (Incorrect permissions: not granted, or the app lacks the athenaNet scope). The athenahealth ' +
						"node's Practice → Get Many lists the practices this app can reach.",
				},
			},
		],
	};
}
