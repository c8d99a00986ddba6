// Notification IDs: UUIDs (36 characters, as the API validates them) whose
// leading bits are the creation time (UUID version 7), so IDs sort in creation
// order and break ties between notifications created in the same millisecond.
import { randomBytes } from "node:crypto";

let lastMs = 0;
let sequence = 0;

/** A new version 7 UUID for `at`; strictly increasing within this process. */
export function newNotificationId(at: Date): string {
  let ms = at.getTime();
  // A clock that stands still or goes back (tests inject one) still yields increasing IDs.
  if (ms <= lastMs) {
    ms = lastMs;
    sequence++;
    if (sequence > 0xfff) {
      ms++;
      sequence = 0;
    }
  } else {
    sequence = randomBytes(2).readUInt16BE() & 0x7ff;
  }
  lastMs = ms;
  const bytes = randomBytes(16);
  bytes.writeUIntBE(ms, 0, 6);
  bytes[6] = 0x70 | (sequence >> 8); // version 7, high bits of the sequence
  bytes[7] = sequence & 0xff;
  bytes[8] = 0x80 | (bytes[8]! & 0x3f); // RFC 4122 variant
  const hex = bytes.toString("hex");
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}
