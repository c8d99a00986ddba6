// Sortable random IDs (ULID layout: 48-bit milliseconds, 80 random bits, in
// Crockford base32), so a picture's blob prefix orders by upload time.
import { randomBytes } from "node:crypto";

const alphabet = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";

export function sortableId(at: Date): string {
  let time = BigInt(Math.max(0, Math.min(at.getTime(), 2 ** 48 - 1)));
  let out = "";
  for (let i = 0; i < 10; i++) {
    out = alphabet[Number(time & 31n)] + out;
    time >>= 5n;
  }
  let random = BigInt(`0x${randomBytes(10).toString("hex")}`);
  let tail = "";
  for (let i = 0; i < 16; i++) {
    tail = alphabet[Number(random & 31n)] + tail;
    random >>= 5n;
  }
  return out + tail;
}
