// Errors that mean "the database cannot be reached right now" (connection
// refused, reset or closed, server shutting down, database dropped) become
// `database_unavailable` (UNAVAILABLE, HTTP 503), so clients retry instead of
// seeing `internal`. Drizzle wraps driver errors (`Failed query: ...`), so the
// whole cause chain is searched.
import { errDatabaseUnavailable, IsError } from "../../errors/index.js";

// Node socket errors and postgres.js's own connection error codes.
const connectionCodes = new Set([
  "ECONNREFUSED", "ECONNRESET", "ECONNABORTED", "EPIPE", "ETIMEDOUT", "EHOSTUNREACH", "ENETUNREACH", "ENOTFOUND", "EAI_AGAIN",
  "CONNECTION_CLOSED", "CONNECTION_DESTROYED", "CONNECTION_ENDED", "CONNECT_TIMEOUT",
]);

// SQLSTATEs: class 08 (connection exception), 57P01-57P03 (admin/crash shutdown,
// cannot connect now), 3D000 (the database does not exist: dropped), 53300 (too many connections).
const connectionSqlStates = /^(08...|57P0[123]|3D000|53300)$/;

/** The first error in the cause chain that means the database is unreachable. */
function connectionError(err: unknown): { code: string; message: string } | undefined {
  for (let e: unknown = err, depth = 0; e && typeof e === "object" && depth < 8; e = (e as { cause?: unknown }).cause, depth++) {
    const code = (e as { code?: unknown }).code;
    if (typeof code === "string" && (connectionCodes.has(code) || connectionSqlStates.test(code))) return { code, message: String((e as { message?: unknown }).message ?? "") };
  }
  return undefined;
}

/** The code of the first error in the cause chain that means the database is unreachable. */
export function connectionErrorCode(err: unknown): string | undefined {
  return connectionError(err)?.code;
}

/** `database_unavailable` for a connection error; anything else unchanged. */
export function asUnavailable(err: unknown): unknown {
  if (err instanceof IsError) return err;
  const found = connectionError(err);
  if (!found) return err;
  // When the server answered (a SQLSTATE), its words say more than "cannot reach": e.g. that the database does not exist.
  const reason = connectionSqlStates.test(found.code) && found.message
    ? `${found.message} (SQLSTATE ${found.code})`
    : `cannot reach the database (${found.code})`;
  return errDatabaseUnavailable({ reason }, { cause: err });
}

/**
 * Wraps every method of `target` (and of the objects it holds, such as
 * `store.users`) so that connection errors reject as `database_unavailable`.
 */
export function withUnavailableErrors<T extends object>(target: T, depth = 2): T {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(target)) {
    if (typeof value === "function") {
      out[key] = (...args: unknown[]) => {
        try {
          const result: unknown = value.apply(target, args);
          return result instanceof Promise ? result.catch((err: unknown) => Promise.reject(asUnavailable(err))) : result;
        } catch (err) {
          throw asUnavailable(err);
        }
      };
    } else if (value && typeof value === "object" && !Array.isArray(value) && depth > 0 && Object.getPrototypeOf(value) === Object.prototype) {
      out[key] = withUnavailableErrors(value as object, depth - 1);
    } else {
      out[key] = value;
    }
  }
  return out as T;
}
