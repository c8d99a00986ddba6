// A failed migration as one line with its real cause. Drizzle reports
// `Failed query: <the whole migration>` and keeps PostgreSQL's message, code,
// detail and hint in `cause`; the operator needs those, not the SQL.
import { asUnavailable } from "./unavailable.js";

interface PgCause {
  message?: string;
  code?: string;
  detail?: string;
  hint?: string;
}

const oneLine = (text: string, max: number) => {
  const flat = text.replace(/\s+/g, " ").trim();
  return flat.length > max ? `${flat.slice(0, max - 3)}...` : flat;
};

/** The text of a migration failure: the cause's message, SQLSTATE, detail and hint, and the start of the statement. */
export function describeMigrationError(err: unknown): string {
  let query: string | undefined;
  let cause: unknown = err;
  for (let depth = 0; cause && typeof cause === "object" && depth < 8; depth++) {
    if (typeof (cause as { query?: unknown }).query === "string") query ??= (cause as { query: string }).query;
    const next = (cause as { cause?: unknown }).cause;
    if (!next) break;
    cause = next;
  }
  const pg = (cause && typeof cause === "object" ? cause : { message: String(cause) }) as PgCause;
  const parts = [oneLine(pg.message ?? String(cause), 300)];
  if (pg.code) parts[0] += ` (${/^[0-9A-Z]{5}$/.test(pg.code) ? "SQLSTATE " : ""}${pg.code})`;
  if (pg.detail) parts.push(`detail: ${oneLine(pg.detail, 200)}`);
  if (pg.hint) parts.push(`hint: ${oneLine(pg.hint, 200)}`);
  if (query) parts.push(`in: ${oneLine(query, 120)}`);
  return `database migration failed: ${parts.join("; ")}`;
}

/**
 * The error to throw for a failed migration: `database_unavailable` when the
 * database cannot be reached, else an Error whose text is the one line above.
 */
export function migrationError(err: unknown): Error {
  const unavailable = asUnavailable(err);
  if (unavailable !== err) return unavailable as Error;
  const out = new Error(describeMigrationError(err), { cause: err });
  // The stack would point into drizzle's migrator and say nothing the line does not.
  out.stack = out.message;
  return out;
}
