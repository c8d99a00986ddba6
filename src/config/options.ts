// The option table: the single source of truth for every configuration option
// of the Identity Server (dotted name, value type, default, help text), and the
// `Config` type that is derived from it at compile time. Parsing and loading
// live in load.ts; this file holds only data and types, so adding an option is
// one line here and nothing else.

/** Value types an option can have; see load.ts for the accepted syntax of each. */
export type OptionType = "string" | "int" | "bool" | "duration" | "string-list" | "enum";

/**
 * Shape every row must have. Defaults are written the way an operator would
 * write them (durations as Go duration strings), so they go through the same
 * parser as user input and a broken default fails the tests, not production.
 */
export type OptionDef = { readonly name: string; readonly description: string } & (
  | { readonly type: "string"; readonly default: string }
  | { readonly type: "int"; readonly default: number }
  | { readonly type: "bool"; readonly default: boolean }
  | { readonly type: "duration"; readonly default: string }
  | { readonly type: "string-list"; readonly default: readonly string[] }
  | { readonly type: "enum"; readonly values: readonly string[]; readonly default: string }
);

// Names are `<segment>.<segment>...`, segments kebab-case as in The Things Stack.
// `satisfies` checks each row without widening it, so the literal names and enum
// values survive into the type derivation below.
// prettier-ignore
export const options = [
  { name: "log.level", type: "enum", values: ["debug", "info", "warn", "error"], default: "info", description: "Minimum severity of log messages that are written" },
  { name: "log.format", type: "enum", values: ["json", "console"], default: "console", description: "Log output format: one JSON object per line, or human-readable" },
  { name: "http.listen", type: "string", default: ":1885", description: "Address for HTTP/1.1+h2c serving gRPC, gRPC-Web, Connect and /api/v3 (empty = off)" },
  { name: "http.listen-tls", type: "string", default: "", description: "TLS address for the same as http.listen (empty = off; needs tls.certificate)" },
  { name: "http.max-body-size", type: "int", default: 16777216, description: "Largest accepted request body in bytes" },
  { name: "grpc.listen", type: "string", default: ":1884", description: "gRPC address for other stack components (empty = off)" },
  { name: "grpc.listen-tls", type: "string", default: "", description: "TLS gRPC address for other stack components (empty = off; needs tls.certificate)" },
  { name: "tls.certificate", type: "string", default: "", description: "PEM certificate (chain) file used by the TLS listeners" },
  { name: "tls.key", type: "string", default: "", description: "PEM private key file belonging to tls.certificate" },
  { name: "cluster.keys", type: "string-list", default: [], description: "Hex keys other stack components present as `authorization: ClusterKey <hex>`" },
  { name: "is.database-uri", type: "string", default: "pglite://./data", description: "postgres://... for PostgreSQL, pglite://<folder> or pglite://memory for embedded" },
  { name: "is.read-database-uri", type: "string", default: "", description: "PostgreSQL read replica; reads go there when set" },
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
  { name: "is.dev-eui-block.prefix", type: "string", default: "", description: "Block DevEUIs are issued from, as EUI/length (e.g. 70B3D57ED0000000/36); required when enabled" },
  { name: "is.dev-eui-block.init-counter", type: "int", default: 0, description: "Counter of a newly created DevEUI block (the first address issued is prefix + counter)" },
  { name: "is.dev-eui-block.application-limit", type: "int", default: 0, description: "Most DevEUIs issued to one application (0 = unlimited)" },
  { name: "is.auth-cache.membership-ttl", type: "duration", default: "10m", description: "How long resolved memberships/rights are cached (0 = no caching)" },
  { name: "is.gateways.encryption-key-id", type: "string", default: "", description: "ID of the key-vault key that encrypts gateway secrets (LNS secret, CUPS key, claim code) at rest; empty stores them in plaintext" },
  { name: "key-vault.static", type: "string-list", default: [], description: "Static key vault: `<key-id>=<hex AES key>` entries (16, 24 or 32 bytes); keep old keys listed so values encrypted with them stay readable" },
  { name: "is.password-hashing.memory-cost", type: "int", default: 19456, description: "Argon2id memory cost in KiB for new password hashes" },
  { name: "is.password-hashing.time-cost", type: "int", default: 2, description: "Argon2id iterations for new password hashes" },
] as const satisfies readonly OptionDef[];

export type Option = (typeof options)[number];
export type OptionName = Option["name"];

// ---- Type derivation: option table → nested Config type --------------------

/** TS type of a value, per option type (durations are milliseconds). */
interface ValueTypes {
  string: string;
  int: number;
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
