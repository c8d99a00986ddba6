// Who is on the other end of an HTTP request, for throttling and logs. The
// socket peer, unless that peer is one of our own reverse proxies
// (`http.trusted-proxies`, CIDRs): then the address the proxies forwarded, in
// `Forwarded` (RFC 7239, its `for=`) or else `X-Forwarded-For`. Each proxy
// appends the address it received the request from, so the list is read from
// the right: skip addresses of trusted proxies, and the first one that is not
// trusted is the client. Everything left of it was written by the client
// itself and proves nothing, which is why the left-most entry (what many
// frameworks take) is never used unless every hop is trusted.
import net from "node:net";

/** The CIDRs of `http.trusted-proxies`, parsed once. */
export interface TrustedProxies {
  /** Whether the (valid) address lies in one of the networks. */
  has(address: string): boolean;
  readonly size: number;
}

/** The request as far as the address goes: Node's HTTP/1.1 and HTTP/2 requests both fit. */
export interface AddressedRequest {
  socket?: { remoteAddress?: string } | null;
  headers: Record<string, string | string[] | undefined>;
}

/**
 * Parses `10.0.0.0/8`, `2001:db8::/32`, or a single address (a /32 or /128).
 * Throws an Error naming the entry that is not one.
 */
export function trustedProxies(cidrs: readonly string[]): TrustedProxies {
  const list = new net.BlockList();
  cidrs.forEach((entry, i) => {
    const text = entry.trim();
    const slash = text.indexOf("/");
    const address = slash < 0 ? text : text.slice(0, slash);
    const family = net.isIP(address);
    const bits = family === 4 ? 32 : 128;
    const prefixText = slash < 0 ? String(bits) : text.slice(slash + 1);
    const prefix = Number(prefixText);
    if (!family || !/^\d{1,3}$/.test(prefixText) || prefix > bits) {
      throw new Error(`entry ${i + 1} (${JSON.stringify(entry)}) is not an IPv4 or IPv6 network (address/prefix length)`);
    }
    list.addSubnet(address, prefix, family === 4 ? "ipv4" : "ipv6");
  });
  return {
    size: cidrs.length,
    has(address) {
      const family = net.isIP(address);
      // IPv4-mapped IPv6 addresses (::ffff:10.1.2.3, a dual-stack socket's view) match IPv4 networks too.
      return family !== 0 && cidrs.length > 0 && list.check(address, family === 4 ? "ipv4" : "ipv6");
    },
  };
}

/**
 * One address in one spelling, so that one client is one key: IPv4-mapped
 * IPv6 as IPv4, IPv6 in its compressed lower-case form. Undefined when `text`
 * is not an address.
 */
export function normalizeAddress(text: string): string | undefined {
  const family = net.isIP(text);
  if (family === 4) return text;
  if (family !== 6) return undefined;
  const mapped = /^::ffff:(\d{1,3}(?:\.\d{1,3}){3})$/i.exec(text);
  if (mapped && net.isIP(mapped[1]!) === 4) return mapped[1]!;
  // The WHATWG URL parser writes IPv6 hosts canonically (RFC 5952).
  return new URL(`http://[${text}]`).hostname.slice(1, -1);
}

/** An address out of a forwarded entry: `"[2001:db8::1]:4711"`, `192.0.2.1:80`, `2001:db8::1`; undefined for `unknown`, `_hidden` and junk. */
function entryAddress(entry: string): string | undefined {
  let text = entry.trim();
  if (text.startsWith('"') && text.endsWith('"') && text.length >= 2) text = text.slice(1, -1).trim();
  const bracketed = /^\[([^\]]+)\](?::\d+)?$/.exec(text);
  if (bracketed) return normalizeAddress(bracketed[1]!);
  const v4port = /^(\d{1,3}(?:\.\d{1,3}){3}):\d+$/.exec(text);
  if (v4port) return normalizeAddress(v4port[1]!);
  return normalizeAddress(text);
}

function headerText(value: string | string[] | undefined): string {
  return Array.isArray(value) ? value.join(",") : (value ?? "");
}

/** The `for=` of each element of a Forwarded header, left to right (elements without one are skipped). */
function forwardedFor(header: string): string[] {
  const out: string[] = [];
  // Quoted values may hold `,` or `;` (an IPv6 address with a port does not, but be exact).
  for (const element of header.match(/(?:[^,"]|"[^"]*")+/g) ?? []) {
    for (const pair of element.match(/(?:[^;"]|"[^"]*")+/g) ?? []) {
      const eq = pair.indexOf("=");
      if (eq > 0 && pair.slice(0, eq).trim().toLowerCase() === "for") out.push(pair.slice(eq + 1));
    }
  }
  return out;
}

/**
 * The client's address (normalized, see `normalizeAddress`): the socket peer,
 * or, when the peer is a trusted proxy, the right-most forwarded address that
 * is not a trusted proxy (the left-most when all are). A forwarded entry that
 * is no address (`unknown`, an obfuscated `_name`) ends the walk at the last
 * proxy known: nobody else vouches for what lies beyond it. "unknown" when
 * the socket has no address (it closed).
 */
export function clientAddress(req: AddressedRequest, trusted: TrustedProxies): string {
  const peer = normalizeAddress(req.socket?.remoteAddress ?? "");
  if (!peer) return "unknown";
  if (trusted.size === 0 || !trusted.has(peer)) return peer;
  const forwarded = headerText(req.headers.forwarded);
  const hops = forwarded ? forwardedFor(forwarded) : headerText(req.headers["x-forwarded-for"]).split(",").filter((s) => s.trim() !== "");
  let last = peer;
  for (let i = hops.length - 1; i >= 0; i--) {
    const address = entryAddress(hops[i]!);
    if (!address) return last;
    if (!trusted.has(address)) return address;
    last = address;
  }
  return last;
}
