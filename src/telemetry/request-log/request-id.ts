// Request IDs: the client's `x-request-id` when it is one we can echo and log
// as it is, a new one otherwise. New ones are ULIDs, as The Things Stack makes
// them (webmiddleware.RequestID): 26 characters, the first 10 the time in
// milliseconds, so they sort by time; the other 16 random.
import { randomFillSync } from "node:crypto";

/** The header (gRPC metadata key) carrying the request ID both ways. */
export const requestIdHeader = "x-request-id";

/** Printable ASCII without spaces, up to 128 characters: a value safe in a header, a log line and a terminal. */
const acceptable = /^[\x21-\x7e]{1,128}$/;

/** Crockford's base32, as ULIDs use. */
const alphabet = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";

// Random bytes fetched in bulk: one call to the system per 256 IDs, not one per ID.
const pool = Buffer.allocUnsafe(4096);
let used = pool.length;

export function newRequestId(now = Date.now()): string {
  let time = "";
  for (let i = 0, t = now; i < 10; i++, t = Math.floor(t / 32)) time = alphabet[t % 32]! + time;
  if (used + 16 > pool.length) {
    randomFillSync(pool);
    used = 0;
  }
  // 5 random bits from each of 16 bytes: 80 bits, as a ULID has.
  let random = "";
  for (let i = 0; i < 16; i++) random += alphabet[pool[used++]! & 31];
  return time + random;
}

/** The client's request ID when acceptable (a list from repeated headers is not), else a new one. */
export function acceptRequestId(sent: string | string[] | null | undefined): string {
  return typeof sent === "string" && acceptable.test(sent) ? sent : newRequestId();
}
