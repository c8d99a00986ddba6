// Load generator of the OAuth benchmark, run as its own process (as bench/load.ts
// is) so it does not share the server's event loop. One simulated browser per
// user, all at once, for a fixed time after a warm-up (announced on stderr, so the
// benchmark can start other load then); prints one JSON line with count,
// duration and latencies. Modes:
//   login               POST <mount>/api/auth/login with the CSRF token as the pages send it
//                       (cookie + X-CSRF-Token), by a browser that is not logged in yet;
//   authorization-code  GET <mount>/authorize with the session (consent given once in setup)
//                       -> 302 with a code -> POST <mount>/token (PKCE S256, client secret by Basic);
//   refresh-token       POST <mount>/token with grant_type=refresh_token, each browser its own chain.
import { createHash, randomBytes } from "node:crypto";
import { WebClient } from "../../test/helpers/browser.js";

export interface OAuthLoadSpec {
  baseURL: string;
  mount: string;
  mode: "login" | "authorization-code" | "refresh-token";
  users: { id: string; password: string }[];
  client: { id: string; secret: string; redirectUri: string };
  seconds: number;
}

const spec = JSON.parse(process.argv[2]!) as OAuthLoadSpec;
const { mount, client } = spec;
const basic = `Basic ${Buffer.from(`${encodeURIComponent(client.id)}:${encodeURIComponent(client.secret)}`).toString("base64")}`;

function expect(ok: boolean, what: string, res: { status: number; text: string }): void {
  if (!ok) throw new Error(`${spec.mode}: ${what}: ${res.status} ${res.text.slice(0, 300)}`);
}

async function token(fields: Record<string, string>): Promise<{ access_token: string; refresh_token: string }> {
  const res = await fetch(new URL(`${mount}/token`, spec.baseURL), {
    method: "POST",
    headers: { "content-type": "application/x-www-form-urlencoded", authorization: basic },
    body: new URLSearchParams(fields).toString(),
  });
  const text = await res.text();
  expect(res.status === 200, "token", { status: res.status, text });
  return JSON.parse(text);
}

/** A code for the browser's user: GET authorize (consenting by form the first time), then the redirect's code. */
async function code(web: WebClient, challenge: string): Promise<string> {
  const path = `${mount}/authorize?${new URLSearchParams({ client_id: client.id, redirect_uri: client.redirectUri, response_type: "code", state: randomBytes(8).toString("hex"), code_challenge: challenge, code_challenge_method: "S256" })}`;
  let res = await web.get(path);
  if (res.status === 200) {
    const form = Object.fromEntries(new URL(path, spec.baseURL).searchParams);
    res = await web.postForm(`${mount}/authorize`, { ...form, authorize: "true" }, mount);
  }
  expect(res.status === 302 || res.status === 303, "authorize", res);
  const got = new URL(res.location!).searchParams.get("code");
  expect(!!got, "authorize without a code", res);
  return got!;
}

async function exchange(web: WebClient): Promise<{ access_token: string; refresh_token: string }> {
  const verifier = randomBytes(32).toString("base64url");
  const c = await code(web, createHash("sha256").update(verifier).digest("base64url"));
  return token({ grant_type: "authorization_code", code: c, redirect_uri: client.redirectUri, code_verifier: verifier });
}

/** Per browser: its setup, then the call to time. */
async function browser(user: { id: string; password: string }): Promise<() => Promise<void>> {
  const web = new WebClient(spec.baseURL);
  if (spec.mode === "login") {
    const csrf = await web.csrf(mount);
    return async () => {
      web.jar.delete("_session");
      const res = await web.request("POST", `${mount}/api/auth/login`, { json: { user_id: user.id, password: user.password }, headers: { "x-csrf-token": csrf } });
      expect(res.status === 204, "login", res);
    };
  }
  await web.login(user.id, user.password, mount);
  if (spec.mode === "authorization-code") return async () => void (await exchange(web));
  let refresh = (await exchange(web)).refresh_token;
  return async () => {
    refresh = (await token({ grant_type: "refresh_token", refresh_token: refresh })).refresh_token;
  };
}

const calls = await Promise.all(spec.users.map(browser));

async function run(until: number, latencies?: number[]): Promise<void> {
  await Promise.all(
    calls.map(async (call) => {
      while (performance.now() < until) {
        const start = performance.now();
        await call();
        latencies?.push(performance.now() - start);
      }
    }),
  );
}

process.stderr.write("warming up\n"); // the benchmark starts concurrent load on this signal
await run(performance.now() + 1000); // warm-up: connections, JIT, caches
const latencies: number[] = [];
process.stderr.write("measuring\n"); // the benchmark counts the server's CPU from here
const start = performance.now();
await run(start + spec.seconds * 1000, latencies);
const duration = (performance.now() - start) / 1000;
latencies.sort((a, b) => a - b);
const pct = (p: number) => latencies[Math.min(latencies.length - 1, Math.floor((p / 100) * latencies.length))] ?? NaN;
process.stdout.write(JSON.stringify({ count: latencies.length, duration, rps: latencies.length / duration, p50: pct(50), p99: pct(99) }) + "\n");
process.exit(0);
