// The composition root: opens the database, builds the dependencies once and
// wires the services, interceptors, /api/v3 gateway and listeners together.
// Nothing here is global, so tests start as many servers as they like.
import { readFileSync } from "node:fs";
import net from "node:net";
import type http from "node:http";
import type http2 from "node:http2";
import { scopeInterceptor } from "./auth/interceptor.js";
import { createHashPool, type HashPool } from "./auth/hash-pool.js";
import { createPasswordHasher } from "./auth/passwords.js";
import { blobHandler, blobPathPrefix, blobStoreOf } from "./blob/index.js";
import { ConfigError, describeOption, type Config, type OptionName } from "./config/index.js";
import { checkEmailConfig } from "./email/config.js";
import { createEmails, type EmailService } from "./email/index.js";
import { errorInterceptor } from "./errors/interceptor.js";
import { createInterop } from "./interop/index.js";
import { createGateway } from "./gateway/index.js";
import { textInterceptor } from "./messages/text.js";
import type { Logger } from "./log.js";
import { policyInterceptor } from "./rights/policy.js";
import { tenantOAuth } from "./oauth/tenant-front.js";
import { oauthCore } from "./oauth/core/index.js";
import { loadJose } from "./oauth/core/oidc/keys.js";
import { loadImageCodec } from "./pictures/image.js";
import { withSpecGrpcMessage } from "./server/grpc-message.js";
import { listen, parseAddress, type Listener } from "./server/listener.js";
import { createInProcessTransport } from "./server/in-process-transport.js";
import { rpcAdapter } from "./server/rpc-adapter.js";
import { gatewaySecrets as gatewaySecretsOf } from "./secrets/gateway-secrets.js";
import { endDeviceSecrets as endDeviceSecretsOf } from "./secrets/end-device-secrets.js";
import { parseKeyVault, staticKeyVault } from "./secrets/key-vault.js";
import { sealedStrings } from "./secrets/sealed-string.js";
import { warnIfNobodyCanLogIn } from "./sso/start-check.js";
import { apiServices, registerRoutes } from "./server/routes.js";
import { cachedProbe, healthHttp, probeTimeoutMs, type HealthState } from "./services/health.js";
import { openDatabase, type Database } from "./store/pg/database.js";
import { authCache } from "./cache/index.js";
import { seedFromTemplate } from "./store/pglite-template.js";
import { createPgStore } from "./store/pg/store.js";
import { pgRateLimits } from "./store/pg/rate-limits.js";
import { heardWrites, type HeardWrites } from "./store/heard-writes.js";
import { readYourWrites } from "./store/read-your-writes.js";
import { clientAddress, trustedProxies } from "./net/client-address.js";
import { deploymentOutbox } from "./store/pg/email-outbox.js";
import { createPgTenantStore } from "./store/pg/tenants.js";
import { tenantDirectory, type TenantDirectory } from "./tenancy/directory.js";
import { withTenantLimits } from "./tenancy/limits.js";
import { tenantResolver } from "./tenancy/resolve.js";
import { createMetrics } from "./telemetry/metrics/index.js";
import { requestLog, requestLogger } from "./telemetry/request-log/index.js";
import { createTracing } from "./telemetry/tracing/index.js";
import type { Store } from "./store/interfaces.js";

/** `tenancy.default-id`'s default: the tenant of everything from before tenants. */
export const defaultTenant = "default";

export interface ServerOptions {
  config: Config;
  log: Logger;
  now?: () => Date;
  /** An already opened and migrated database (tests share one); left open on close. */
  database?: Database;
  /** With `database`: a read replica of it (tests simulate one); left open on close. */
  replica?: Database;
  /** The default tenant, instead of `tenancy.default-id` (tests give each server its own). */
  tenantId?: string;
  /** The hash pool (default: cores - 1 slots); tests pass a small one to fill it. */
  hashPool?: HashPool;
}

export interface RunningServer {
  /** "host:port" of the HTTP listener (all protocols), when enabled. */
  httpAddress?: string;
  /** "host:port" of the gRPC listener, when enabled. */
  grpcAddress?: string;
  httpsAddress?: string;
  grpcsAddress?: string;
  /** "host:port" of the LoRaWAN Backend Interfaces listeners (interop.listen, interop.listen-tls), when enabled. */
  interopAddress?: string;
  interopTlsAddress?: string;
  /** The default tenant's store. */
  store: Store;
  /** Every tenant's store and the tenant records. */
  tenants: TenantDirectory;
  /** The server's e-mail: `queue` through its worker (tests trigger mail with it). */
  emails: EmailService;
  /** With tracing on: exports the spans ended so far (tests wait for them); undefined when tracing is off. */
  flushTraces?(): Promise<void>;
  /** Drains: health turns NOT_SERVING, listeners stop accepting, running requests finish; then the last spans are exported. */
  close(): Promise<void>;
}

/** The primary database, migrated, and the read replica when configured. */
export async function openDatabases(config: Config): Promise<{ primary: Database; replica?: Database; databases: Database[] }> {
  const opts = { maxOpenConns: config.is.databaseMaxOpenConns, idleTimeoutSeconds: config.is.databaseMaxIdleConns === 0 ? 1 : 60 };
  // A new embedded database folder: a copy of the template rather than initdb.
  seedFromTemplate(config.is.databaseUri);
  const primary = await openDatabase(config.is.databaseUri, opts);
  const databases = [primary];
  try {
    await primary.migrate();
    const replica = config.is.readDatabaseUri ? await openDatabase(config.is.readDatabaseUri, opts) : undefined;
    if (replica) databases.push(replica);
    return { primary, replica, databases };
  } catch (err) {
    await Promise.all(databases.map((d) => d.close()));
    throw err;
  }
}

/**
 * A tenant's store on the primary, reading from the replica when there is one,
 * except right after its own writes and those `heard` of (read-your-writes.ts).
 */
function tenantStore(config: Config, primary: Database, replica: Database | undefined, tenantId: string, heard?: HeardWrites): { store: Store; primaryStore: Store } {
  const primaryStore = createPgStore({ primary: primary.db, tenantId });
  if (!replica) return { store: primaryStore, primaryStore };
  const elsewhere = heard && (() => heard.recent(tenantId));
  const store = readYourWrites(createPgStore({ primary: primary.db, replica: replica.db, tenantId }), primaryStore, { windowMs: config.is.readDatabasePrimaryWindow, elsewhere });
  return { store, primaryStore };
}

/** The store of one tenant (`tenancy.default-id` unless given), for the commands (is-db). */
export async function openStore(config: Config, tenantId = config.tenancy.defaultId): Promise<{ store: Store; databases: Database[] }> {
  const { primary, replica, databases } = await openDatabases(config);
  return { store: tenantStore(config, primary, replica, tenantId).store, databases };
}

/** A system error at start (a port in use, a missing file) as a ConfigError naming the option, its value and origin. */
/** The listen options, their addresses and whether they serve TLS; the last two serve LoRaWAN Backend Interfaces (src/interop/). */
function listenAddresses(config: Config): Array<[OptionName, string, boolean]> {
  return [
    ["http.listen", config.http.listen, false], ["grpc.listen", config.grpc.listen, false],
    ["http.listen-tls", config.http.listenTls, true], ["grpc.listen-tls", config.grpc.listenTls, true],
    ["interop.listen", config.interop.listen, false], ["interop.listen-tls", config.interop.listenTls, true],
  ];
}

/**
 * Binds and releases each configured listen address, so that one in use stops
 * the start at once with its option (the real bind later reports it too, should
 * another process take the address in between).
 */
async function probeListeners(config: Config): Promise<void> {
  for (const [option, address] of listenAddresses(config)) {
    if (!address) continue;
    const { host, port } = parseAddress(address);
    if (port === 0) continue;
    await new Promise<void>((resolve, reject) => {
      const probe = net.createServer();
      probe.once("error", (err) => reject(startError(config, option, "cannot listen on", err)));
      probe.listen({ host, port, exclusive: true }, () => probe.close(() => resolve()));
    });
  }
}

function startError(config: Config, option: OptionName, what: string, err: unknown): unknown {
  const reasons: Record<string, string> = {
    EADDRINUSE: "address already in use (stop the other process or choose another address)",
    EACCES: "permission denied (ports below 1024 need privileges)",
    EADDRNOTAVAIL: "address not available on this host",
    ENOTFOUND: "host name not found",
    ENOENT: "no such file",
  };
  const code = (err as NodeJS.ErrnoException)?.code;
  if (!code) return err;
  return new ConfigError(`${what} ${describeOption(config, option)}: ${reasons[code] ?? (err as Error).message}`, option);
}

function readOptionFile(config: Config, option: "tls.certificate" | "tls.key"): Buffer {
  try {
    return readFileSync(option === "tls.key" ? config.tls.key : config.tls.certificate);
  } catch (err) {
    throw startError(config, option, "cannot read", err);
  }
}

/**
 * Loads what requests need only sometimes once the server answers: the start
 * does not wait for it, and neither does the first picture (sharp, ~0.1
 * CPU-seconds to load) or ID token (jose). One library at a time, so requests
 * arriving meanwhile get the CPU between them. A library that fails to load is
 * logged; the request that needs it reports the failure. (The common-password
 * list is not among them: building it leaves garbage that the next request's
 * collection pays for, and its first check costs ~25 ms more than it did.)
 */
function warmUp(log: Logger): void {
  const loads = [loadJose, loadImageCodec];
  setImmediate(async () => {
    for (const load of loads) {
      try {
        await load();
      } catch (err) {
        log.warn({ err }, "loading a library in advance failed");
      }
    }
  });
}

export async function startServer(opts: ServerOptions): Promise<RunningServer> {
  const { config, log } = opts;
  const now = opts.now ?? (() => new Date());
  // Before the database too: an end device key ID that the key vault lacks fails the start (key_vault).
  const endDeviceSecrets = endDeviceSecretsOf(staticKeyVault(parseKeyVault(config.keyVault.static)), config.is.endDevices.encryptionKeyId);
  // Client secrets of authentication providers; may hold `:`, so open ones are stored as `:<secret>`.
  const providerSecrets = sealedStrings(staticKeyVault(parseKeyVault(config.keyVault.static)), config.is.authenticationProviders.encryptionKeyId, { plainPrefix: ":" });
  // Before the database: a bad e-mail option or template override fails the start with nothing to clean up.
  checkEmailConfig(config);
  // And a listen address in use: found in a moment, not after the database is open and migrated.
  if (!opts.database) await probeListeners(config);
  if (!endDeviceSecrets.keyId) log.warn({}, "is.end-devices.encryption-key-id is not set: end device claim authentication codes are stored in plaintext");
  if (!providerSecrets.keyId) log.warn({}, "is.authentication-providers.encryption-key-id is not set: client secrets of authentication providers are stored in plaintext");
  const defaultTenantId = opts.tenantId ?? config.tenancy.defaultId;
  // Prometheus metrics (http.metrics.enable): a registry of this server's own, fed at the seams below.
  const metrics = createMetrics({ config, log });
  // OpenTelemetry (tracing.enable, off by default): undefined when off, and then nothing below is wrapped.
  const tracing = await createTracing({ config, log });
  const emails = await createEmails({ config, log, now, defaultTenantId });
  const opened = opts.database ? { primary: opts.database, replica: opts.replica, databases: [] } : await openDatabases(config);
  const { databases, primary, replica } = opened;
  // Requests read credentials and memberships through the auth cache (src/cache/), each tenant's store its own.
  // With tracing, the cache also tells the traced store views which lookups it answered from memory.
  const cache = authCache(primary, config.is.authCache.membershipTtl, tracing ? tracing.observeCache(metrics?.cache) : metrics?.cache);
  // With a replica: other servers' writes, heard from the same feed, route a tenant's reads to the primary for a while too.
  const heard = replica ? heardWrites({ windowMs: config.is.readDatabasePrimaryWindow }) : undefined;
  const unlisten = heard ? cache.listen({ changed: (_scope, tenantId) => heard.changed(tenantId), trusted: (listening) => heard.trusted(listening) }) : () => {};
  const tenants = tenantDirectory({
    defaultId: defaultTenantId,
    config,
    // Behind the auth cache, each tenant's entity limits (src/tenancy/limits.ts) on every create.
    storeOf: (tenantId) => {
      const { store, primaryStore } = tenantStore(config, primary, replica, tenantId, heard);
      return withTenantLimits(cache.wrap(store, primaryStore), () => tenants.record(tenantId));
    },
    records: createPgTenantStore(primary.db),
    clock: cache.clock,
    ttlMs: cache.ttlMs,
  });
  // The default tenant's store (the start check below, RunningServer.store).
  const store = tenants.store(tenants.defaultId);
  // Single sign-on only, but no provider to sign on with: say so now, not when people fail to log in.
  await warnIfNobodyCanLogIn(config, store, log).catch((err: unknown) => log.warn({ err }, "could not check for authentication providers"));
  // Every password and client secret hash of this server runs in this one bounded pool.
  const hasher = createPasswordHasher(config.is.passwordHashing, opts.hashPool ?? createHashPool());
  let drain!: () => void;
  const health: HealthState = {
    serving: true,
    draining: new Promise<void>((resolve) => (drain = resolve)),
    database: cachedProbe(() => primary.ping(probeTimeoutMs)),
  };

  const gatewaySecrets = gatewaySecretsOf(staticKeyVault(parseKeyVault(config.keyVault.static)), config.is.gateways.encryptionKeyId);
  const routes = registerRoutes({ hasher, health, gatewaySecrets, endDeviceSecrets, providerSecrets });
  const resolver = tenantResolver({ defaultId: tenants.defaultId, baseDomains: config.tenancy.baseDomains });
  const chain = [errorInterceptor(log), textInterceptor(), scopeInterceptor({ config, tenants, resolver, now, emails, log, observeAuthentication: metrics?.observeAuthentication, traceStore: tracing?.traceStore }), policyInterceptor()];
  // Request IDs and one log line per request (src/telemetry/request-log/): first in the chain, and around the handler below.
  const requests = requestLog({ log, level: config.log.requestLevel, resolver });
  // Then tracing (src/telemetry/tracing/): the call's span named after its method, its trace in the call's context values.
  const traced = tracing ? [tracing.interceptor] : [];
  // Then metrics: they see every call with the code its caller gets; in-process calls count as protocol "api".
  const interceptors = [requests.interceptor, ...traced, ...(metrics ? [metrics.wireInterceptor] : []), ...chain];
  // The gateway calls the services in-process, through the same interceptors.
  const transport = createInProcessTransport(routes, { interceptors: [requests.interceptor, ...traced, ...(metrics ? [metrics.apiInterceptor] : []), ...chain] });
  const gateway = createGateway({ services: [...apiServices], transport, maxBodySize: config.http.maxBodySize, log });
  // Everything under is.oauth.mount: protocol endpoints (core), the pages and their JSON API, per tenant of the host.
  // Behind trusted proxies (http.trusted-proxies) the client address is the one they forwarded.
  const proxies = trustedProxies(config.http.trustedProxies);
  const addressOf = (req: http.IncomingMessage | http2.Http2ServerRequest) => clientAddress(req, proxies);
  // Failed logins count in the database, seen by every server on it.
  const rateLimits = pgRateLimits(primary.db);
  const oauth = tenantOAuth({ config, tenants, resolver, now, log, emails, core: oauthCore, hasher, transport, providerSecrets, rateLimits, clientAddress: addressOf, events: metrics?.oauth });

  const healthPaths = healthHttp(health);
  const blobs = blobHandler(blobStoreOf(config), (err) => log.error({ err }, "reading a blob failed"));
  const serveFallback = (req: http.IncomingMessage | http2.Http2ServerRequest, res: http.ServerResponse | http2.Http2ServerResponse) => {
    const path = (req.url ?? "/").split("?", 1)[0];
    if (healthPaths(req, res)) return;
    if (path.startsWith(blobPathPrefix)) {
      // Pictures as static files from the local blob directory (GET/HEAD only, never a listing).
      blobs(req, res).catch((err: unknown) => {
        requestLogger(log, req).error({ err }, "serving a blob failed");
        if (!res.headersSent) res.writeHead(500);
        res.end();
      });
      return;
    }
    oauth
      .serve(req, res)
      .then(async (handled) => handled || (path.startsWith("/api/") && !(await oauth.sessionCredential(req, res))) || gateway(req, res))
      .then((handled) => {
        if (!handled) {
          res.writeHead(404, { "content-type": "text/plain" });
          res.end("not found\n");
        }
      })
      .catch((err: unknown) => {
        requestLogger(log, req).error({ err }, "gateway failed");
        if (!res.headersSent) res.writeHead(500);
        res.end();
      });
  };
  // With metrics: /metrics, and the fallback's requests counted by route.
  const fallback = metrics ? metrics.http(serveFallback) : serveFallback;
  const adapter = rpcAdapter({
    routes,
    interceptors,
    fallback,
    readMaxBytes: config.http.maxBodySize,
    jsonOptions: { useProtoFieldName: true },
    log,
  });
  // (The request log inside grpc-message's patch: its own patch of gRPC trailers goes over that one.
  // Tracing inside the request log: its span starts from the request's record.)
  const handler = withSpecGrpcMessage(requests.http(tracing ? tracing.http(adapter) : adapter));

  const listeners: Listener[] = [];
  const bind = async (option: OptionName, address: string, secure: boolean) => {
    if (!address) return undefined;
    // LoRaWAN Backend Interfaces have listeners of their own; their TLS asks senders for client certificates.
    const interopOption = option.startsWith("interop.");
    // (Traced as requests of their own: spans named `POST interop`.)
    const interopHandler = tracing ? tracing.http(interop.handler, "interop") : interop.handler;
    const options = interopOption ? { handler: requestLog({ log, level: config.log.requestLevel }).http(interopHandler), tls: secure && tls ? interop.tls(tls) : undefined } : { handler: handler as never, tls: secure ? tls : undefined };
    const l = await listen({ address, ...options }).catch((err: unknown) => {
      throw startError(config, option, "cannot listen on", err);
    });
    listeners.push(l);
    return l.address;
  };
  let tls: { cert: Buffer; key: Buffer } | undefined;
  let interop!: ReturnType<typeof createInterop>;
  try {
    tls = config.tls.certificate ? { cert: readOptionFile(config, "tls.certificate"), key: readOptionFile(config, "tls.key") } : undefined;
    interop = createInterop({ config, tenants, log });
    const bound: Array<string | undefined> = [];
    for (const [option, address, secure] of listenAddresses(config)) bound.push(await bind(option, address, secure));
    const [httpAddress, grpcAddress, httpsAddress, grpcsAddress, interopAddress, interopTlsAddress] = bound;
    log.info({ http: httpAddress, grpc: grpcAddress, https: httpsAddress, grpcs: grpcsAddress, interop: interopAddress, interopTls: interopTlsAddress }, "identity server listening");
    // One worker for the mail of every tenant of the deployment.
    const outbox = deploymentOutbox({ primary: primary.db, read: primary.db }, tenants.defaultId);
    emails.start(outbox, metrics?.email, tracing?.email);
    metrics?.outbox(outbox);
    metrics?.database(primary.queries, "primary");
    if (replica) metrics?.database(replica.queries, "replica");
    warmUp(log);
    return {
      httpAddress,
      grpcAddress,
      httpsAddress,
      grpcsAddress,
      interopAddress,
      interopTlsAddress,
      store,
      tenants,
      emails,
      flushTraces: tracing?.flush,
      async close() {
        health.serving = false;
        drain();
        await Promise.all(listeners.map((l) => l.close(config.http.shutdownTimeout)));
        await emails.close(); // the send under way finishes; the rest stays queued for the next start
        metrics?.close();
        unlisten();
        await cache.release();
        await Promise.all(databases.map((d) => d.close()));
        await tracing?.close(); // the last spans (of the requests just drained) exported
      },
    };
  } catch (err) {
    await Promise.all(listeners.map((l) => l.close(0)));
    await emails.close();
    metrics?.close();
    unlisten();
    await cache.release();
    await Promise.all(databases.map((d) => d.close()));
    await tracing?.close();
    throw err;
  }
}
