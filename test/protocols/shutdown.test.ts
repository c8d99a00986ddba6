// Graceful shutdown of the real binary under load: after SIGTERM the requests
// in flight finish, kept-alive HTTP/1.1 connections get `Connection: close`
// (or a clean refusal), HTTP/2 sessions get GOAWAY, and the process exits
// within http.shutdown-timeout (5 s by default). No request ever hangs.
import { spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import http from "node:http";
import http2 from "node:http2";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "uvu";
import * as assert from "uvu/assert";

const bin = join(process.cwd(), "bin/identity-server.js");
const dir = mkdtempSync(join(tmpdir(), "is-shutdown-"));
const clean = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith("TTN_LW_")));

interface Outcome {
  status?: number;
  connection?: string;
  error?: string;
  /** ms since SIGTERM when the response headers arrived (negative: before). */
  at: number;
}

function request(agent: http.Agent, address: string, sigterm: () => number, opts: { slowBody?: boolean } = {}): Promise<Outcome> {
  const [host, port] = [address.slice(0, address.lastIndexOf(":")), Number(address.slice(address.lastIndexOf(":") + 1))];
  return new Promise((resolve) => {
    const hang = setTimeout(() => {
      resolve({ error: "hang", at: sigterm() });
      req.destroy();
    }, 4_000);
    const done = (o: Outcome) => {
      clearTimeout(hang);
      resolve(o);
    };
    const req = http.request(
      { agent, host, port, method: opts.slowBody ? "POST" : "GET", path: opts.slowBody ? "/api/v3/users" : "/api/v3/is/configuration", headers: opts.slowBody ? { "content-type": "application/json", "content-length": "2" } : {} },
      (res) => {
        const outcome = { status: res.statusCode, connection: res.headers.connection, at: sigterm() };
        res.resume();
        res.on("end", () => done(outcome));
        res.on("error", (e) => done({ error: e.message, at: sigterm() }));
      },
    );
    req.on("error", (e: NodeJS.ErrnoException) => done({ error: e.code ?? e.message, at: sigterm() }));
    if (opts.slowBody) {
      // Headers now, the body after the signal: a request in flight during the drain.
      req.write("{");
      setTimeout(() => req.end("}"), 800);
    } else req.end();
  });
}

test("SIGTERM under load: in-flight requests finish, kept-alive connections close, exit within 5 s", async () => {
  const uri = process.env.DATABASE_URL || `pglite://${join(dir, "data")}`;
  const server = spawn(process.execPath, [bin, "start", "--is.database-uri", uri, "--http.listen", "127.0.0.1:0", "--grpc.listen", "", "--interop.listen", "", "--log.format", "json"], { env: clean });
  let log = "";
  server.stderr.on("data", (c) => (log += c));
  server.stdout.on("data", (c) => (log += c));
  const exited = new Promise<number | null>((resolve) => server.on("close", resolve));
  const address = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no listening line in ${log}`)), 60_000);
    const check = () => {
      const m = /"http":"([^"]+)"/.exec(log);
      if (m) {
        clearTimeout(timer);
        resolve(m[1]!);
      }
    };
    server.stderr.on("data", check);
    server.stdout.on("data", check);
  });

  let signalledAt = 0;
  const sinceSigterm = () => (signalledAt ? Date.now() - signalledAt : -1);
  const agent = new http.Agent({ keepAlive: true, maxSockets: 6 });
  const outcomes: Outcome[] = [];
  let stop = false;
  // Six loops keep six kept-alive connections busy.
  const loops = Array.from({ length: 6 }, async () => {
    while (!stop) {
      const o = await request(agent, address, sinceSigterm);
      outcomes.push(o);
      if (o.error && o.error !== "hang") await new Promise((r) => setTimeout(r, 20));
    }
  });
  // An HTTP/2 session: must see GOAWAY.
  const session = http2.connect(`http://${address}`);
  session.on("error", () => {});
  let goaway = false;
  session.on("goaway", () => (goaway = true));
  await new Promise<void>((resolve) => {
    const stream = session.request({ ":path": "/healthz" });
    stream.resume();
    stream.on("end", resolve).on("error", () => resolve());
    stream.end();
  });

  await new Promise((r) => setTimeout(r, 500));
  const slowAgent = new http.Agent({ keepAlive: true });
  const slow = request(slowAgent, address, sinceSigterm, { slowBody: true });
  await new Promise((r) => setTimeout(r, 200));
  const before = outcomes.length;
  signalledAt = Date.now();
  server.kill("SIGTERM");
  const code = await Promise.race([exited, new Promise<string>((r) => setTimeout(() => r("timeout"), 8_000))]);
  const took = Date.now() - signalledAt;
  stop = true;
  await Promise.all(loops);
  const slowOutcome = await slow;
  agent.destroy();
  slowAgent.destroy();
  session.destroy();
  if (code === "timeout") server.kill("SIGKILL");

  assert.ok(before > 10, `load was flowing before SIGTERM (${before} requests)`);
  assert.is(code, 0, log.slice(-2000));
  assert.ok(took < 5_000, `exited ${took} ms after SIGTERM: ${log.slice(-1500)}`);
  assert.is(slowOutcome.status !== undefined, true, `the request in flight got its answer: ${JSON.stringify(slowOutcome)}`);
  assert.is(slowOutcome.connection, "close");
  assert.ok(goaway, "HTTP/2 session got GOAWAY");
  const after = outcomes.filter((o) => o.at >= 0);
  assert.equal(after.filter((o) => o.error === "hang"), [], "no request hangs");
  assert.equal(after.filter((o) => o.error && !["ECONNREFUSED", "ECONNRESET"].includes(o.error)), [], "failures are clean refusals");
  // Responses started well after the signal never keep the connection open.
  const lateKeepAlive = after.filter((o) => o.status !== undefined && o.at > 300 && o.connection !== "close");
  assert.equal(lateKeepAlive, [], "late responses carry Connection: close");
});

test.after(() => rmSync(dir, { recursive: true, force: true }));
test.run();
