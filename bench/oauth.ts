// make bench: the OAuth server against the real server started in-process
// (PGlite, or PostgreSQL with DATABASE_URL) with the default argon2id cost:
// login throughput through the pages' JSON API, token issuance (the
// authorization_code grant end to end, the refresh_token grant alone, for a
// client whose secret a person chose (argon2id) and one whose secret the server
// generated (keyed hash), with the server's CPU per request), and
// ApplicationRegistry.Get over gRPC alone and while logins run at full tilt,
// to show that password hashing does not stall other calls. Load comes from
// separate processes (bench/lib/oauth-load.ts, bench/load.ts); several rounds
// each, medians printed.
import { spawn } from "node:child_process";
import { create } from "@bufbuild/protobuf";
import { UserSchema } from "../gen/ttn/lorawan/v3/user_pb.js";
import { createHashPool } from "../src/auth/hash-pool.js";
import { createPasswordHasher } from "../src/auth/passwords.js";
import { defaultConfig } from "../src/config/index.js";
import { api } from "../test/helpers/clients.js";
import { closeTestDatabase } from "../test/helpers/database.js";
import { startTestServer } from "../test/helpers/harness.js";
import type { OAuthLoadSpec } from "./lib/oauth-load.js";

const concurrency = Number(process.env.BENCH_CONCURRENCY ?? 8);
const getConcurrency = Number(process.env.BENCH_GET_CONCURRENCY ?? 4);
const seconds = Number(process.env.BENCH_SECONDS ?? 3);
const rounds = Number(process.env.BENCH_ROUNDS ?? 3);

interface Result { rps: number; p50: number; p99: number; count: number }

/** Runs a load generator; `onWarm` / `onMeasure` are called when it says (on stderr) that its warm-up / measurement starts. */
function child(script: string, args: string[], onWarm?: () => void, onMeasure?: () => void): Promise<Result> {
  const proc = spawn(process.execPath, ["--import", "tsx", new URL(script, import.meta.url).pathname, ...args], { stdio: ["ignore", "pipe", "pipe"] });
  let stdout = "";
  let stderr = "";
  proc.stdout.on("data", (d: Buffer) => (stdout += d));
  proc.stderr.on("data", (d: Buffer) => {
    stderr += d;
    if (stderr.includes("warming up\n")) onWarm?.();
    if (onMeasure && stderr.includes("measuring\n")) {
      onMeasure();
      onMeasure = undefined;
    }
  });
  return new Promise((resolve, reject) =>
    proc.on("close", (code) => (code === 0 ? resolve(JSON.parse(stdout) as Result) : reject(new Error(`${script} exited with ${code}: ${stderr}`)))),
  );
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const summary = (rs: Result[]) => ({ rps: median(rs.map((r) => r.rps)), p50: median(rs.map((r) => r.p50)), p99: median(rs.map((r) => r.p99)) });
const fmt = (r: { rps: number; p50: number; p99: number }) => `${r.rps.toFixed(0).padStart(6)} req/s   p50 ${r.p50.toFixed(2).padStart(7)} ms   p99 ${r.p99.toFixed(2).padStart(7)} ms`;

// The server with the production password hashing cost (the test harness lowers it otherwise).
const cost = defaultConfig().is.passwordHashing;
const server = await startTestServer({ "is.password-hashing.memory-cost": cost.memoryCost, "is.password-hashing.time-cost": cost.timeCost });
const mount = server.config.is.oauth.mount;
const hasher = createPasswordHasher(cost, createHashPool());

// What one hash costs here, alone, for reading the figures below.
const hashTimes: number[] = [];
for (let i = 0; i < 10; i++) {
  const start = performance.now();
  await hasher.hash("a password to time");
  hashTimes.push(performance.now() - start);
}

// One user per simulated browser, with an argon2id hash of the configured cost (as after a
// registration), and a confidential client whose secret the registry hashes the same way.
const users: OAuthLoadSpec["users"] = [];
for (let i = 0; i < concurrency; i++) {
  const u = await server.population.user({ id: `bench-user-${i}` });
  await server.population.store.users.update(u.id, create(UserSchema, { password: await hasher.hash(u.password) }), ["password"]);
  users.push({ id: u.id, password: u.password });
}
const storedHash = (await server.population.store.users.get(users[0]!.id)).password;
if (!storedHash.startsWith(`$argon2id$v=19$m=${cost.memoryCost},t=${cost.timeCost},p=1$`)) throw new Error(`unexpected stored hash ${storedHash.slice(0, 30)}`);
const client = { id: "bench-client", secret: "bench-client-secret", redirectUri: "http://127.0.0.1:9/callback" };
const created = await api(server, "POST", "/users/admin/clients", {
  key: server.adminAPIKey,
  body: {
    client: {
      ids: { client_id: client.id }, name: "Bench client", redirect_uris: [client.redirectUri], secret: client.secret, state: "STATE_APPROVED",
      grants: ["GRANT_AUTHORIZATION_CODE", "GRANT_REFRESH_TOKEN"], rights: ["RIGHT_USER_INFO", "RIGHT_APPLICATION_INFO"],
    },
  },
});
if (created.status !== 200) throw new Error(`client: ${created.status} ${JSON.stringify(created.body)}`);
// The same client with a secret the server generated (stored with the keyed hash, not argon2id).
const generatedClient = { id: "bench-generated", secret: "", redirectUri: client.redirectUri };
const generated = await api(server, "POST", "/users/admin/clients", {
  key: server.adminAPIKey,
  body: {
    client: {
      ids: { client_id: generatedClient.id }, name: "Bench client, generated secret", redirect_uris: [client.redirectUri], state: "STATE_APPROVED",
      grants: ["GRANT_AUTHORIZATION_CODE", "GRANT_REFRESH_TOKEN"], rights: ["RIGHT_USER_INFO", "RIGHT_APPLICATION_INFO"],
    },
  },
});
if (generated.status !== 200) throw new Error(`client: ${generated.status} ${JSON.stringify(generated.body)}`);
generatedClient.secret = generated.body.secret;

// ApplicationRegistry.Get target: an application and an API key with APPLICATION_INFO.
const owner = await server.population.user({ id: "bench-owner" });
const appId = await server.population.application({ kind: "user", id: owner.id }, { id: "bench-app", name: "Bench" });
const key = await server.population.apiKey({ kind: "user", id: owner.id }, 15 /* RIGHT_APPLICATION_INFO */);

const oauthLoad = (mode: OAuthLoadSpec["mode"], secs = seconds, onWarm?: () => void, as = client, onMeasure?: () => void) =>
  child("./lib/oauth-load.ts", [JSON.stringify({ baseURL: server.httpURL, mount, mode, users, client: as, seconds: secs } satisfies OAuthLoadSpec)], onWarm, onMeasure);
/** A load run with the server's CPU (this process: event loop and hashing threads) per request, from the measurement's start. */
async function withCpu(run: (onMeasure: () => void) => Promise<Result>): Promise<Result & { cpuMs: number }> {
  let start = process.cpuUsage();
  const r = await run(() => (start = process.cpuUsage()));
  const used = process.cpuUsage(start);
  return { ...r, cpuMs: (used.user + used.system) / 1000 / Math.max(1, r.count) };
}
const getLoad = () => child("./load.ts", [server.grpcAddress, key, appId, String(getConcurrency), String(seconds), "get"]);

const results: Record<string, Result[]> = { login: [], code: [], refresh: [], refreshGenerated: [], get: [], getDuring: [], loginDuring: [] };
const cpu: Record<"refresh" | "refreshGenerated", number[]> = { refresh: [], refreshGenerated: [] };
for (let i = 0; i < rounds; i++) {
  results.login!.push(await oauthLoad("login"));
  results.code!.push(await oauthLoad("authorization-code"));
  // Interleaved: the two kinds of client secret in the same round.
  for (const [name, as] of [["refresh", client], ["refreshGenerated", generatedClient]] as const) {
    const r = await withCpu((onMeasure) => oauthLoad("refresh-token", seconds, undefined, as, onMeasure));
    results[name]!.push(r);
    cpu[name].push(r.cpuMs);
  }
  results.get!.push(await getLoad());
  // The Get callers start once the logins are at full tilt; the logins run on well past the
  // Get measurement (its process start and warm-up included), so they cover all of it.
  let warm!: () => void;
  const loginsWarm = new Promise<void>((resolve) => (warm = resolve));
  const logins = oauthLoad("login", seconds + 3, warm);
  logins.catch(warm); // a failure shows when awaited below, not as a hang here
  await loginsWarm;
  const during = await getLoad();
  results.loginDuring!.push(await logins);
  results.getDuring!.push(during);
}

const s = Object.fromEntries(Object.entries(results).map(([k, v]) => [k, summary(v)]));
console.log(`OAuth server, ${rounds} rounds x ${seconds}s, medians; database: ${process.env.DATABASE_URL ? "PostgreSQL" : "PGlite (embedded)"}`);
console.log(`password hashing: argon2id m=${cost.memoryCost} KiB t=${cost.timeCost} p=1 (the default), one hash alone ${median(hashTimes).toFixed(1)} ms`);
console.log(`${concurrency} concurrent browsers (one user each); the client secret is checked on every token request`);
console.log(`\nlogin          POST ${mount}/api/auth/login (JSON, X-CSRF-Token + _csrf cookie)`);
console.log(`               ${fmt(s.login!)}`);
console.log(`token          GET ${mount}/authorize (session, consent given) + POST ${mount}/token authorization_code (PKCE S256)`);
console.log(`               ${fmt(s.code!)}`);
console.log(`token          POST ${mount}/token refresh_token (rotating), confidential client, server CPU per request`);
console.log(`  chosen secret (argon2id)      ${fmt(s.refresh!)}   CPU ${median(cpu.refresh).toFixed(2)} ms/req`);
console.log(`  generated secret (keyed hash) ${fmt(s.refreshGenerated!)}   CPU ${median(cpu.refreshGenerated).toFixed(2)} ms/req`);
console.log(`  ratio (generated / chosen)    throughput ${(s.refreshGenerated!.rps / s.refresh!.rps).toFixed(2)}x   CPU ${(median(cpu.refreshGenerated) / median(cpu.refresh)).toFixed(2)}x`);
console.log(`\nApplicationRegistry.Get over gRPC (API key), ${getConcurrency} concurrent callers`);
console.log(`  alone                     ${fmt(s.get!)}`);
console.log(`  while ${concurrency} browsers log in   ${fmt(s.getDuring!)}`);
console.log(`  (logins meanwhile         ${fmt(s.loginDuring!)})`);
console.log(`  ratio (during / alone)    p50 ${(s.getDuring!.p50 / s.get!.p50).toFixed(2)}x   p99 ${(s.getDuring!.p99 / s.get!.p99).toFixed(2)}x   throughput ${(s.getDuring!.rps / s.get!.rps).toFixed(2)}`);

await server.close();
await closeTestDatabase();
process.exit(0);
