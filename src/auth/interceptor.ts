// Opens the request scope: which tenant's store serves the request and who
// the caller is (resolved once, when first needed). Sets the `warning` header
// when the caller's rights are restricted, on answers and on errors alike.
//
// Every call runs through here, so the scope is a small class (its methods
// live on the prototype, not in closures made per call) and what does not
// change between calls (the authentication settings) is built once.
import type { Interceptor } from "@connectrpc/connect";
import type { Config } from "../config/index.js";
import { toConnectError } from "../errors/index.js";
import type { Emails } from "../email/api.js";
import type { Logger } from "../log.js";
import type { Store } from "../store/interfaces.js";
import { authenticate, type AuthenticateDeps, type Caller } from "./caller.js";
import { scopeKey, type RequestScope } from "./scope.js";

export interface ScopeDeps {
  config: Config;
  store: Store;
  now: () => Date;
  emails: Emails;
  log: Logger;
}

class Scope implements RequestScope {
  readonly config: Config;
  readonly store: Store;
  readonly now: () => Date;
  readonly emails: Emails;
  readonly log: Logger;
  readonly rights = new Map();
  private resolved: Promise<Caller> | undefined;

  constructor(deps: ScopeDeps, private readonly auth: AuthenticateDeps, private readonly header: string | null) {
    this.config = deps.config;
    this.store = deps.store;
    this.now = deps.now;
    this.emails = deps.emails;
    this.log = deps.log;
  }

  caller(): Promise<Caller> {
    return (this.resolved ??= authenticate(this.header, this.auth));
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
  const auth: AuthenticateDeps = {
    store: deps.store,
    clusterKeys: deps.config.cluster.keys.map((k) => Buffer.from(k, "hex")),
    adminRightsAll: deps.config.is.adminRights.all,
    now: deps.now,
    validationRequired: deps.config.is.userRegistration.contactInfoValidation.required,
  };
  return (next) => async (req) => {
    const scope = new Scope(deps, auth, req.header.get("authorization"));
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
