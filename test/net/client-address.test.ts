// Table tests for the client address behind proxies (src/net/client-address.ts):
// forwarded addresses count only from trusted peers, the list is read from the
// right, IPv4 and IPv6 networks both match, one client has one spelling; and
// the rate limit keys (src/ratelimit/keys.ts) and the sliding-window arithmetic
// (src/ratelimit/sliding-window.ts).
import { test } from "uvu";
import * as assert from "uvu/assert";
import { ConfigError, loadConfig } from "../../src/config/index.js";
import { clientAddress, normalizeAddress, trustedProxies, type AddressedRequest } from "../../src/net/client-address.js";
import { addressKeyValue, rateKey } from "../../src/ratelimit/keys.js";
import { waitMs } from "../../src/ratelimit/sliding-window.js";

const req = (peer: string | undefined, headers: Record<string, string | string[]> = {}): AddressedRequest => ({ socket: { remoteAddress: peer }, headers });
const proxies = trustedProxies(["10.0.0.0/8", "192.168.1.1", "2001:db8:ffff::/48", "127.0.0.0/8"]);

const cases: Array<[string, AddressedRequest, string]> = [
  ["an untrusted peer is the client, whatever it forwards", req("203.0.113.9", { "x-forwarded-for": "198.51.100.1" }), "203.0.113.9"],
  ["an untrusted peer's Forwarded header is ignored too", req("203.0.113.9", { forwarded: "for=198.51.100.1" }), "203.0.113.9"],
  ["a trusted peer without forwarded headers is the client", req("10.1.2.3"), "10.1.2.3"],
  ["a trusted peer forwards the client", req("10.1.2.3", { "x-forwarded-for": "198.51.100.1" }), "198.51.100.1"],
  ["the right-most untrusted entry, not what the client prepended", req("10.1.2.3", { "x-forwarded-for": "1.1.1.1, 198.51.100.1" }), "198.51.100.1"],
  ["trusted hops in the chain are skipped", req("10.1.2.3", { "x-forwarded-for": "1.1.1.1, 198.51.100.1, 10.9.9.9, 192.168.1.1" }), "198.51.100.1"],
  ["a single trusted address (/32) outside the networks", req("192.168.1.1", { "x-forwarded-for": "198.51.100.7" }), "198.51.100.7"],
  ["its neighbour is not trusted", req("192.168.1.2", { "x-forwarded-for": "198.51.100.7" }), "192.168.1.2"],
  ["all hops trusted: the left-most", req("10.1.2.3", { "x-forwarded-for": "10.0.0.5, 10.0.0.6" }), "10.0.0.5"],
  ["repeated X-Forwarded-For headers read as one list", req("10.1.2.3", { "x-forwarded-for": ["1.1.1.1", "198.51.100.2"] }), "198.51.100.2"],
  ["an IPv4-mapped peer matches IPv4 networks and reads as IPv4", req("::ffff:10.1.2.3", { "x-forwarded-for": "::ffff:198.51.100.3" }), "198.51.100.3"],
  ["an IPv6 proxy network", req("2001:db8:ffff:1::5", { "x-forwarded-for": "2001:DB8:0:0::1" }), "2001:db8::1"],
  ["an IPv6 peer outside it", req("2001:db8:fffe::5", { "x-forwarded-for": "198.51.100.1" }), "2001:db8:fffe::5"],
  ["Forwarded wins over X-Forwarded-For", req("10.1.2.3", { forwarded: "for=198.51.100.4", "x-forwarded-for": "198.51.100.5" }), "198.51.100.4"],
  ["Forwarded: quoted IPv6 with port, several elements, other parameters", req("10.1.2.3", { forwarded: 'for=1.1.1.1;proto=https, for="[2001:db8:cafe::17]:4711";by=10.0.0.1' }), "2001:db8:cafe::17"],
  ["Forwarded: case of the parameter name does not matter", req("10.1.2.3", { forwarded: "For=198.51.100.6" }), "198.51.100.6"],
  ["X-Forwarded-For with a port", req("10.1.2.3", { "x-forwarded-for": "198.51.100.8:5555" }), "198.51.100.8"],
  ["an unknown hop ends the walk at the last proxy known", req("10.1.2.3", { forwarded: "for=unknown, for=10.0.0.9" }), "10.0.0.9"],
  ["junk in X-Forwarded-For: the proxy that passed it on", req("10.1.2.3", { "x-forwarded-for": "<script>" }), "10.1.2.3"],
  ["no socket address (closed): unknown", req(undefined), "unknown"],
];

for (const [name, r, want] of cases) {
  test(`client address: ${name}`, () => {
    assert.is(clientAddress(r, proxies), want);
  });
}

test("with no trusted proxies, forwarded headers never count", () => {
  const none = trustedProxies([]);
  assert.is(clientAddress(req("127.0.0.1", { "x-forwarded-for": "198.51.100.1" }), none), "127.0.0.1");
  assert.is(clientAddress(req("10.0.0.1", { forwarded: "for=198.51.100.1" }), none), "10.0.0.1");
});

test("trusted proxies: malformed entries are refused, naming the entry", () => {
  for (const bad of ["10.0.0.0/33", "10.0.0/8", "2001:db8::/129", "example.com", "10.0.0.0/", "10.0.0.0/-1", "10.0.0.0/8/8"]) {
    assert.throws(() => trustedProxies(["10.0.0.0/8", bad]), (err: Error) => err.message.includes("entry 2") && err.message.includes(bad), bad);
  }
  assert.is(trustedProxies(["::1", " 10.0.0.0/8 "]).has("::1"), true);
});

test("http.trusted-proxies: a malformed CIDR stops the start, naming the option; the stack's default trusts the private networks", () => {
  assert.throws(
    () => loadConfig({ argv: ["--http.trusted-proxies", "10.0.0.0/8,300.1.1.1/8"], env: {} }),
    (err: unknown) => err instanceof ConfigError && err.option === "http.trusted-proxies" && /entry 2/.test((err as Error).message),
  );
  const { config } = loadConfig({ argv: [], env: { TTN_LW_HTTP_TRUSTED_PROXIES: "" } });
  assert.equal(config.http.trustedProxies, []);
  assert.equal(loadConfig({ argv: [], env: {} }).config.http.trustedProxies, ["127.0.0.0/8", "10.0.0.0/8", "100.64.0.0/10", "172.16.0.0/12", "192.168.0.0/16"]);
});

test("normalizeAddress: one spelling per address", () => {
  assert.is(normalizeAddress("::FFFF:192.0.2.1"), "192.0.2.1");
  assert.is(normalizeAddress("2001:0DB8:0000:0000:0000:0000:0000:0001"), "2001:db8::1");
  assert.is(normalizeAddress("192.0.2.1"), "192.0.2.1");
  assert.is(normalizeAddress("192.0.2.256"), undefined);
  assert.is(normalizeAddress("unknown"), undefined);
});

test("rate limit keys: IPv6 hosts counted per /64, long values hashed", () => {
  assert.is(addressKeyValue("192.0.2.1"), "192.0.2.1");
  assert.is(addressKeyValue("2001:db8:1:2:3:4:5:6"), "2001:0db8:0001:0002::/64");
  assert.is(addressKeyValue("2001:db8:1:2::9"), addressKeyValue("2001:db8:1:2:ffff::1"));
  assert.is.not(addressKeyValue("2001:db8:1:2::9"), addressKeyValue("2001:db8:1:3::9"));
  assert.is(addressKeyValue("::1"), "0000:0000:0000:0000::/64");
  assert.is(rateKey("login", "user", "alice"), "login:user:alice");
  const long = rateKey("login", "user", "a".repeat(5000));
  assert.match(long, /^login:user:sha256:[0-9a-f]{64}$/);
  assert.match(rateKey("login", "user", "with space"), /sha256:/);
});

const minute = { limit: 5, windowMs: 60_000 };
const t0 = Date.parse("2030-01-01T00:00:00Z"); // a window boundary
const waits: Array<[string, { previous: number; current: number }, number, number]> = [
  ["nothing counted", { previous: 0, current: 0 }, t0, 0],
  ["below the limit", { previous: 0, current: 4 }, t0 + 10_000, 0],
  ["at the limit in this window: until the next one starts", { previous: 0, current: 5 }, t0, 60_000],
  ["at the limit, 20 s in", { previous: 0, current: 5 }, t0 + 20_000, 40_000],
  ["above it: the next window must be partly over", { previous: 0, current: 10 }, t0, 90_000],
  ["the previous window weighs what of it is still inside the last minute", { previous: 5, current: 0 }, t0 + 1_000, 0],
  ["a full previous window at the boundary: its first millisecond has left the last minute", { previous: 5, current: 0 }, t0, 0],
  ["a previous window above the limit", { previous: 10, current: 0 }, t0, 30_000],
  ["previous and current together", { previous: 6, current: 2 }, t0 + 6_000, 24_000],
];
/** The counts as seen at `to`, when nothing more is counted after `from`. */
function countsAt(counts: { previous: number; current: number }, from: number, to: number) {
  const windows = Math.floor(to / 60_000) - Math.floor(from / 60_000);
  return windows === 0 ? counts : windows === 1 ? { previous: counts.current, current: 0 } : { previous: 0, current: 0 };
}
for (const [name, counts, now, want] of waits) {
  test(`sliding window: ${name}`, () => {
    assert.is(waitMs(minute, counts, now), want);
    if (want === 0) return;
    // Waiting the answer is enough, and a millisecond less is not.
    assert.is(waitMs(minute, countsAt(counts, now, now + want), now + want), 0);
    assert.ok(waitMs(minute, countsAt(counts, now, now + want - 1), now + want - 1) > 0);
  });
}

test.run();
