// Options of The Things Stack that belong to other components. Operators keep
// one configuration file and one environment for the whole stack, so the
// Identity Server must start with them: these names are ignored (one warning
// lists them), while a name in a section of ours that nobody knows is a typo
// and is refused. The lists follow the stack's own config structs
// (cmd/ttn-lw-stack Config and pkg/config ServiceBase).

/** Top-level sections that only other components read (`ns.net-id`, `gs.mqtt.listen`, ...). */
const otherSections = [
  // Components of the open-source stack binary.
  "gs", "ns", "as", "js", "console", "gcs", "dtc", "qrg", "pba", "dr", "dcs", "cups",
  // Components of The Things Stack Enterprise (Network Operations Center, Tenant Billing Server).
  "noc", "tbs",
  // Shared base settings of the stack that this server does not use.
  "cache", "redis", "events", "sentry", "frequency-plans", "device-repository", "rights", "rate-limiting",
  "telemetry", "experimental", "skip-version-check", "output-format",
];

/** Shared base options inside sections this server also reads, but which it does not implement. */
const otherSharedOptions = [
  "http.redirect-to-host", "http.redirect-to-tls", "http.log-ignore-paths", "http.static", "http.pprof", "http.health",
  "grpc.allow-insecure-for-credentials", "grpc.trusted-proxies", "grpc.log-ignore-methods",
  "tls.source", "tls.root-ca", "tls.insecure-skip-verify", "tls.acme", "tls.key-vault",
  "cluster.address", "cluster.name", "cluster.join", "cluster.discovery-mode", "cluster.tls", "cluster.tls-config",
  "cluster.identity-server", "cluster.gateway-server", "cluster.network-server", "cluster.application-server", "cluster.join-server",
  "cluster.crypto-server", "cluster.packet-broker-agent", "cluster.device-claiming-server", "cluster.gateway-configuration-server",
  "cluster.device-template-converter", "cluster.qr-code-generator", "cluster.device-repository",
  "key-vault.provider", "key-vault.cache",
  "blob.aws", "blob.gcp", "blob.azure",
  // Tracing (src/telemetry/tracing/) sends OTLP over HTTP to an endpoint URL: no client certificates, no pretty writer.
  "tracing.collector-config.tls", "tracing.writer-config.pretty",
];

const prefixes = [...otherSections, ...otherSharedOptions];

/** Whether a dotted name (an option or a YAML section) belongs to another component of the stack. */
export function isOtherComponentOption(name: string): boolean {
  return prefixes.some((p) => name === p || name.startsWith(`${p}.`));
}

/** The same for an environment variable name (`TTN_LW_NS_NET_ID`); `toEnv` maps a dotted prefix to its env form. */
export function isOtherComponentEnv(key: string, toEnv: (name: string) => string): boolean {
  return prefixes.some((p) => key === toEnv(p) || key.startsWith(`${toEnv(p)}_`));
}
