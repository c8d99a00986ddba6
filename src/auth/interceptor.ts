// Opens the request scope: which tenant's store serves the request and who
// the caller is (resolved once, when first needed). Sets the `warning` header
// when the caller's rights are restricted, on answers and on errors alike.
import type { Interceptor } from "@connectrpc/connect";
import type { Config } from "../config/index.js";
import { toConnectError } from "../errors/index.js";
import type { Emails } from "../email/api.js";
import type { Logger } from "../log.js";
import type { Store } from "../store/interfaces.js";
import { authenticate } from "./caller.js";
import { scopeKey, type RequestScope } from "./scope.js";

export interface ScopeDeps {
  config: Config;
  store: Store;
  now: () => Date;
  emails: Emails;
  log: Logger;
}

export function scopeInterceptor(deps: ScopeDeps): Interceptor {
  const clusterKeys = deps.config.cluster.keys.map((k) => Buffer.from(k, "hex"));
  return (next) => async (req) => {
    const header = req.header.get("authorization");
    let caller: ReturnType<RequestScope["caller"]> | undefined;
    const scope: RequestScope = {
      config: deps.config,
      store: deps.store,
      now: deps.now,
      emails: deps.emails,
      log: deps.log,
      rights: new Map(),
      caller: () =>
        (caller ??= authenticate(header, { store: deps.store, clusterKeys, adminRightsAll: deps.config.is.adminRights.all, now: deps.now, validationRequired: deps.config.is.userRegistration.contactInfoValidation.required })),
    };
    req.contextValues.set(scopeKey, scope);
    const warning = async () => (caller ? (await caller.catch(() => undefined))?.warning : undefined);
    let res;
    try {
      res = await next(req);
    } catch (err) {
      // The stack sends the header with errors too (a restricted user learns
      // why a call was refused); errors carry it as metadata.
      const w = await warning();
      if (!w) throw err;
      const converted = toConnectError(err);
      converted.metadata.set("warning", w);
      throw converted;
    }
    const w = await warning();
    // Appended: a handler may have warned already (addWarning in scope.ts).
    if (w) res.header.append("warning", w);
    return res;
  };
}
