import {
	NodeOperationError,
	type ICredentialDataDecryptedObject,
	type IExecuteFunctions,
	type IHookFunctions,
	type ILoadOptionsFunctions,
	type IPollFunctions,
	type IWebhookFunctions,
} from 'n8n-workflow';

import { credentialScopes } from '../shared/fhirTypes';
import { athenaId } from '../shared/ids';

// The credential, read once per execution context: athena's base URL, the practices it may reach,
// the rate to pace at, the scopes the token asks for and what the token request needs.

export type AthenaContext =
	| IExecuteFunctions
	| ILoadOptionsFunctions
	| IPollFunctions
	| IHookFunctions
	| IWebhookFunctions;

export const CREDENTIAL_TYPE = 'athenahealthOAuth2Api';

const ENVIRONMENT_BASE: Record<string, string> = {
	preview: 'https://api.preview.platform.athenahealth.com',
	production: 'https://api.platform.athenahealth.com',
};
const DEFAULT_RATE: Record<string, number> = { preview: 5, production: 100, custom: 5 };

export interface AthenaConnection {
	baseUrl: string;
	practiceId: string;
	allowedPracticeIds: Set<string>;
	ratePerSecond: number;
	/** Whether the credential divides athena's limit among processes itself (Processes Sharing This App's Limit > 1). */
	rateDivided: boolean;
	/** Whether the credential asks for athena's FHIR scopes. */
	fhirEnabled: boolean;
	/** The scopes the token asks for. */
	scopes: string[];
	/** Throttle key: one schedule per credential (base URL + client id), whatever the practice. */
	credentialKey: string;
	/** What the token request needs (client id, secret and key stay in memory, never in output). */
	tokenCredentials: ICredentialDataDecryptedObject;
}

const connections = new WeakMap<object, AthenaConnection>();

export async function getConnection(ctx: AthenaContext): Promise<AthenaConnection> {
	const cached = connections.get(ctx);
	if (cached) return cached;
	const c = await ctx.getCredentials(CREDENTIAL_TYPE);
	const environment = String(c.environment ?? 'preview');
	const baseUrl =
		environment === 'custom'
			? String(c.customBaseUrl ?? '')
					.trim()
					.replace(/\/+$/, '')
			: (ENVIRONMENT_BASE[environment] ?? ENVIRONMENT_BASE.preview);
	if (!/^https?:\/\/[^/\s]+(\/[^\s?#]*)?$/.test(baseUrl)) {
		throw new NodeOperationError(
			ctx.getNode(),
			"The credential's Base URL is not a valid http(s) URL",
			{
				description:
					'Open the athenahealth credential and set Base URL to an origin such as http://localhost:8899.',
			},
		);
	}
	const practiceId = athenaId(ctx.getNode(), c.practiceId, "The credential's Practice ID");
	const allowed = new Set(
		String(c.allowedPracticeIds ?? '')
			.split(/[\s,;]+/)
			.filter(Boolean),
	);
	allowed.add(practiceId);
	const scopes = credentialScopes(c);
	const rate =
		Number(c.requestsPerSecond) > 0
			? Number(c.requestsPerSecond)
			: (DEFAULT_RATE[environment] ?? 5);
	// processes that share the app's limit (queue-mode workers) each take an exact share of it
	const processes = Math.max(1, Math.floor(Number(c.processesSharingLimit) || 1));
	const connection: AthenaConnection = {
		baseUrl,
		practiceId,
		allowedPracticeIds: allowed,
		ratePerSecond: rate / processes,
		rateDivided: processes > 1,
		fhirEnabled: c.enableFhir === true,
		scopes,
		credentialKey: `${baseUrl}|${String(c.clientId ?? '')}`,
		tokenCredentials: {
			accessTokenUrl: `${baseUrl}/oauth2/v1/token`,
			clientId: c.clientId,
			clientSecret: c.clientSecret,
			scope: scopes.join(' '),
			// Private Key JWT (docs/athena-behaviour.md#jwt-client-assertion)
			clientAuthentication: c.clientAuthentication,
			privateKey: c.privateKey,
			keyId: c.keyId,
			signingAlgorithm: c.signingAlgorithm,
		},
	};
	connections.set(ctx, connection);
	return connection;
}

/** The practice a call goes to: digits only, and one the credential allows. */
export function resolvePractice(
	ctx: AthenaContext,
	conn: AthenaConnection,
	requested: unknown,
	itemIndex?: number,
): string {
	if (requested === undefined || requested === null || requested === '') return conn.practiceId;
	const id = athenaId(ctx.getNode(), requested, 'Practice ID', itemIndex);
	if (!conn.allowedPracticeIds.has(id)) {
		throw new NodeOperationError(
			ctx.getNode(),
			`Practice ${id} is not allowed by this credential`,
			{
				itemIndex,
				description: `Add ${id} to "Allowed Practice IDs" in the athenahealth credential, or use practice ${conn.practiceId}.`,
			},
		);
	}
	return id;
}
