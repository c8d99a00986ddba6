// Opens the request scope: which tenant's store serves the request (from its
// host name or `tenant-id` header, see src/tenancy/; an unknown, suspended or
// deleted tenant is refused here, before any handler) and who the caller is
// (resolved once, when first needed). Sets the `warning` header when the
// caller's rights are restricted, on answers and on errors alike.
//
// Every call runs through here, so the scope is a small class (its methods
// live on the prototype, not in closures made per call) and what does not
// change between calls (the authentication settings) is built once per
// tenant configuration. The scope's config is the tenant's effective one
// (src/tenancy/configuration.ts): handlers read options there, never from a
// config captured at start.
import type { ContextValues, Interceptor } from "@connectrpc/connect";
import type { Config } from "../config/index.js";
import { toConnectError } from "../errors/index.js";
import type { Emails } from "../email/api.js";
import type { Logger } from "../log.js";
import { callLogger } from "../telemetry/request-log/context.js";
import { traceKey, type RequestTrace } from "../telemetry/tracing/index.js";
import type { Store } from "../store/interfaces.js";
import type { TenantDirectory } from "../tenancy/directory.js";
import { tenantHeader, type TenantResolver } from "../tenancy/resolve.js";
import { authenticate, type AuthenticateDeps, type Caller } from "./caller.js";
import { scopeKey, type RequestScope } from "./scope.js";

export interface ScopeDeps {
  config: Config;
  tenants: TenantDirectory;
  resolver: TenantResolver;
  now: () => Date;
  emails: Emails;
  log: Logger;
  /** Sees every authentication of a presented credential (src/telemetry/metrics/auth.ts); absent when metrics are off. */
  observeAuthentication?: (header: string, caller: Promise<Caller>) => Promise<Caller>;
  /**
   * The store a call's scope hands out: for a traced call a view opening a
   * span per store operation (src/telemetry/tracing/store.ts), else `store`;
   * absent when tracing is off.
   */
  traceStore?: (store: Store, values: ContextValues) => Store;
}

/**
 * Served for no tenant in particular: TenantRegistry (tenant admin keys) and
 * gRPC health (a probe must not depend on which host name it dialed).
 */
const tenantless = new Set(["tti.lorawan.v3.TenantRegistry", "grpc.health.v1.Health"]);

class Scope implements RequestScope {
  readonly config: Config;
  readonly tenants: TenantDirectory;
  readonly store: Store;
  readonly now: () => Date;
  readonly emails: Emails;
  readonly rights = new Map();
  private callLog: Logger | undefined;
  private readonly baseLog: Logger;
  private readonly observeAuthentication: ScopeDeps["observeAuthentication"];
  private resolved: Promise<Caller> | undefined;

  constructor(
    deps: ScopeDeps,
    config: Config,
    readonly tenantId: string,
    private readonly auth: AuthenticateDeps,
    private readonly header: string | null,
    private readonly values: ContextValues,
  ) {
    this.config = config;
    this.tenants = deps.tenants;
    this.store = auth.store;
    this.now = deps.now;
    this.emails = deps.emails;
    this.baseLog = deps.log;
    this.observeAuthentication = deps.observeAuthentication;
  }

  /** The server's logger naming the request (made when the call first logs). */
  get log(): Logger {
    return (this.callLog ??= callLogger(this.baseLog, this.values));
  }

  caller(): Promise<Caller> {
    if (this.resolved) return this.resolved;
    const resolved = authenticate(this.header, this.auth);
    const observe = this.observeAuthentication;
    return (this.resolved = observe && this.header ? observe(this.header, resolved) : resolved);
  }

  /** The call's trace, when traced: the parent of the spans its handler opens (hashing). */
  get trace(): RequestTrace | undefined {
    return this.values.get(traceKey);
  }

  askedCaller(): Promise<Caller> | undefined {
    return this.resolved;
  }

  /** The caller's warning, when the call asked who the caller is (a failed authentication has none). */
  warning(): Promise<string | undefined> | undefined {
    return this.resolved?.then(
      (caller) => caller.warning,
      () => undefined,
    );
  }
}

export function scopeInterceptor(deps: ScopeDeps): Interceptor {
  const base = {
    clusterKeys: deps.config.cluster.keys.map((k) => Buffer.from(k, "hex")),
    tenantAdminKeys: deps.config.is.tenancy.adminKeys.map((k) => Buffer.from(k, "hex")),
    now: deps.now,
  };
  // Per tenant: what authentication needs, with the tenant's store and the
  // options of its effective configuration (admin rights, validation
  // required), made again only when either changes (a new tenant record gives
  // a new configuration object).
  const auths = new WeakMap<Store, { config: Config; auth: AuthenticateDeps }>();
  const authOf = (store: Store, config: Config) => {
    let held = auths.get(store);
    if (held?.config !== config) {
      const auth = { ...base, store, adminRightsAll: config.is.adminRights.all, validationRequired: config.is.userRegistration.contactInfoValidation.required };
      auths.set(store, (held = { config, auth }));
    }
    return held.auth;
  };
  return (next) => async (req) => {
    let tenantId = deps.tenants.defaultId;
    let config = deps.config;
    if (!tenantless.has(req.service.typeName)) {
      tenantId = deps.resolver.resolve(req.header.get("host"), req.header.get(tenantHeader));
      await deps.tenants.admit(tenantId);
      config = await deps.tenants.config(tenantId);
    }
    const store = deps.tenants.store(tenantId);
    let auth = authOf(store, config);
    if (deps.traceStore) {
      // A traced call reads (and authenticates) through a view of the store whose operations are spans.
      const traced = deps.traceStore(store, req.contextValues);
      if (traced !== store) auth = { ...auth, store: traced, trace: req.contextValues.get(traceKey) };
    }
    const scope = new Scope(deps, config, tenantId, auth, req.header.get("authorization"), req.contextValues);
    req.contextValues.set(scopeKey, scope);
    let res;
    try {
      res = await next(req);
    } catch (err) {
      // The stack sends the header with errors too (a restricted user learns
      // why a call was refused); errors carry it as metadata.
      const pending = scope.warning();
      const w = pending && (await pending);
      if (!w) throw err;
      const converted = toConnectError(err);
      converted.metadata.set("warning", w);
      throw converted;
    }
    const pending = scope.warning();
    const w = pending && (await pending);
    // Appended: a handler may have warned already (addWarning in scope.ts).
    if (w) res.header.append("warning", w);
    return res;
  };
}
