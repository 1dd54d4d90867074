'use strict';
// The sandbox's switches, one entry each: startSandbox's defaults, the command line (sandbox/cli.js),
// its --help and the table in docs/sandbox.md (scripts/docs-sandbox.js) all come from this list.
//
// An entry: name (startSandbox option), flag (CLI switch, null when there is none), kind, group, type,
// values (enum), default (a value, or a function of the options for environment-dependent ones),
// defaultText (how docs and --help show a default that is a function or needs a word), cliDefault
// (the CLI's own default when it differs), description (one line), and for a behaviour of athena that
// is not verified: inferred (what is unknown) and readings (each value the switch offers → what it models).
// Rarely: hint (placeholder for a text value), usage (how --help shows the switch) and resolve (the
// value computed from all the options, where a given value is not taken as is).
//
// kind: 'setting' is live in sb.settings and changeable through POST /_control/settings;
// 'start' is read once by startSandbox (server and seed data); 'cli' exists on the command line only.

const DEFAULT_CLIENT = { id: 'sandbox-client', secret: 'sandbox-secret', number: '2530' };

const production = (options) => options.environment === 'production';
/** A default that depends on --environment. */
const byEnvironment = (preview, prod) => (options) => (production(options) ? prod : preview);
const DAY_MS = 24 * 3600 * 1000;

const GROUPS = {
	server: 'Server',
	seed: 'Seed data',
	gateway: 'Gateway: OAuth, throttling, daily quota',
	athenanet: 'athenaNet REST',
	feeds: 'Changed-data feeds',
	hl7: 'HL7 feed',
	push: 'Event Subscription Platform (push)',
	fhir: 'FHIR R4',
	bulk: 'FHIR Bulk Data export',
	record: 'Patient record: insurance, eligibility, documents, practice info',
};

const SWITCHES = [
	// ---- server
	{
		name: 'port',
		flag: '--port',
		kind: 'start',
		group: 'server',
		type: 'number',
		default: 0,
		cliDefault: 8899,
		defaultText: '8899 (startSandbox: 0, a free port)',
		description: 'TCP port to listen on',
	},
	{
		name: 'host',
		flag: '--host',
		kind: 'start',
		group: 'server',
		type: 'string',
		default: '127.0.0.1',
		description: 'address to listen on, also the host of the sandbox URL',
	},
	{
		name: 'help',
		flag: '--help',
		usage: '--help',
		kind: 'cli',
		group: 'server',
		type: 'boolean',
		default: false,
		description: 'print the switches and exit',
	},
	{
		name: 'clients',
		flag: null,
		kind: 'start',
		group: 'server',
		type: 'object',
		default: () => [DEFAULT_CLIENT],
		defaultText: 'one client: sandbox-client / sandbox-secret',
		description:
			'API clients: [{ id, secret, scopes?, number?, jwks? }]; scopes null allows every scope; a client with a JWKS takes only JWT client assertions signed by its keys (also POST /_control/clients)',
	},
	// ---- seed data
	{
		name: 'seed',
		flag: '--seed',
		kind: 'start',
		group: 'seed',
		type: 'number',
		default: 42,
		description: 'random seed of the generated data: the same seed and switches give the same data',
	},
	{
		name: 'patients',
		flag: '--patients',
		kind: 'start',
		group: 'seed',
		type: 'number',
		default: 200,
		description: 'patients to generate (at least the 13 fixed ones plus --department-one-patients)',
	},
	{
		name: 'departmentOnePatients',
		flag: '--department-one-patients',
		kind: 'start',
		group: 'seed',
		type: 'number',
		default: 0,
		description:
			'generated patients placed in department 1 (over 1,000 makes its patient search "too broad")',
	},
	{
		name: 'booked',
		flag: '--booked',
		kind: 'start',
		group: 'seed',
		type: 'number',
		default: 300,
		description: 'booked appointments in the window',
	},
	{
		name: 'openSlots',
		flag: '--open-slots',
		kind: 'start',
		group: 'seed',
		type: 'number',
		default: 300,
		description: 'open appointment slots in the window',
	},
	{
		name: 'days',
		flag: '--days',
		kind: 'start',
		group: 'seed',
		type: 'number',
		default: 21,
		description: 'length of the appointment window in days',
	},
	{
		name: 'daysBack',
		flag: '--days-back',
		kind: 'start',
		group: 'seed',
		type: 'number',
		default: 3,
		description: 'days of the window before today',
	},
	{
		name: 'today',
		flag: '--today',
		kind: 'start',
		group: 'seed',
		type: 'string',
		hint: 'mm/dd/yyyy',
		default: undefined,
		defaultText: 'the current date',
		description: 'the day the appointment window is built around',
	},
	// ---- gateway
	{
		name: 'environment',
		flag: '--environment',
		kind: 'setting',
		group: 'gateway',
		type: 'enum',
		values: ['preview', 'production'],
		default: 'preview',
		resolve: (o) => (production(o) ? 'production' : 'preview'),
		description:
			'athena environment modelled; at start it picks the defaults of qps, dailyQuota and tokenRateLimit',
	},
	{
		name: 'qps',
		flag: '--qps',
		kind: 'setting',
		group: 'gateway',
		type: 'number',
		default: byEnvironment(5, 100),
		defaultText: '5 (production: 100)',
		description:
			'API requests per second per client (token bucket, one second of burst); 0: no limit',
		inferred:
			'athena publishes no per-second limit; 5 and 100 are what public clients pace themselves to',
	},
	{
		name: 'retryAfter',
		flag: '--retry-after',
		kind: 'setting',
		group: 'gateway',
		type: 'enum',
		values: ['seconds', 'http-date', 'none'],
		default: 'seconds',
		description: 'Retry-After on a per-second throttling answer',
		inferred: 'Retry-After is not confirmed on the current gateway',
		readings: { seconds: 'delay in seconds', 'http-date': 'an HTTP date', none: 'no Retry-After' },
	},
	{
		name: 'legacyThrottle',
		flag: '--legacy-throttle',
		kind: 'setting',
		group: 'gateway',
		type: 'boolean',
		default: false,
		description: 'throttling and an exhausted quota answered as the old Mashery gateway did',
		inferred: "the current gateway's throttling answer was not captured",
		readings: {
			false: '429 (the status documented for the token limit)',
			true: '403 text/xml "Developer Over Qps" / "Developer Over Rate" with X-Mashery-Error-Code',
		},
	},
	{
		name: 'gatewayErrors',
		flag: '--gateway-errors',
		kind: 'setting',
		group: 'gateway',
		type: 'boolean',
		default: false,
		description: 'gateway-style bodies (not JSON) for the bad-token 401 and the 429s',
		inferred:
			'gateway errors are documented to carry no JSON; their exact bodies were not captured',
		readings: {
			false: 'JSON: an Apigee fault for a bad token, {"error": …} for 429',
			true: 'text: "Developer Inactive" (401), "Too Many Requests" / "Quota exceeded" (429)',
		},
	},
	{
		name: 'dailyQuota',
		flag: '--daily-quota',
		kind: 'setting',
		group: 'gateway',
		type: 'number',
		default: byEnvironment(50000, 1000000),
		defaultText: '50000 (production: 1000000)',
		description:
			'API calls per day before every call gets 429 (X-RateLimit-Limit; resets at midnight GMT)',
		inferred:
			"preview's 50,000 is seen in responses; production's quota is set per app and not published",
	},
	{
		name: 'quotaCounter',
		flag: '--quota-counter',
		kind: 'setting',
		group: 'gateway',
		type: 'enum',
		values: ['exact', 'late', 'none'],
		default: 'exact',
		description: 'how X-RateLimit-Remaining counts the daily quota down',
		inferred: 'the header is on every response; how it counts is not verified',
		readings: {
			exact: 'every call at once',
			late: 'once a second, as a distributed counter syncs',
			none: 'no X-RateLimit headers at all',
		},
	},
	{
		name: 'tokenLifetimeSeconds',
		flag: '--token-lifetime-seconds',
		kind: 'setting',
		group: 'gateway',
		type: 'number',
		default: 3600,
		description: 'access-token lifetime (expires_in)',
	},
	{
		name: 'tokenRateLimit',
		flag: '--token-rate-limit',
		kind: 'setting',
		group: 'gateway',
		type: 'number',
		default: byEnvironment(5, 50),
		defaultText: '5 (production: 50)',
		description: 'token requests per client per minute, then 429 until the minute ends',
	},
	{
		name: 'tokenRetryAfter',
		flag: '--token-retry-after',
		kind: 'setting',
		group: 'gateway',
		type: 'enum',
		values: ['seconds', 'none'],
		default: 'seconds',
		description: "headers of the token endpoint's 429",
		inferred: 'only the 429 status of the token limit is documented',
		readings: {
			seconds: 'Retry-After (seconds to the next minute) plus the X-RateLimit headers',
			none: 'only the X-RateLimit headers',
		},
	},
	{
		name: 'tokenInvalidClientBody',
		flag: '--token-invalid-client-body',
		kind: 'setting',
		group: 'gateway',
		type: 'enum',
		values: ['okta', 'empty'],
		default: 'okta',
		description: "body of the token endpoint's 401 for a bad client id or secret",
		inferred: 'the bad-client 401 body was not seen',
		readings: { okta: 'Okta\'s default {"error":"invalid_client",…}', empty: 'a bare 401' },
	},
	// ---- athenaNet REST
	{
		name: 'idsAsNumbers',
		flag: '--ids-as-numbers',
		kind: 'setting',
		group: 'athenanet',
		type: 'boolean',
		default: false,
		description: 'ids as JSON numbers instead of strings (athena sends both, by endpoint and era)',
	},
	{
		name: 'escapeSlashes',
		flag: '--escape-slashes',
		kind: 'setting',
		group: 'athenanet',
		type: 'boolean',
		default: true,
		description: 'escape "/" as "\\/" in JSON, as athena\'s encoder does',
	},
	{
		name: 'pageCap',
		flag: '--page-cap',
		kind: 'setting',
		group: 'athenanet',
		type: 'number',
		default: 0,
		description:
			"lowers every list endpoint's maximum limit to this; 0: athena's own per-endpoint maximums",
	},
	{
		name: 'patientNameMatch',
		flag: '--patient-name-match',
		kind: 'setting',
		group: 'athenanet',
		type: 'enum',
		values: ['prefix', 'exact'],
		default: 'prefix',
		description: 'how GET /patients matches firstname and lastname',
		inferred: 'athena does not document how names are matched',
		readings: { prefix: 'the beginning of the name, case-insensitively', exact: 'the whole name' },
	},
	{
		name: 'customFieldSearchMatch',
		flag: '--custom-field-search-match',
		kind: 'setting',
		group: 'athenanet',
		type: 'enum',
		values: ['by-field', 'exact'],
		default: 'by-field',
		description: 'how GET /patients/customfields/{id}/{value} matches a text value',
		inferred: "athena does not document whether the search follows the field's casesensitive flag",
		readings: {
			'by-field': 'case-insensitively unless the field is marked casesensitive',
			exact: 'the exact value, whatever the field says',
		},
	},
	// ---- changed-data feeds
	{
		name: 'activationDelayMs',
		flag: '--activation-delay-ms',
		kind: 'setting',
		group: 'feeds',
		type: 'number',
		default: 0,
		description: 'a new subscription reports INACTIVE (activating) for this long',
	},
	{
		name: 'feedRetentionMs',
		flag: '--feed-retention-ms',
		kind: 'setting',
		group: 'feeds',
		type: 'number',
		default: 3 * DAY_MS,
		defaultText: '259200000 (3 days)',
		description:
			'feed messages are dropped this long after they were read (unread ones: after they arrived)',
		inferred:
			'athena says messages are eventually deleted; the retention is not published (days, not months)',
	},
	{
		name: 'feedMaxQueue',
		flag: '--feed-max-queue',
		kind: 'setting',
		group: 'feeds',
		type: 'number',
		default: 50000,
		description: 'messages kept per client, practice and feed; the oldest go first',
	},
	{
		name: 'feedReplay',
		flag: '--feed-replay',
		kind: 'setting',
		group: 'feeds',
		type: 'enum',
		values: ['with-next', 'processed-only'],
		default: 'with-next',
		description: 'what a replay (showprocessedstartdatetime) returns',
		inferred: 'a replay\'s answer is not documented beyond "changes previously retrieved"',
		readings: {
			'with-next': 'the window plus the next unprocessed page, consumed',
			'processed-only': 'only the window; nothing is consumed',
		},
	},
	{
		name: 'feedPaging',
		flag: '--feed-paging',
		kind: 'setting',
		group: 'feeds',
		type: 'enum',
		values: ['page', 'snapshot'],
		default: 'page',
		description: 'what a consuming read of GET …/changed marks processed',
		inferred: 'how a consuming read pages is not documented',
		readings: {
			page: 'only the page it returns',
			snapshot: 'every match at once; later offsets page through that snapshot with `next` links',
		},
	},
	// ---- Event Subscription Platform (push)
	{
		name: 'pushBatch',
		flag: '--push-batch',
		kind: 'setting',
		group: 'push',
		type: 'enum',
		values: ['several', 'one'],
		default: 'several',
		description: 'how many events a notification carries',
		inferred: 'athena says a notification can carry several events, not when it does',
		readings: {
			several: 'the events of one change burst, up to --push-batch-max per Bundle',
			one: 'one event per notification',
		},
	},
	{
		name: 'pushBatchMax',
		flag: '--push-batch-max',
		kind: 'setting',
		group: 'push',
		type: 'number',
		default: 5,
		description: 'most events in one notification (--push-batch several)',
	},
	{
		name: 'pushBatchWindowMs',
		flag: '--push-batch-window-ms',
		kind: 'setting',
		group: 'push',
		type: 'number',
		default: 50,
		description: 'changes within this long of each other are notified together',
	},
	{
		name: 'pushCounters',
		flag: '--push-counters',
		kind: 'setting',
		group: 'push',
		type: 'enum',
		values: ['relative', 'cumulative'],
		default: 'relative',
		description: 'eventsSinceSubscriptionStart and eventNumber',
		inferred:
			"athena documents them as relative to the Bundle; the backport guide's reading is cumulative",
		readings: {
			relative: 'counted within the Bundle (1..n)',
			cumulative: 'counted since the Subscription started',
		},
	},
	{
		name: 'pushFocus',
		flag: '--push-focus',
		kind: 'setting',
		group: 'push',
		type: 'enum',
		values: ['both', 'reference', 'identifier'],
		default: 'both',
		description:
			'how an event names a resource that has a FHIR form (athenaNet-only ones: identifier)',
		inferred: 'athena sends a FHIR reference "and/or" an athenaNet identifier',
		readings: {
			both: 'reference and identifier',
			reference: 'the FHIR reference only',
			identifier: 'the athenaNet identifier only',
		},
	},
	{
		name: 'pushTimeoutMs',
		flag: '--push-timeout-ms',
		kind: 'setting',
		group: 'push',
		type: 'number',
		default: 2000,
		description: "athena's answer limit: a slower answer counts as failed and is retried",
	},
	{
		name: 'pushRetryScheduleMs',
		flag: '--push-retry-schedule-ms',
		kind: 'setting',
		group: 'push',
		type: 'string',
		default: '200,500,1000,2000,5000',
		description:
			"waits between attempts (the last repeats): a compressed form of athena's hour of retries",
	},
	{
		name: 'pushRetryForMs',
		flag: '--push-retry-for-ms',
		kind: 'setting',
		group: 'push',
		type: 'number',
		default: 60000,
		description: 'how long a notification is retried before it goes to the dead letters',
	},
	{
		name: 'pushConcurrency',
		flag: '--push-concurrency',
		kind: 'setting',
		group: 'push',
		type: 'number',
		default: 4,
		description: 'notifications in flight at once',
	},
	// ---- HL7 feed
	{
		name: 'hl7Url',
		flag: '--hl7-url',
		kind: 'setting',
		group: 'hl7',
		type: 'string',
		hint: 'url',
		default: '',
		defaultText: '(empty: off)',
		description:
			'where ADT/SIU messages (and ORUs asked for with POST /_control/hl7/oru) go: http(s):// (POST), mllp://host:port or mllps://host:port',
	},
	{
		name: 'hl7Tls',
		flag: null,
		kind: 'setting',
		group: 'hl7',
		type: 'object',
		default: () => ({}),
		defaultText: '{}',
		description:
			'node TLS options for mllps:// (e.g. { ca }); the CLI sets them from --hl7-ca and --hl7-insecure',
	},
	{
		name: 'hl7Ca',
		flag: '--hl7-ca',
		kind: 'cli',
		group: 'hl7',
		type: 'string',
		hint: 'PEM file',
		default: '',
		defaultText: '(none)',
		description: "mllps://: trust this CA file for the receiver's certificate",
	},
	{
		name: 'hl7Insecure',
		flag: '--hl7-insecure',
		kind: 'cli',
		group: 'hl7',
		type: 'boolean',
		default: false,
		description: "mllps://: do not check the receiver's certificate",
	},
	// ---- FHIR R4
	{
		name: 'fhirDefaultCount',
		flag: '--fhir-default-count',
		kind: 'setting',
		group: 'fhir',
		type: 'number',
		default: 10,
		description: 'page size of a FHIR search without _count',
		inferred: 'athena publishes no default page size',
	},
	{
		name: 'fhirMaxCount',
		flag: '--fhir-max-count',
		kind: 'setting',
		group: 'fhir',
		type: 'number',
		default: 1000,
		description: 'largest _count honoured',
		inferred: 'athena publishes no maximum; 1000 is known to be accepted',
	},
	{
		name: 'fhirOutcomeIn200',
		flag: '--fhir-outcome-in200',
		kind: 'setting',
		group: 'fhir',
		type: 'boolean',
		default: false,
		description:
			'parameter errors as an OperationOutcome entry in a 200 Bundle (missing scopes always are)',
		inferred: 'only missing scopes are seen to come back in a 200',
		readings: {
			false: '400 with the error body',
			true: '200 searchset with an OperationOutcome entry',
		},
	},
	{
		name: 'fhirNextLink',
		flag: '--fhir-next-link',
		kind: 'setting',
		group: 'fhir',
		type: 'enum',
		values: ['full', 'cursor-only', 'relative'],
		default: 'full',
		description: "how a searchset's link[next] carries athena's cursor",
		inferred:
			'no next link of athena was captured; its CapabilityStatement defines a cursor parameter',
		readings: {
			full: 'an absolute URL with the original parameters and cursor',
			'cursor-only':
				'an absolute URL with the cursor alone (the client sends the original parameters again)',
			relative: 'a URL relative to the FHIR base, with the original parameters and cursor',
		},
	},
	{
		name: 'fhirDepartmentCap',
		flag: '--fhir-department-cap',
		kind: 'setting',
		group: 'fhir',
		type: 'enum',
		values: ['none', 'error', 'truncate'],
		default: 'none',
		description: 'Patient?ah-department= over 1,000 patients',
		inferred:
			"whether athena's FHIR caps a department's patients as athenaNet does is not documented",
		readings: {
			none: 'every patient, page by page',
			error: '400 too-costly OperationOutcome',
			truncate: 'the first 1,000, with total giving the true count',
		},
	},
	// ---- Bulk Data
	{
		name: 'bulkDurationMs',
		flag: '--bulk-duration-ms',
		kind: 'setting',
		group: 'bulk',
		type: 'number',
		default: 3000,
		description: 'how long an export stays in progress',
	},
	{
		name: 'bulkRetryAfter',
		flag: '--bulk-retry-after',
		kind: 'setting',
		group: 'bulk',
		type: 'enum',
		values: ['seconds', 'http-date', 'none'],
		default: 'seconds',
		description: "Retry-After on the status endpoint's 202 and 429 answers",
		inferred: "athena's status answers were not captured; the Bulk Data IG allows either form",
		readings: { seconds: 'delay in seconds', 'http-date': 'an HTTP date', none: 'no Retry-After' },
	},
	{
		name: 'bulkRetryAfterMs',
		flag: '--bulk-retry-after-ms',
		kind: 'setting',
		group: 'bulk',
		type: 'number',
		default: 1000,
		description: 'the delay Retry-After announces while an export runs',
	},
	{
		name: 'bulk429Polls',
		flag: '--bulk429-polls',
		kind: 'setting',
		group: 'bulk',
		type: 'number',
		default: 0,
		description: 'the first N status polls of each export get 429',
	},
	{
		name: 'bulkResourcesPerType',
		flag: '--bulk-resources-per-type',
		kind: 'setting',
		group: 'bulk',
		type: 'number',
		default: 0,
		description: "resources per type in an export; 0: the seed's own, more: synthetic copies",
	},
	{
		name: 'bulkResourcesPerFile',
		flag: '--bulk-resources-per-file',
		kind: 'setting',
		group: 'bulk',
		type: 'number',
		default: 0,
		description: 'resources per NDJSON file; 0: one file per type',
	},
	{
		name: 'bulkFileOrigin',
		flag: '--bulk-file-origin',
		kind: 'setting',
		group: 'bulk',
		type: 'enum',
		values: ['same', 'second', 'redirect'],
		default: 'same',
		description: 'where export files are served',
		inferred: 'where athena serves export files was not captured',
		readings: {
			same: 'this server, with the access token',
			second: 'a second origin that needs no token (requiresAccessToken false)',
			redirect: 'this server answers 307 to the second origin',
		},
	},
	{
		name: 'bulkSplitUtf8',
		flag: '--bulk-split-utf8',
		kind: 'setting',
		group: 'bulk',
		type: 'boolean',
		default: false,
		description: 'send file bytes so that a multi-byte character is split across packets',
	},
	{
		name: 'bulkBreakAfterBytes',
		flag: '--bulk-break-after-bytes',
		kind: 'setting',
		group: 'bulk',
		type: 'number',
		default: 0,
		description:
			'drop the connection after this many bytes of a file (for --bulk-break-count downloads)',
	},
	{
		name: 'bulkBreakCount',
		flag: '--bulk-break-count',
		kind: 'setting',
		group: 'bulk',
		type: 'number',
		default: 0,
		description: 'how many of the next file downloads are dropped that way',
	},
	{
		name: 'bulkTypeFilter',
		flag: '--bulk-type-filter',
		kind: 'setting',
		group: 'bulk',
		type: 'boolean',
		default: false,
		description: 'accept _typeFilter on kick-off',
		inferred: "athena's support of _typeFilter is not known",
		readings: { false: '400 not-supported OperationOutcome', true: 'accepted (not applied)' },
	},
	{
		name: 'bulkErrorFile',
		flag: '--bulk-error-file',
		kind: 'setting',
		group: 'bulk',
		type: 'boolean',
		default: false,
		description: 'add an OperationOutcome error file to the manifest',
	},
	{
		name: 'bulkOnePerClient',
		flag: '--bulk-one-per-client',
		kind: 'setting',
		group: 'bulk',
		type: 'boolean',
		default: true,
		description: 'one running export per client',
		inferred: 'a limit on running exports is not documented',
		readings: {
			true: 'a second kick-off while one runs gets 429',
			false: 'a second export may start',
		},
	},
	{
		name: 'bulkFail',
		flag: '--bulk-fail',
		kind: 'setting',
		group: 'bulk',
		type: 'boolean',
		default: false,
		description:
			'the next export fails: its status answers 500 with an OperationOutcome (then this turns off)',
	},
	{
		name: 'bulkChunkBytes',
		flag: '--bulk-chunk-bytes',
		kind: 'setting',
		group: 'bulk',
		type: 'number',
		default: 65536,
		description: 'bytes per write while streaming a file',
	},
	{
		name: 'bulkFileExpiryMs',
		flag: '--bulk-file-expiry-ms',
		kind: 'setting',
		group: 'bulk',
		type: 'number',
		default: 3600000,
		description: 'a finished export and its files are forgotten after this long',
	},
	{
		name: 'bulkFilesGone',
		flag: '--bulk-files-gone',
		kind: 'setting',
		group: 'bulk',
		type: 'number',
		default: 0,
		description:
			'the next N exports expire between their manifest and the download: files and status answer --bulk-gone-status',
	},
	{
		name: 'bulkGoneStatus',
		flag: '--bulk-gone-status',
		kind: 'setting',
		group: 'bulk',
		type: 'enum',
		values: ['404', '410'],
		default: '404',
		description: 'what an expired export file (and an expired status URL) answers',
		inferred:
			"athena's answer for an expired export file was not captured; servers answer 404 or 410",
		readings: { 404: '404 Not Found', 410: '410 Gone' },
	},
	{
		name: 'bulkManifestExtension',
		flag: '--bulk-manifest-extension',
		kind: 'setting',
		group: 'bulk',
		type: 'enum',
		values: ['none', 'object', 'array'],
		default: 'none',
		description: "the manifest's extension, and a field this client does not know",
		inferred:
			"athena's manifest was not captured; Bulk Data 2.0 has extension as an object, the STU4 ballot an array",
		readings: {
			none: 'no extension',
			object: 'extension as a JSON object, plus an unknown top-level field',
			array: 'extension as an array of FHIR extensions, plus an unknown top-level field',
		},
	},
	// ---- patient record
	{
		name: 'successAsString',
		flag: '--success-as-string',
		kind: 'setting',
		group: 'record',
		type: 'boolean',
		default: false,
		description: '"success" as a string in write answers',
		inferred: 'recorded responses disagree by era',
		readings: {
			false: '{"success":true}',
			true: '{"success":"true"} (responses recorded in 2016)',
		},
	},
	{
		name: 'chartWriteIds',
		flag: '--chart-write-ids',
		kind: 'setting',
		group: 'record',
		type: 'boolean',
		default: true,
		description:
			'whether chart and lab result writes answer with the new id (problemid, medicationentryid, labresultid, …)',
		inferred: 'recorded answers of 2016 carry only success; newer clients expect the id',
		readings: {
			true: '{"success":true,"problemid":"…"} (and medicationentryid, labresultid, diagnosisid, allergyid)',
			false: '{"success":true} only',
		},
	},
	{
		name: 'vitalsSourceCheck',
		flag: '--vitals-source-check',
		kind: 'setting',
		group: 'record',
		type: 'boolean',
		default: true,
		description: 'whether POST …/vitals refuses a source other than DEVICEGENERATED',
		inferred:
			'athena says only device-generated vitals are allowed; how it refuses others is not recorded',
		readings: {
			true: 'HTTP 200 {"success":false,"errormessage":…} for another source',
			false: 'any source is stored',
		},
	},
	{
		name: 'appointmentClaimAnswer',
		flag: '--appointment-claim-answer',
		kind: 'setting',
		group: 'record',
		type: 'enum',
		values: ['claimid', 'claimids', 'success-only'],
		default: 'claimid',
		description: 'what POST /appointments/{id}/claim answers besides success',
		inferred: 'athena documents "Success: True along with the ClaimID", not the keys',
		readings: {
			claimid: '{"success":true,"claimid":"…"}',
			claimids: '{"success":true,"claimids":["…"]} (as POST /claims answers)',
			'success-only': '{"success":true} (no id: the claim is found by its appointment)',
		},
	},
	{
		name: 'ccdaAnswer',
		flag: '--ccda-answer',
		kind: 'setting',
		group: 'record',
		type: 'enum',
		values: ['object', 'array'],
		default: 'object',
		description: 'how GET /patients/{id}/ccda wraps the XML in JSON (without xmloutput)',
		inferred:
			'athena says "the CCDA format (XML) wrapped in a JSON response"; no response was recorded',
		readings: {
			object: '{"ccda":"<ClinicalDocument…>"}',
			array: '[{"ccda":"<ClinicalDocument…>"}]',
		},
	},
	{
		name: 'insuranceCreateLegacy',
		flag: '--insurance-create-legacy',
		kind: 'setting',
		group: 'record',
		type: 'boolean',
		default: false,
		description: 'what POST …/insurances answers',
		inferred: "the answer's shape is not settled",
		readings: { false: 'an array of one insurance', true: '{"success":"true"}' },
	},
	{
		name: 'insuranceErrorKey',
		flag: '--insurance-error-key',
		kind: 'setting',
		group: 'record',
		type: 'enum',
		values: ['error', 'detailedmessage'],
		default: 'error',
		description: 'where the text of an insurance 409 or 404 sits',
		inferred: 'the error body is not settled',
		readings: {
			error: '{"error": text}',
			detailedmessage: '{"detailedmessage": text, "error": "Conflict." or "Not found."}',
		},
	},
	{
		name: 'eligibilityDelayMs',
		flag: '--eligibility-delay-ms',
		kind: 'setting',
		group: 'record',
		type: 'number',
		default: 1000,
		description: 'how long an eligibility check takes (athena runs it synchronously)',
	},
	{
		name: 'eligibilityResult',
		flag: '--eligibility-result',
		kind: 'setting',
		group: 'record',
		type: 'enum',
		values: ['Eligible', 'Ineligible', 'Unverified'],
		default: 'Eligible',
		description: 'result of an eligibility check (self-pay is always Unverified)',
	},
	{
		name: 'eligibilityByPackage',
		flag: '--eligibility-by-package',
		kind: 'setting',
		group: 'record',
		type: 'json',
		default: () => ({}),
		defaultText: '{}',
		description: '{ "packageid": result } overriding eligibilityResult per plan',
	},
	{
		name: 'benefitBeforeCheck',
		flag: '--benefit-before-check',
		kind: 'setting',
		group: 'record',
		type: 'enum',
		values: ['404', 'empty'],
		default: '404',
		description: 'what GET …/benefitdetails answers before any check ran',
		inferred: 'not documented',
		readings: { 404: 'a 404', empty: 'an empty object' },
	},
	{
		name: 'adminUploadResponse',
		flag: '--admin-upload-response',
		kind: 'setting',
		group: 'record',
		type: 'enum',
		values: ['adminid', 'documentid'],
		default: 'adminid',
		description: 'what an admin document upload answers',
		inferred: "the answer's shape is not settled",
		readings: { adminid: '{"success":true,"adminid":…}', documentid: '{"documentid":"…"}' },
	},
	{
		name: 'maxUploadBytes',
		flag: '--max-upload-bytes',
		kind: 'setting',
		group: 'record',
		type: 'number',
		default: 4 * 1024 * 1024,
		defaultText: '4194304 (4 MiB)',
		description: 'largest document upload; a larger one gets 400',
		inferred: 'no upload limit is documented',
	},
	{
		name: 'practicesNotEnabled',
		flag: '--practices-not-enabled',
		kind: 'setting',
		group: 'record',
		type: 'string',
		hint: 'ids',
		default: '',
		defaultText: '(none)',
		description:
			'comma-separated practices (of 195900, 1128700) that have not enabled the app: their athenaNet calls answer 401 "Incorrect permissions."',
	},
	{
		name: 'practicesWithoutFhir',
		flag: '--practices-without-fhir',
		kind: 'setting',
		group: 'record',
		type: 'string',
		hint: 'ids',
		default: '',
		defaultText: '(none)',
		description:
			'comma-separated practices whose FHIR tenancy the app does not hold: FHIR answers 403 forbidden for them',
	},
	{
		name: 'practiceFlagsAsStrings',
		flag: '--practice-flags-as-strings',
		kind: 'setting',
		group: 'record',
		type: 'boolean',
		default: false,
		description: "practiceinfo's has*/is* flags as strings",
		inferred: 'recorded responses disagree by era',
		readings: {
			false: 'true / false (responses recorded in 2019)',
			true: '"true" / "false" (responses recorded in 2016)',
		},
	},
];

const byName = new Map(SWITCHES.map((e) => [e.name, e]));
const byFlag = new Map(SWITCHES.filter((e) => e.flag).map((e) => [e.flag, e]));

const defaultOf = (entry, options = {}) =>
	typeof entry.default === 'function' ? entry.default(options) : entry.default;
const valueOf = (entry, options) =>
	entry.resolve ? entry.resolve(options) : (options[entry.name] ?? defaultOf(entry, options));
const ofKind = (kind, options) =>
	Object.fromEntries(
		SWITCHES.filter((e) => e.kind === kind).map((e) => [e.name, valueOf(e, options)]),
	);

/** sb.settings for these startSandbox options: every 'setting' entry, given or defaulted. */
const defaultSettings = (options = {}) => ofKind('setting', options);
/** The options startSandbox reads once (server, seed data), given or defaulted. */
const startOptions = (options = {}) => ofKind('start', options);
/** What the CLI assumes when a switch is not given (where it differs from startSandbox). */
const cliDefaults = () =>
	Object.fromEntries(SWITCHES.filter((e) => 'cliDefault' in e).map((e) => [e.name, e.cliDefault]));

/** How docs and --help show a value: an enum's or boolean's values, or a placeholder. */
function valueHint(entry) {
	if (entry.type === 'enum') return entry.values.join('|');
	if (entry.type === 'boolean') return 'true|false';
	if (entry.type === 'number') return 'n';
	if (entry.type === 'json') return 'JSON';
	return entry.hint ?? 'text';
}

function shownDefault(entry) {
	if ('defaultText' in entry) return entry.defaultText;
	const value = defaultOf(entry);
	return value === '' ? '(empty)' : String(value);
}

/** One value from the command line, checked against its entry. */
function fromText(entry, text) {
	if (entry.type === 'number') {
		const n = Number(text);
		if (text.trim() === '' || !Number.isFinite(n))
			throw new Error(`${entry.flag} takes a number, got "${text}"`);
		return n;
	}
	if (entry.type === 'boolean') {
		if (text !== 'true' && text !== 'false')
			throw new Error(`${entry.flag} takes true or false, got "${text}"`);
		return text === 'true';
	}
	if (entry.type === 'enum' && !entry.values.includes(text)) {
		throw new Error(`${entry.flag} takes ${entry.values.join(', ')}; got "${text}"`);
	}
	if (entry.type === 'json') {
		try {
			return JSON.parse(text);
		} catch {
			throw new Error(`${entry.flag} takes JSON, got "${text}"`);
		}
	}
	return text;
}

/**
 * Command-line switches → startSandbox options (only those given). `--flag value` or `--flag=value`;
 * a boolean alone means true. Unknown switches and bad values throw.
 */
function parseArgs(argv) {
	const opts = {};
	for (let i = 0; i < argv.length; i++) {
		const m = /^(--[a-z][a-z0-9-]*)(?:=([\s\S]*))?$/.exec(argv[i]);
		if (!m)
			throw new Error(`unexpected argument "${argv[i]}" (switches start with --; see --help)`);
		const entry = byFlag.get(m[1]);
		if (!entry) throw new Error(`unknown switch ${m[1]} (see --help)`);
		let text = m[2];
		const next = argv[i + 1];
		if (text === undefined && entry.type === 'boolean')
			text = next === 'true' || next === 'false' ? argv[++i] : 'true';
		else if (text === undefined) {
			if (next === undefined || next.startsWith('--')) {
				throw new Error(`${entry.flag} needs a value (${valueHint(entry)})`);
			}
			text = argv[++i];
		}
		opts[entry.name] = fromText(entry, text);
	}
	return opts;
}

/** How --help shows a switch: its flag and the value it takes. */
function usageOf(entry) {
	if (entry.usage) return entry.usage;
	return entry.type === 'boolean'
		? `${entry.flag} [${valueHint(entry)}]`
		: `${entry.flag} <${valueHint(entry)}>`;
}

/** --help: every switch with a flag, by group: usage and default, then the description. */
function helpText() {
	const lines = ['Usage: npm run sandbox -- [switches]   (or node sandbox/cli.js [switches])', ''];
	for (const [group, title] of Object.entries(GROUPS)) {
		const entries = SWITCHES.filter((e) => e.flag && e.group === group);
		if (!entries.length) continue;
		lines.push(`${title}:`);
		for (const e of entries) {
			const notes = [
				`default: ${shownDefault(e)}`,
				e.inferred ? 'INFERRED' : '',
				e.kind === 'setting' ? 'live' : '',
			];
			lines.push(
				`  ${usageOf(e)}   [${notes.filter(Boolean).join('; ')}]`,
				`      ${e.description}`,
			);
		}
		lines.push('');
	}
	lines.push(
		'live: also changeable while the sandbox runs: POST /_control/settings {"<option>": value}.',
	);
	lines.push(
		'INFERRED: models a behaviour of athena that is not verified; docs/sandbox.md lists the readings.',
	);
	return lines.join('\n');
}

module.exports = {
	SWITCHES,
	GROUPS,
	DEFAULT_CLIENT,
	byName,
	byFlag,
	defaultSettings,
	startOptions,
	cliDefaults,
	parseArgs,
	helpText,
	valueHint,
	shownDefault,
};
