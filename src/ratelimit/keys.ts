// Keys of rate limit counters: `<limiter>:<kind>:<value>`. Values come from
// clients (a user ID typed into a form can be any length), so long ones are
// hashed: a key stays small enough for the primary key's index whatever is
// sent. Client addresses are counted per host, and an IPv6 host is its /64:
// one customer line gets a whole /64, and counting single addresses there
// would give an attacker 2^64 fresh counters.
import { createHash } from "node:crypto";
import net from "node:net";

const maxPlain = 64;

export function rateKey(limiter: string, kind: string, value: string): string {
  const plain = value.length <= maxPlain && /^[\x21-\x7e]*$/.test(value);
  return `${limiter}:${kind}:${plain ? value : `sha256:${createHash("sha256").update(value).digest("hex")}`}`;
}

/** The eight hextets of an IPv6 address. */
function hextets(address: string): string[] {
  const [head, tail] = address.includes("::") ? address.split("::") : [address, undefined];
  const left = head ? head.split(":") : [];
  const right = tail ? tail.split(":") : [];
  // An embedded IPv4 tail (::ffff:1.2.3.4 written otherwise) takes two hextets.
  const expand = (parts: string[]) =>
    parts.flatMap((p) => (p.includes(".") ? ((b) => [((b[0]! << 8) | b[1]!).toString(16), ((b[2]! << 8) | b[3]!).toString(16)])(p.split(".").map(Number)) : [p]));
  const l = expand(left);
  const r = expand(right);
  const middle = tail === undefined ? [] : Array(8 - l.length - r.length).fill("0");
  return [...l, ...middle, ...r].map((h) => h.toLowerCase().padStart(4, "0"));
}

/** What a client address is counted as: an IPv4 address itself, an IPv6 address's /64 network. */
export function addressKeyValue(address: string): string {
  if (net.isIP(address) !== 6) return address;
  return `${hextets(address).slice(0, 4).join(":")}::/64`;
}
