import { NodeOperationError } from 'n8n-workflow';

import type { AthenaConnection, AthenaContext } from './connection';

// athena's URLs: built here from the credential's base URL and validated ids, and checked here,
// exactly as they will be sent, before anything goes out.

/** Where a call goes: what the guard checks. */
export interface Destination {
	url: string;
	practiceId: string;
	itemIndex?: number;
	/** false: send without the credential. Only calls to athena's own origin carry the token. */
	authenticate?: boolean;
	/** The user allowed the token to go to this URL's (non-athena) origin. */
	tokenOriginAllowed?: boolean;
}

/** A practice-scoped athenaNet URL: `path` below /v1/{practiceId}, built from validated ids, e.g. `/patients/123`. */
export function practiceUrl(conn: AthenaConnection, practiceId: string, path: string): string {
	return `${conn.baseUrl}/v1/${practiceId}${path}`;
}

/** athena's FHIR R4 base for the credential. */
export function fhirBaseUrl(conn: AthenaConnection): string {
	return `${conn.baseUrl}/fhir/r4`;
}

export function originOf(url: string): string | undefined {
	try {
		return new URL(url).origin;
	} catch {
		return undefined;
	}
}

/**
 * The path of a URL, without origin, query or fragment (what error messages and logs name). A value
 * athena takes in the path is left out: the custom field search's value (another system's patient ID,
 * docs/athena-behaviour.md#patient-custom-fields).
 */
export function pathOf(url: string): string {
	return url
		.replace(/^https?:\/\/[^/]+/, '')
		.split(/[?#]/)[0]
		.replace(/(\/patients\/customfields\/[^/]+\/)[^/]+/, '$1(value)');
}

/**
 * Every call to athena's origin passes here, on the URL exactly as it will be sent. HTTP clients
 * resolve "..", "%2e%2e", "\\" and stray whitespace themselves, after any check on the parts, so
 * the whole path is refused unless each segment is plain and it stays below /v1/{allowed practice}
 * or the FHIR base.
 */
export function guardUrl(ctx: AthenaContext, conn: AthenaConnection, opts: Destination): void {
	const { url, practiceId, itemIndex } = opts;
	const home = originOf(conn.baseUrl);
	const origin = originOf(url);
	if (origin === undefined) throw pathRefused(ctx, 'it is not a valid URL', itemIndex);
	if (origin !== home) {
		// bulk files elsewhere: their paths are not athena's; the token goes there only when allowed
		if (opts.authenticate !== false && !opts.tokenOriginAllowed)
			throw pathRefused(ctx, `it points to ${origin}, not athena's ${home}`, itemIndex);
		return;
	}
	// The HTTP client sends the WHATWG reading of the URL, which turns "\\" into "/", resolves dot
	// segments (also %2e%2e), drops tabs and userinfo and accepts "https:host": the URL up to its
	// query must already be exactly that reading, so the path checked below is the path sent.
	const parsed = new URL(url);
	const raw = parsed.pathname;
	if (`${parsed.origin}${raw}` !== url.split(/[?#]/)[0])
		throw pathRefused(
			ctx,
			'it is not a plain URL (a backslash, a dot segment, missing slashes or characters the HTTP client would rewrite)',
			itemIndex,
		);
	const segments = raw.split('/').slice(1);
	for (const segment of segments) {
		let decoded: string;
		try {
			decoded = decodeURIComponent(segment);
		} catch {
			throw pathRefused(
				ctx,
				`a segment is not valid percent-encoding ("${segment.slice(0, 30)}")`,
				itemIndex,
			);
		}
		if (
			decoded === '' ||
			decoded === '.' ||
			decoded === '..' ||
			/[/\\\s]/.test(decoded) ||
			/[\\\s]/.test(segment)
		) {
			throw pathRefused(
				ctx,
				`it contains the segment "${segment.slice(0, 30)}" (empty, "." or "..", or with a slash, backslash or whitespace)`,
				itemIndex,
			);
		}
	}
	const basePath = new URL(conn.baseUrl).pathname.replace(/\/+$/, '');
	const practiceBase = `${basePath}/v1/${practiceId}/`;
	const fhirBase = `${basePath}/fhir/r4/`;
	const underPractice = conn.allowedPracticeIds.has(practiceId) && raw.startsWith(practiceBase);
	// practice "1" is athena's "every practice this key can see": only its practice list
	// (GET /v1/1/practiceinfo) is allowed there (docs/athena-behaviour.md, Practice paths)
	const discovery = raw === `${basePath}/v1/1/practiceinfo`;
	if (!underPractice && !discovery && !raw.startsWith(fhirBase)) {
		throw pathRefused(ctx, `it is not below ${practiceBase} or ${fhirBase}`, itemIndex);
	}
}

function pathRefused(ctx: AthenaContext, why: string, itemIndex?: number): NodeOperationError {
	return new NodeOperationError(
		ctx.getNode(),
		'Refused to send a request outside the allowed practice',
		{
			itemIndex,
			description:
				`The request path was refused because ${why}. Check the fields and expressions that name IDs, feeds or types: each must be one plain value ` +
				`(such as 195900, appointments or Patient), without "/", "." or "..".`,
		},
	);
}
