// make bench: the OAuth server (default argon2id cost) against oidc-provider with
// its in-memory store (bench/lib/oidc-peer.ts, a process of its own), both loaded
// by autocannon with BENCH_IN_FLIGHT (16) connections, interleaved:
// - userinfo with an access token (scopes openid profile email): target >= 0.6;
// - the refresh_token grant of a confidential client (HTTP Basic), refresh tokens
//   rotated on both sides and no ID token on either (oidc-provider is asked for
//   scope offline_access alone on refresh): target >= 0.5 for a client whose
//   secret the server generated (keyed hash);
// then ApplicationRegistry.Get over gRPC (h2load) alone, during 30 logins/s and
// during 30 refreshes/s of a client whose secret a person chose (argon2id on every
// refresh), both open loop (evenly spaced, sent whether or not earlier ones were
// answered): target p99 < 1.5x alone, not met unless the background was answered
// at 90 % of its rate.
import { create } from "@bufbuild/protobuf";
import { UserSchema } from "../gen/ttn/lorawan/v3/user_pb.js";
import { createHashPool } from "../src/auth/hash-pool.js";
import { createPasswordHasher } from "../src/auth/passwords.js";
import { defaultConfig } from "../src/config/index.js";
import { api } from "../test/helpers/clients.js";
import { WebClient } from "../test/helpers/browser.js";
import { httpLoad, type HttpLoadResult, type HttpLoadSpec } from "./lib/http-load.js";
import { startPeer } from "./lib/child.js";
import { interleave, summarize, type Summary } from "./lib/compare.js";
import { cpuMeter } from "./lib/cpu.js";
import { basicAuth, isTokens, opTokens, type OAuthClient } from "./lib/oauth-tokens.js";
import { failedText, heading, info, ratioLine, sideLine, target } from "./lib/report.js";
import { getApplicationCall, loadGrpc, startBenchServer } from "./lib/server.js";
import { settings } from "./lib/settings.js";
import { median } from "./lib/stats.js";

const cost = defaultConfig().is.passwordHashing;
const server = await startBenchServer({ "is.password-hashing.memory-cost": cost.memoryCost, "is.password-hashing.time-cost": cost.timeCost });
const mount = server.config.is.oauth.mount;
const hasher = createPasswordHasher(cost, createHashPool());
const hashTimes: number[] = [];
for (let i = 0; i < 5; i++) {
  const start = performance.now();
  await hasher.hash("a password to time");
  hashTimes.push(performance.now() - start);
}

// A user whose password is stored as after a registration (argon2id at the default cost).
const user = await server.population.user({ id: "bench-user" });
await server.population.store.users.update(user.id, create(UserSchema, { password: await hasher.hash(user.password) }), ["password"]);

const redirectUri = "http://127.0.0.1:9/callback";
/** A confidential client with RIGHT_USER_INFO; without `secret` the server generates one. */
async function isClient(id: string, secret?: string): Promise<OAuthClient> {
  const client = { ids: { client_id: id }, name: id, redirect_uris: [redirectUri], state: "STATE_APPROVED", grants: ["GRANT_AUTHORIZATION_CODE", "GRANT_REFRESH_TOKEN"], rights: ["RIGHT_USER_INFO"], ...(secret ? { secret } : {}) };
  const res = await api(server, "POST", "/users/admin/clients", { key: server.adminAPIKey, body: { client } });
  if (res.status !== 200) throw new Error(`client ${id}: ${res.status} ${JSON.stringify(res.body)}`);
  return { id, secret: secret ?? res.body.secret, redirectUri };
}
const generated = await isClient("bench-generated");
const chosen = await isClient("bench-chosen", "a secret a person chose");

// The userinfo answer of the IS is the account oidc-provider answers with.
const isUserinfo = `${server.httpURL}${mount}/userinfo`;
const isAccess = (await isTokens(server.httpURL, mount, user, generated, 1))[0]!.access_token;
const claims = await fetch(isUserinfo, { headers: { authorization: `Bearer ${isAccess}` } }).then((r) => r.json() as Promise<Record<string, unknown> & { sub: string }>);
const opClient = { id: "bench-client", secret: "bench-client-secret-0123456789", redirectUri };
const op = await startPeer<{ issuer: string }>(new URL("./lib/oidc-peer.ts", import.meta.url), { client: opClient, account: claims });
const opAccess = (await opTokens(op.info.issuer, opClient, 1))[0]!.access_token;
const opClaims = (await fetch(`${op.info.issuer}/me`, { headers: { authorization: `Bearer ${opAccess}` } }).then((r) => r.json())) as Record<string, unknown>;
if (JSON.stringify(Object.keys(opClaims).sort()) !== JSON.stringify(Object.keys(claims).sort())) throw new Error(`userinfo differs: ${JSON.stringify(claims)} vs ${JSON.stringify(opClaims)}`);

/** HTTP load with the run's settings. */
const http = (spec: Omit<HttpLoadSpec, "connections" | "seconds"> & { seconds?: number }, onMeasure?: () => void) =>
  httpLoad({ connections: settings.inFlight, seconds: settings.seconds, ...spec }, onMeasure);

// Refresh tokens are single-use: a pool per client, topped up before each run to what it can lose
// (the requests in flight when autocannon's warm-up and measured run end) and still keep every
// connection busy, or for a paced run to what twice its rate of requests in flight would take.
const refreshSources = {
  generated: { tokenUrl: `${server.httpURL}${mount}/token`, client: generated, form: {}, more: (n: number) => isTokens(server.httpURL, mount, user, generated, n) },
  chosen: { tokenUrl: `${server.httpURL}${mount}/token`, client: chosen, form: {}, more: (n: number) => isTokens(server.httpURL, mount, user, chosen, n) },
  // Only offline_access: with openid, oidc-provider would sign an ID token on every refresh, which the IS does not do.
  op: { tokenUrl: `${op.info.issuer}/token`, client: opClient, form: { scope: "offline_access" }, more: (n: number) => opTokens(op.info.issuer, opClient, n) },
};
const pools: Record<keyof typeof refreshSources, string[]> = { generated: [], chosen: [], op: [] };
async function refreshes(name: keyof typeof refreshSources, onMeasure: () => void, opts: { seconds?: number; rate?: number } = {}): Promise<HttpLoadResult> {
  const { tokenUrl, client, form, more } = refreshSources[name];
  const need = opts.rate ? 2 * opts.rate : 3 * settings.inFlight;
  if (pools[name].length < need) pools[name].push(...(await more(need - pools[name].length)).map((p) => p.refresh_token));
  const headers = { "content-type": "application/x-www-form-urlencoded", authorization: basicAuth(client) };
  const result = await http({ url: tokenUrl, method: "POST", headers, tokens: { pool: pools[name], field: "refresh_token", form: { grant_type: "refresh_token", ...form } }, ...opts }, onMeasure);
  pools[name] = result.pool;
  return result;
}

const opMeter = cpuMeter(op.pid);
try {
  console.log(`password hashing: argon2id m=${cost.memoryCost} KiB t=${cost.timeCost} p=1 (the default), one hash alone ${median(hashTimes).toFixed(1)} ms`);

  heading(`OAuth userinfo (GET, Bearer access token), ${settings.inFlight} connections (autocannon)`);
  const [isInfo, opInfo] = (
    await interleave(settings.rounds, [
      { name: "identity server", meter: server.meter, run: (m) => http({ url: isUserinfo, headers: { authorization: `Bearer ${isAccess}` } }, m) },
      { name: "oidc-provider", meter: opMeter, run: (m) => http({ url: `${op.info.issuer}/me`, headers: { authorization: `Bearer ${opAccess}` } }, m) },
    ])
  ).map(summarize) as [Summary, Summary];
  sideLine("identity server", isInfo);
  sideLine("oidc-provider", opInfo);
  target({ name: "OAuth userinfo / oidc-provider", op: ">=", limit: 0.6, measured: ratioLine("IS / oidc-provider", isInfo, opInfo) });

  heading(`OAuth token, refresh_token grant, confidential client with a generated secret, ${settings.inFlight} connections (autocannon)`);
  const [isGenerated, opRefresh] = (
    await interleave(settings.rounds, [
      { name: "identity server", meter: server.meter, run: (m) => refreshes("generated", m) },
      { name: "oidc-provider", meter: opMeter, run: (m) => refreshes("op", m) },
    ])
  ).map(summarize) as [Summary, Summary];
  sideLine("identity server", isGenerated);
  sideLine("oidc-provider", opRefresh);
  const refreshRatio = ratioLine("IS / oidc-provider", isGenerated, opRefresh);
  target({ name: "OAuth refresh_token grant / oidc-provider", op: ">=", limit: 0.5, measured: refreshRatio });

  // Get under h2load while a background load runs at 30 requests/s: its warm-up second comes first, then
  // its measured seconds cover Get's warm-up and measured run.
  const get = await getApplicationCall(server);
  const csrfWeb = new WebClient(server.httpURL);
  const csrf = await csrfWeb.csrf(mount);
  const login = (onStarted: () => void) =>
    http({ url: `${server.httpURL}${mount}/api/auth/login`, method: "POST", headers: { "content-type": "application/json", cookie: csrfWeb.cookieHeader(), "x-csrf-token": csrf }, body: JSON.stringify({ user_id: user.id, password: user.password }), seconds: settings.seconds + 3, rate: 30 }, onStarted);
  const refresh = (onStarted: () => void) => refreshes("chosen", onStarted, { seconds: settings.seconds + 3, rate: 30 });
  const background: Record<string, HttpLoadResult[]> = { logins: [], refreshes: [] };
  const during = (name: string, load: (onStarted: () => void) => Promise<HttpLoadResult>) => async (onMeasure: () => void) => {
    let started!: () => void;
    const go = new Promise<void>((resolve) => (started = resolve));
    const running = load(started);
    running.catch(started); // a failure shows when awaited below
    await go;
    const result = await loadGrpc(server.grpcAddress, get, onMeasure);
    background[name]!.push(await running);
    return result;
  };
  heading(`ApplicationRegistry.Get, gRPC, ${settings.inFlight} in flight (h2load), alone and during 30 logins/s or 30 refreshes/s`);
  const [alone, duringLogins, duringRefreshes] = (
    await interleave(settings.rounds, [
      { name: "alone", meter: server.meter, run: (m) => loadGrpc(server.grpcAddress, get, m) },
      { name: "during logins", meter: server.meter, run: during("logins", login) },
      { name: "during refreshes", meter: server.meter, run: during("refreshes", refresh) },
    ])
  ).map(summarize) as [Summary, Summary, Summary];
  sideLine("alone", alone);
  sideLine("during 30 logins/s", duringLogins);
  sideLine("during 30 refreshes/s", duringRefreshes);
  for (const [name, figure] of [["logins", duringLogins], ["refreshes", duringRefreshes]] as const) {
    const s = summarize(background[name]!.map((r) => ({ ...r, serverMs: 0, postgresMs: 0 })));
    info(`${name} meanwhile: ${s.rps.toFixed(1)}/s answered, p50 ${s.p50.toFixed(1)} ms, p99 ${s.p99.toFixed(1)} ms${failedText(s)}; the CPU per Get above includes them`);
    const invalid = s.rps < 27 ? `${name} answered at only ${s.rps.toFixed(1)}/s` : undefined;
    target({ name: `Get p99 during 30 ${name}/s / alone`, op: "<", limit: 1.5, measured: figure.p99 / alone.p99, unit: "x", invalid });
  }
} finally {
  await op.close();
  await server.stop();
}
process.exit(0);
