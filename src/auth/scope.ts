// The per-request scope every handler reads from the Connect context: the
// tenant's store, the caller (authenticated once, lazily) and a rights cache
// so one request never computes the same rights twice.
import { createContextKey, type HandlerContext } from "@connectrpc/connect";
import type { Config } from "../config/index.js";
import type { Right } from "../../gen/ttn/lorawan/v3/rights_pb.js";
import type { Emails } from "../email/api.js";
import type { Logger } from "../log.js";
import type { Store } from "../store/interfaces.js";
import type { TenantDirectory } from "../tenancy/directory.js";
import type { RequestTrace } from "../telemetry/tracing/request-trace.js";
import type { Caller } from "./caller.js";

export interface RequestScope {
  readonly config: Config;
  /** The tenant of the request (src/tenancy/resolve.ts). */
  readonly tenantId: string;
  /** Every tenant's store and the tenant records (TenantRegistry). */
  readonly tenants: TenantDirectory;
  /** The request's tenant's store. */
  readonly store: Store;
  readonly now: () => Date;
  /** E-mail through the outbox (see email/api.ts). */
  readonly emails: Emails;
  /** For what must not fail the request but must not vanish either (e.g. notifications). */
  readonly log: Logger;
  caller(): Promise<Caller>;
  /** The caller when the call has asked who it is (the request log reads it; it never starts an authentication). */
  askedCaller?(): Promise<Caller> | undefined;
  /** The call's trace when it is traced (src/telemetry/tracing/): the parent of the spans a handler opens (hashing). */
  readonly trace?: RequestTrace;
  /** Rights of the caller by entity key; filled by the rights gate. */
  readonly rights: Map<string, Promise<Set<Right>>>;
}

export const scopeKey = createContextKey<RequestScope | undefined>(undefined, { description: "identity server request scope" });

/**
 * Adds a warning to the response's `warning` header (HTTP: `X-Warning`); several
 * warnings of one request are joined with ", " (the interceptor adds the caller's).
 */
export function addWarning(ctx: HandlerContext, message: string): void {
  ctx.responseHeader.append("warning", message);
}

export function scopeOf(ctx: HandlerContext): RequestScope {
  const scope = ctx.values.get(scopeKey);
  if (!scope) throw new Error("request scope missing: the scope interceptor is not installed");
  return scope;
}
