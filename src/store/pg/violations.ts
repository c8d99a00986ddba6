// Unique and foreign-key violations as catalogue errors. The two drivers report
// the constraint under different names: postgres.js `constraint_name`, PGlite
// `constraint`; drizzle wraps either in `cause`.
import { errAlreadyExists, errIDTaken, type IsError } from "../../errors/index.js";

interface PgError {
  code?: string;
  constraint?: string;
  constraint_name?: string;
}

function pgErrorOf(err: unknown): PgError | undefined {
  for (let e: unknown = err; e && typeof e === "object"; e = (e as { cause?: unknown }).cause) {
    const code = (e as PgError).code;
    if (typeof code === "string" && /^[0-9A-Z]{5}$/.test(code)) return e as PgError;
  }
  return undefined;
}

export function isUniqueViolation(err: unknown): string | undefined {
  const pg = pgErrorOf(err);
  if (pg?.code !== "23505") return undefined;
  return pg.constraint_name ?? pg.constraint ?? "";
}

/** The constraint of a foreign-key violation, or undefined for any other error. */
export function isForeignKeyViolation(err: unknown): string | undefined {
  const pg = pgErrorOf(err);
  if (pg?.code !== "23503") return undefined;
  return pg.constraint_name ?? pg.constraint ?? "";
}

/** Maps a unique violation to `id_taken` (primary keys) or `already_exists`; rethrows anything else. */
export function mapUniqueViolation(err: unknown, byConstraint: Record<string, () => IsError> = {}): never {
  const constraint = isUniqueViolation(err);
  if (constraint === undefined) throw err;
  const mapped = byConstraint[constraint];
  if (mapped) throw mapped();
  if (constraint.endsWith("_pkey")) throw errIDTaken({}, { cause: err });
  throw errAlreadyExists({}, { cause: err });
}

/** Serialization failures and deadlocks: the transaction may be retried. */
export function isRetryable(err: unknown): boolean {
  const code = pgErrorOf(err)?.code;
  return code === "40001" || code === "40P01";
}
