// The option table: the single source of truth for every configuration option
// of the Identity Server (dotted name, value type, default, help text), and the
// `Config` type that is derived from it at compile time. Parsing and loading
// live in load.ts; this file holds only data and types, so adding an option is
// one line here and nothing else.

/** Value types an option can have; see load.ts for the accepted syntax of each. */
export type OptionType = "string" | "url" | "address" | "hex" | "int" | "float" | "bool" | "duration" | "string-list" | "enum";

/**
 * Shape every row must have. Defaults are written the way an operator would
 * write them (durations as Go duration strings), so they go through the same
 * parser as user input and a broken default fails the tests, not production.
 */
export type OptionDef = { readonly name: string; readonly description: string } & (
  | { readonly type: "string"; readonly default: string }
  /** Empty, or an absolute http(s) URL; with `paths`, also a path on this server (`/assets`). */
  | { readonly type: "url"; readonly default: string; readonly paths?: boolean }
  /** Empty (listener off), or `[host]:port` with a port from 0 to 65535. */
  | { readonly type: "address"; readonly default: string }
  /** Empty, or hex digits encoding one of the listed numbers of bytes. */
  | { readonly type: "hex"; readonly default: string; readonly bytes: readonly number[] }
  | { readonly type: "int"; readonly default: number }
  /** A decimal number, negative and fractional ones included (0.1, -1, 1e-3). */
  | { readonly type: "float"; readonly default: number }
  | { readonly type: "bool"; readonly default: boolean }
  | { readonly type: "duration"; readonly default: string }
  /** With `map`, a YAML mapping is accepted too and read as `<key>=<value>` entries (the stack's map options). */
  | { readonly type: "string-list"; readonly default: readonly string[]; readonly map?: boolean }
  | { readonly type: "enum"; readonly values: readonly string[]; readonly default: string }
);

// Names are `<segment>.<segment>...`, segments kebab-case as in The Things Stack.
// `satisfies` checks each row without widening it, so the literal names and enum
// values survive into the type derivation below.
// prettier-ignore
export const options = [
  { name: "log.level", type: "enum", values: ["debug", "info", "warn", "error"], default: "info", description: "Minimum severity of log messages that are written" },
  { name: "log.format", type: "enum", values: ["json", "console"], default: "console", description: "Log output format: one JSON object per line, or human-readable" },
  { name: "log.request-level", type: "enum", values: ["debug", "info", "warn", "error"], default: "debug", description: "Level of the line logged for each request that succeeds; one that fails is logged at info, or at this level when higher" },
  { name: "http.listen", type: "address", default: ":1885", description: "Address for HTTP/1.1+h2c serving gRPC, gRPC-Web, Connect and /api/v3 (empty = off)" },
  { name: "http.listen-tls", type: "address", default: "", description: "TLS address for the same as http.listen (empty = off; needs tls.certificate)" },
  { name: "http.shutdown-timeout", type: "duration", default: "5s", description: "After SIGTERM, how long requests in flight may take before the remaining connections are cut" },
  { name: "http.max-body-size", type: "int", default: 16777216, description: "Largest accepted request body in bytes" },
  { name: "http.metrics.enable", type: "bool", default: true, description: "Serve Prometheus metrics on /metrics of the HTTP listener (src/telemetry/metrics/)" },
  { name: "http.metrics.password", type: "string", default: "", description: "Password of /metrics (HTTP Basic, user name `metrics`); empty: open to anyone who reaches the listener" },
  { name: "tracing.enable", type: "bool", default: false, description: "Trace requests with OpenTelemetry (src/telemetry/tracing/): a span per request, with database, hashing and outgoing calls inside" },
  { name: "tracing.exporter", type: "enum", values: ["otlp", "writer"], default: "otlp", description: "Where spans go: otlp (OTLP over HTTP to tracing.collector-config.endpoint-url) or writer (one JSON line per span to tracing.writer-config.destination)" },
  { name: "tracing.collector-config.endpoint-url", type: "string", default: "http://localhost:4318", description: "OTLP/HTTP traces URL of the collector; a URL without a path gets /v1/traces, a host:port without scheme is https (http with tracing.collector-config.insecure)" },
  { name: "tracing.collector-config.insecure", type: "bool", default: false, description: "Plain HTTP to a collector endpoint given as host:port (a URL's scheme decides by itself)" },
  { name: "tracing.writer-config.destination", type: "enum", values: ["stdout", "stderr"], default: "stderr", description: "Stream the writer exporter writes spans to" },
  { name: "tracing.writer-config.timestamps", type: "bool", default: true, description: "Start and end times in the writer exporter's lines (off: durations only, for comparing output)" },
  { name: "tracing.sample-probability", type: "float", default: 1, description: "Share of new traces recorded: >= 1 all, <= 0 none (negative counts as 0); a request whose traceparent says sampled is always recorded, one that says not sampled never" },
  { name: "http.trusted-proxies", type: "string-list", default: ["127.0.0.0/8", "10.0.0.0/8", "100.64.0.0/10", "172.16.0.0/12", "192.168.0.0/16"], description: "CIDRs of trusted reverse proxies: from these peers the client address is read from Forwarded or X-Forwarded-For (empty = trust none)" },
  { name: "grpc.listen", type: "address", default: ":1884", description: "gRPC address for other stack components (empty = off)" },
  { name: "grpc.listen-tls", type: "address", default: "", description: "TLS gRPC address for other stack components (empty = off; needs tls.certificate)" },
  { name: "tls.certificate", type: "string", default: "", description: "PEM certificate (chain) file used by the TLS listeners" },
  { name: "tls.key", type: "string", default: "", description: "PEM private key file belonging to tls.certificate" },
  { name: "cluster.keys", type: "string-list", default: [], description: "Hex keys other stack components present as `authorization: ClusterKey <hex>`" },
  { name: "tenancy.default-id", type: "string", default: "default", description: "The tenant of requests whose host names none (and of the data from before tenants)" },
  { name: "tenancy.base-domains", type: "string-list", default: [], description: "Domains whose subdomains name tenants: `acme.<base domain>` is tenant acme" },
  { name: "is.tenancy.admin-keys", type: "string-list", default: [], description: "Keys that can be used for tenant administration (16, 24 or 32 hex-encoded bytes)" },
  { name: "is.database-uri", type: "string", default: "pglite://./data", description: "postgres://... for PostgreSQL, pglite://<folder> or pglite://memory for embedded" },
  { name: "is.read-database-uri", type: "string", default: "", description: "PostgreSQL read replica; reads go there when set" },
  { name: "is.read-database-primary-window", type: "duration", default: "5s", description: "After a write to a tenant's rows (through this server, or by another process as its change feed tells), how long this server reads that tenant from the primary rather than the replica (read-your-writes; keep it above the replica's lag)" },
  { name: "is.database-max-idle-conns", type: "int", default: 10, description: "Idle PostgreSQL connections: 0 closes them at once; otherwise they close after a minute idle (postgres.js keeps no fixed idle pool)" },
  { name: "is.database-max-open-conns", type: "int", default: 20, description: "Upper bound on concurrently open database connections" },
  { name: "is.delete.restore", type: "duration", default: "24h", description: "How long a deleted entity can be restored before it is purged" },
  { name: "is.admin-rights.all", type: "bool", default: false, description: "Admins also get the _KEYS and _ALL rights on every entity" },
  { name: "is.pagination.default-limit", type: "int", default: 100, description: "Page size of List calls that do not set a limit" },
  { name: "is.user-registration.enabled", type: "bool", default: true, description: "Allow anyone to register a user account" },
  { name: "is.user-registration.password-requirements.min-length", type: "int", default: 8, description: "Minimum password length in characters" },
  { name: "is.user-registration.password-requirements.max-length", type: "int", default: 1000, description: "Maximum password length in characters" },
  { name: "is.user-registration.password-requirements.min-uppercase", type: "int", default: 1, description: "Minimum number of uppercase letters in a password" },
  { name: "is.user-registration.password-requirements.min-digits", type: "int", default: 1, description: "Minimum number of digits in a password" },
  { name: "is.user-registration.password-requirements.min-special", type: "int", default: 0, description: "Minimum number of special (non-alphanumeric) characters in a password" },
  { name: "is.user-registration.password-requirements.reject-user-id", type: "bool", default: true, description: "Reject passwords that contain the user ID" },
  { name: "is.user-registration.password-requirements.reject-common", type: "bool", default: false, description: "Reject passwords from the list of commonly used passwords" },
  { name: "is.user-rights.create-applications", type: "bool", default: true, description: "Non-admin users may create applications" },
  { name: "is.user-rights.create-clients", type: "bool", default: true, description: "Non-admin users may create OAuth clients in their user account" },
  { name: "is.user-rights.create-gateways", type: "bool", default: true, description: "Non-admin users may create gateways" },
  { name: "is.user-rights.create-organizations", type: "bool", default: true, description: "Non-admin users may create organizations" },
  { name: "is.collaborator-rights.set-others-as-contacts", type: "bool", default: true, description: "Collaborators may set other users as administrative/technical contact" },
  { name: "is.dev-eui-block.enabled", type: "bool", default: false, description: "Issue DevEUIs to applications (ApplicationRegistry.IssueDevEUI)" },
  { name: "is.dev-eui-block.prefix", type: "string", default: "0000000000000000/0", description: "Block DevEUIs are issued from, as EUI/length (e.g. 70B3D57ED0000000/36); set it before enabling (the default /0 is the whole EUI space)" },
  { name: "is.dev-eui-block.init-counter", type: "int", default: 0, description: "Counter of a newly created DevEUI block (the first address issued is prefix + counter)" },
  { name: "is.dev-eui-block.application-limit", type: "int", default: 0, description: "Most DevEUIs issued to one application (0 = unlimited)" },
  { name: "is.auth-cache.membership-ttl", type: "duration", default: "10m", description: "How long resolved memberships/rights are cached (0 = no caching)" },
  { name: "is.gateways.encryption-key-id", type: "string", default: "", description: "ID of the key-vault key that encrypts gateway secrets (LNS secret, CUPS key, claim code) at rest; empty stores them in plaintext" },
  { name: "key-vault.static", type: "string-list", default: [], description: "Static key vault: `<key-id>=<hex AES key>` entries (16, 24 or 32 bytes); keep old keys listed so values encrypted with them stay readable" },
  { name: "is.user-registration.admin-approval.required", type: "bool", default: false, description: "New users start in the requested state until an admin approves them" },
  { name: "is.user-registration.contact-info-validation.required", type: "bool", default: false, description: "Users must validate their primary e-mail address before they may act" },
  { name: "is.user-registration.contact-info-validation.token-ttl", type: "duration", default: "48h", description: "How long an e-mail validation link works" },
  { name: "is.user-registration.contact-info-validation.retry-interval", type: "duration", default: "1h", description: "How long before a validation e-mail can be requested again" },
  { name: "is.user-registration.invitation.required", type: "bool", default: false, description: "Registration needs an invitation token (admins excepted)" },
  { name: "is.user-registration.invitation.token-ttl", type: "duration", default: "168h", description: "How long an invitation works" },
  { name: "is.user-login.disable-credentials-login", type: "bool", default: false, description: "Refuse login with user ID and password (single sign-on only)" },
  { name: "is.login-tokens.enabled", type: "bool", default: false, description: "Allow login tokens (magic links, UserAccess.CreateLoginToken)" },
  { name: "is.login-tokens.token-ttl", type: "duration", default: "1h", description: "How long a login token works" },
  { name: "is.application-limits.end-devices", type: "int", default: 0, description: "End devices a new application may hold (0 = no limit); stored on the application, admins change it" },
  { name: "is.organization-limits.applications", type: "int", default: 0, description: "Applications a new organization may hold (0 = no limit)" },
  { name: "is.organization-limits.clients", type: "int", default: 0, description: "OAuth clients a new organization may hold (0 = no limit)" },
  { name: "is.organization-limits.gateways", type: "int", default: 0, description: "Gateways a new organization may hold (0 = no limit)" },
  { name: "is.user-limits.applications", type: "int", default: 0, description: "Applications a new user may hold directly (0 = no limit)" },
  { name: "is.user-limits.clients", type: "int", default: 0, description: "OAuth clients a new user may hold directly (0 = no limit)" },
  { name: "is.user-limits.gateways", type: "int", default: 0, description: "Gateways a new user may hold directly (0 = no limit)" },
  { name: "is.user-limits.organizations", type: "int", default: 0, description: "Organizations a new user may be a direct member of (0 = no limit)" },
  { name: "is.profile-picture.disable-upload", type: "bool", default: false, description: "Refuse uploaded profile pictures" },
  { name: "is.profile-picture.use-gravatar", type: "bool", default: true, description: "Give users without a picture their Gravatar URLs" },
  { name: "is.profile-picture.bucket", type: "string", default: "profile_pictures", description: "Blob bucket of profile pictures" },
  { name: "is.profile-picture.bucket-url", type: "url", paths: true, default: "/assets/blob/profile_pictures", description: "URL prefix profile pictures are served from" },
  { name: "is.end-device-picture.disable-upload", type: "bool", default: false, description: "Refuse uploaded end device pictures" },
  { name: "is.end-device-picture.bucket", type: "string", default: "end_device_pictures", description: "Blob bucket of end device pictures" },
  { name: "is.end-device-picture.bucket-url", type: "url", paths: true, default: "/assets/blob/end_device_pictures", description: "URL prefix end device pictures are served from" },
  { name: "blob.provider", type: "enum", values: ["local"], default: "local", description: "Where blobs (pictures) are kept: a local directory" },
  { name: "blob.local.directory", type: "string", default: "./public/blob", description: "Directory of the local blob provider; served under /assets/blob" },
  { name: "is.end-devices.encryption-key-id", type: "string", default: "", description: "ID of the key-vault key that encrypts end device claim authentication codes at rest; empty stores them in plaintext" },
  { name: "is.email.provider", type: "enum", values: ["", "smtp", "sendgrid", "dir"], default: "", description: "How e-mail is sent: smtp, sendgrid, dir (files), or empty (not sent, logged)" },
  { name: "is.email.sender-name", type: "string", default: "The Things Stack", description: "Name e-mail is sent as" },
  { name: "is.email.sender-address", type: "string", default: "noreply@localhost", description: "Address e-mail is sent from" },
  { name: "is.email.network.name", type: "string", default: "The Things Stack", description: "Network name used in e-mail" },
  { name: "is.email.network.identity-server-url", type: "url", default: "http://localhost:1885/oauth", description: "Base URL of the account pages, for links in e-mail" },
  { name: "is.email.network.console-url", type: "url", default: "http://localhost:1885/console", description: "URL of the Console, for links in e-mail" },
  { name: "is.email.network.assets-base-url", type: "url", default: "", description: "Base URL of assets (logos) used in e-mail" },
  { name: "is.email.network.branding-base-url", type: "url", default: "", description: "Base URL of branding assets used in e-mail" },
  { name: "is.email.smtp.address", type: "string", default: "", description: "SMTP server as host:port" },
  { name: "is.email.smtp.username", type: "string", default: "", description: "SMTP user name (empty = no authentication)" },
  { name: "is.email.smtp.password", type: "string", default: "", description: "SMTP password" },
  { name: "is.email.smtp.connections", type: "int", default: 5, description: "Most pooled connections to the SMTP server" },
  { name: "is.email.sendgrid.api-key", type: "string", default: "", description: "SendGrid API key" },
  { name: "is.email.sendgrid.sandbox", type: "bool", default: false, description: "Use SendGrid's sandbox mode (accepted, not delivered)" },
  { name: "is.email.sendgrid.api-url", type: "url", default: "https://api.sendgrid.com", description: "Base URL of the SendGrid API (tests point it at a local server)" },
  { name: "is.email.dir", type: "string", default: "", description: "Directory the dir provider writes each message to" },
  { name: "is.email.templates.source", type: "enum", values: ["", "directory", "url", "blob"], default: "", description: "Where template overrides come from: directory, or (deprecated) url or blob" },
  { name: "is.email.templates.directory", type: "string", default: "", description: "Directory of template overrides (<name>.subject.txt, <name>.txt, <name>.html; The Things Stack's Go templates also as <name>.txt.tmpl, ...)" },
  { name: "is.email.templates.url", type: "url", default: "", description: "(deprecated) Base URL template overrides are fetched from at start" },
  { name: "is.email.templates.blob.bucket", type: "string", default: "", description: "(deprecated) Blob bucket of template overrides" },
  { name: "is.email.templates.blob.path", type: "string", default: "", description: "(deprecated) Path in the blob bucket of template overrides" },
  { name: "is.email.templates.includes", type: "string-list", default: [], description: "Partial templates loaded before the others (file names in the template source)" },
  { name: "is.email.queue.retry-min", type: "duration", default: "1s", description: "Wait before the first retry of a failed e-mail; doubles per attempt" },
  { name: "is.email.queue.retry-max", type: "duration", default: "10m", description: "Longest wait between retries of a failed e-mail" },
  { name: "is.email.queue.give-up-after", type: "duration", default: "48h", description: "E-mail still failing this long after it was queued is given up (0 = never)" },
  { name: "is.email.queue.poll-interval", type: "duration", default: "5s", description: "How often the outbox is checked for e-mail queued by other replicas or due for a retry" },
  { name: "is.email.encryption-key-id", type: "string", default: "", description: "ID of the key-vault key that encrypts queued e-mail (it holds tokens) until it is sent; empty stores it open until then. Sent and given-up mail is scrubbed either way" },
  { name: "is.oauth.access-token-ttl", type: "duration", default: "1h", description: "How long an OAuth access token (and an OpenID Connect ID token) works" },
  { name: "is.oauth.authorization-code-ttl", type: "duration", default: "5m", description: "How long an OAuth authorization code can be exchanged" },
  { name: "is.oauth.signing-key-rotation", type: "duration", default: "720h", description: "Age after which the key signing ID tokens is replaced; the old key stays published as long again" },
  { name: "is.oauth.signing-key-encryption-key-id", type: "string", default: "", description: "ID of the key-vault key that encrypts the ID token signing keys at rest; empty stores them in plaintext" },
  { name: "is.authentication-providers.encryption-key-id", type: "string", default: "", description: "ID of the key-vault key that encrypts the client secrets of authentication providers at rest; empty stores them open (a warning at start)" },
  { name: "is.authentication-providers.discovery-cache-ttl", type: "duration", default: "1h", description: "How long a provider's OpenID discovery document and keys are reused before they are fetched again" },
  { name: "is.authentication-providers.request-timeout", type: "duration", default: "10s", description: "Longest wait for an authentication provider (discovery, token exchange, userinfo)" },
  { name: "is.authentication-providers.login-ttl", type: "duration", default: "10m", description: "How long a login at an authentication provider may take, from the button to the callback" },
  { name: "is.password-hashing.memory-cost", type: "int", default: 19456, description: "Argon2id memory cost in KiB for new password hashes" },
  { name: "is.password-hashing.time-cost", type: "int", default: 2, description: "Argon2id iterations for new password hashes" },
  { name: "is.oauth.mount", type: "string", default: "/oauth", description: "Path the OAuth server and its pages are served under" },
  { name: "is.oauth.ui.canonical-url", type: "url", default: "http://localhost:1885/oauth", description: "The page canonical URL (public URL of the OAuth pages)" },
  { name: "is.oauth.ui.console-url", type: "url", default: "http://localhost:1885/console", description: "The URL that points to the root of the Console" },
  { name: "is.oauth.ui.is.base-url", type: "url", default: "http://localhost:1885/api/v3", description: "Base URL to the HTTP API of the Identity Server, for the pages" },
  { name: "is.oauth.ui.is.enabled", type: "bool", default: true, description: "Serve the OAuth pages (false: they answer 404; the protocol and JSON endpoints stay)" },
  { name: "is.oauth.ui.assets-base-url", type: "url", paths: true, default: "/assets", description: "The base URL to the page assets (CSS, JS, icons)" },
  { name: "is.oauth.ui.branding-base-url", type: "url", paths: true, default: "", description: "The base URL to the branding assets (logo.svg); empty uses the built-in logo" },
  { name: "is.oauth.ui.branding-cluster-id", type: "string", default: "", description: "The cluster ID to show below the logo" },
  { name: "is.oauth.ui.branding-text", type: "string", default: "", description: "The branding text to show below the logo" },
  { name: "is.oauth.ui.cluster-picker-url", type: "url", default: "", description: "A URL to a cluster picker, so users can pick the cluster of the deployment" },
  { name: "is.oauth.ui.site-name", type: "string", default: "The Things Stack for LoRaWAN", description: "The site name" },
  { name: "is.oauth.ui.title", type: "string", default: "Account", description: "The page title" },
  { name: "is.oauth.ui.sub-title", type: "string", default: "", description: "The page sub-title" },
  { name: "is.oauth.ui.descriptions", type: "string", default: "", description: "The page description" },
  { name: "is.oauth.ui.language", type: "string", default: "en", description: "The page language" },
  { name: "is.oauth.ui.theme-color", type: "string", default: "", description: "The page theme color" },
  { name: "is.oauth.ui.css-file", type: "string-list", default: ["account.css"], description: "The names of the CSS files, under assets-base-url" },
  { name: "is.oauth.ui.js-file", type: "string-list", default: ["account.js"], description: "The names of the JS files, under assets-base-url" },
  { name: "is.oauth.ui.icon-prefix", type: "string", default: "oauth-", description: "The prefix to put before the page icons (favicon.ico, touch-icon.png, og-image.png)" },
  { name: "is.oauth.ui.fair-use-policy-information-url", type: "url", default: "", description: "A URL with information about the fair use policy of the deployment" },
  { name: "is.oauth.ui.sla-applies", type: "string", default: "", description: "The Service Level Agreement of this deployment, e.g. >99.9%" },
  { name: "is.oauth.ui.sla-information-url", type: "url", default: "", description: "A URL with information about the SLA of this deployment" },
  { name: "is.oauth.ui.support-plan-applies", type: "string", default: "", description: "The support plan of this deployment, e.g. priority, 24h" },
  { name: "is.oauth.ui.support-plan-information-url", type: "url", default: "", description: "A URL with information about the support plan of this deployment" },
  { name: "is.oauth.ui.sentry-dsn", type: "url", default: "", description: "The Sentry DSN, passed to the pages' configuration" },
  { name: "is.network.net-id", type: "hex", bytes: [3], default: "000000", description: "The NetID of the network; when running a Network Server, this needs to be the same value as ns.net-id (answered as HNetID to HomeNSReq)" },
  { name: "is.network.tenant-id", type: "string", default: "", description: "The Tenant ID in the host NetID; leave blank if the used NetID is dedicated for this Identity Server (answered as HTenantID for devices of the default tenant)" },
  { name: "is.network.ns-id", type: "hex", bytes: [8], default: "", description: "The NSID (EUI-64) of the Home Network Server, answered as HNSID to HomeNSReq of LoRaWAN Backend Interfaces 1.1 (empty: not answered)" },
  { name: "interop.listen", type: "address", default: ":8886", description: "Address for the interop server for LoRaWAN Backend Interfaces to listen on (empty = off)" },
  { name: "interop.listen-tls", type: "address", default: "", description: "TLS address for the interop server for LoRaWAN Backend Interfaces to listen on, with tls.certificate; asks senders for client certificates (empty = off)" },
  { name: "interop.public-tls-address", type: "string", default: "", description: "Public address of the interop server for LoRaWAN Backend Interfaces; the audience Packet Broker tokens must have" },
  { name: "interop.sender-client-ca.source", type: "enum", values: ["", "directory"], default: "", description: "Source of the sender client CA configuration: directory (a config.yml of `<SenderID>: <CA file>` in interop.sender-client-ca.directory)" },
  { name: "interop.sender-client-ca.directory", type: "string", default: "", description: "OS filesystem directory, which contains the sender client CA configuration (config.yml and the CA files it names)" },
  { name: "interop.sender-client-cas", type: "string-list", map: true, default: [], description: "(deprecated) Client CAs of sender IDs to trust: `<SenderID>=<PEM file>` entries (in YAML, a mapping)" },
  { name: "interop.packet-broker.enabled", type: "bool", default: false, description: "Enable Packet Broker to authenticate with a bearer token (as NetID 000000); needs interop.public-tls-address" },
  { name: "interop.packet-broker.token-issuer", type: "url", default: "https://iam.packetbroker.net", description: "Required issuer of Packet Broker tokens (its keys are read from <issuer>/.well-known/jwks.json)" },
  { name: "http.cookie.hash-key", type: "hex", bytes: [32, 64], default: "", description: "Hex key that signs cookies (HMAC-SHA256, 32 or 64 bytes); empty: random at start (sessions end on restart)" },
  { name: "http.cookie.block-key", type: "hex", bytes: [16, 24, 32], default: "", description: "Hex AES key (16, 24 or 32 bytes) that encrypts cookies; empty: random at start" },
] as const satisfies readonly OptionDef[];

export type Option = (typeof options)[number];
export type OptionName = Option["name"];

// ---- Type derivation: option table → nested Config type --------------------

/** TS type of a value, per option type (durations are milliseconds). */
interface ValueTypes {
  string: string;
  url: string;
  address: string;
  hex: string;
  int: number;
  float: number;
  bool: boolean;
  duration: number;
  "string-list": string[];
}
type ValueOf<O> = O extends { type: "enum"; values: readonly string[] }
  ? O["values"][number]
  : O extends { type: infer T extends keyof ValueTypes }
    ? ValueTypes[T]
    : never;

/** Value type of one option, by dotted name. */
export type OptionValue<N extends OptionName> = ValueOf<Extract<Option, { name: N }>>;

/** "password-requirements" → "passwordRequirements". */
type Camel<S extends string> = S extends `${infer H}-${infer T}` ? `${H}${Capitalize<Camel<T>>}` : S;
/** First segment of a dotted path. */
type Head<P extends string> = P extends `${infer H}.${string}` ? H : P;
/** Entries below segment H, with "H." stripped from their path. */
type Under<E, H extends string> = E extends { path: `${H}.${infer R}`; value: infer V } ? { path: R; value: V } : never;
type Entry = { path: string; value: unknown };
/** One level of the tree: a key per distinct head; leaf if nothing lies under it. */
type Tree<E extends Entry> = {
  [H in Head<E["path"]> as Camel<H>]: [Under<E, H>] extends [never] ? Extract<E, { path: H }>["value"] : Tree<Under<E, H>>;
};

/**
 * The effective configuration. `is.user-registration.password-requirements.min-length`
 * is `config.is.userRegistration.passwordRequirements.minLength: number`.
 * Plain data: defaultConfig()/loadConfig() return a fresh object each call.
 */
export type Config = Tree<ToEntry<Option>>;
/** Distributes over the row union: one {path, value} entry per option. */
type ToEntry<O> = O extends { name: infer N extends string } ? { path: N; value: ValueOf<O> } : never;
