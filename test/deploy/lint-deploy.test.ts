// deploy/ checked without Docker (scripts/lint-deploy.mjs, `make lint-deploy`):
// the checked-in Dockerfile, compose file and Kubernetes manifest pass, and
// each promise the lint keeps fails it when broken in a copy: the base image,
// a root user, the command, a missing COPY source, the PostgreSQL service and
// the server's wait for it, a misspelt option in the environment, the probes.
import { execFile } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { test } from "uvu";
import * as assert from "uvu/assert";
// @ts-expect-error: a plain JavaScript script without declarations
import { lintDeploy } from "../../scripts/lint-deploy.mjs";

const root = new URL("../..", import.meta.url).pathname;
const files = { dockerfile: "deploy/Dockerfile", compose: "deploy/compose.yaml", kubernetes: "deploy/kubernetes.yaml" } as const;
const original = Object.fromEntries(Object.entries(files).map(([k, f]) => [k, readFileSync(join(root, f), "utf8")])) as Record<keyof typeof files, string>;

async function lint(args: string[] = []): Promise<{ code: number; out: string }> {
  try {
    const { stdout, stderr } = await promisify(execFile)(process.execPath, [join(root, "scripts/lint-deploy.mjs"), ...args], { cwd: root });
    return { code: 0, out: stdout + stderr };
  } catch (err) {
    const e = err as { code: number; stdout: string; stderr: string };
    return { code: e.code, out: e.stdout + e.stderr };
  }
}

/** Lints (in this process) copies of the three files, one of them changed by `edit`; the compose copy builds the Dockerfile copy beside it. */
async function lintChanged(which: keyof typeof files, edit: (text: string) => string): Promise<string[]> {
  const dir = mkdtempSync(join(tmpdir(), "lint-deploy-"));
  try {
    const paths = { dockerfile: join(dir, "Dockerfile"), compose: join(dir, "compose.yaml"), kubernetes: join(dir, "kubernetes.yaml") };
    for (const k of Object.keys(files) as Array<keyof typeof files>) {
      let text = original[k];
      // The copy sits in another folder: build context and Dockerfile as seen from there.
      if (k === "compose") text = text.replace("context: ..", `context: ${root}`).replace("dockerfile: deploy/Dockerfile", `dockerfile: ${paths.dockerfile}`);
      writeFileSync(paths[k], k === which ? edit(text) : text);
    }
    return await lintDeploy({ ...paths, context: root });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

test("the checked-in deploy/ files pass", async () => {
  const { code, out } = await lint();
  assert.is(code, 0, out);
  assert.match(out, "deploy/ is fine");
});

test("copies pass too (the cases below change only what each says)", async () => {
  assert.equal(await lintChanged("dockerfile", (t) => t), []);
});

test("a problem fails the command with one line naming it", async () => {
  const dir = mkdtempSync(join(tmpdir(), "lint-deploy-"));
  try {
    writeFileSync(join(dir, "Dockerfile"), original.dockerfile.replace("USER node", "USER 0"));
    const { code, out } = await lint(["--dockerfile", join(dir, "Dockerfile")]);
    assert.is(code, 1, out);
    assert.match(out, /Dockerfile:\d+: USER 0 runs the server as root/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

const cases: Array<[string, keyof typeof files, (t: string) => string, RegExp]> = [
  ["another base image", "dockerfile", (t) => t.replace("FROM node:20-slim", "FROM node:22"), /FROM node:20-slim/],
  ["a root user", "dockerfile", (t) => t.replace("USER node", "USER root"), /runs the server as root/],
  ["no user at all", "dockerfile", (t) => t.replace("USER node\n", ""), /sets no USER/],
  ["another command", "dockerfile", (t) => t.replace('CMD ["identity-server", "start"]', 'CMD ["node", "bin/identity-server.js", "config"]'), /identity-server start/],
  ["an unknown instruction", "dockerfile", (t) => t.replace("STOPSIGNAL SIGTERM", "STOPSIGNL SIGTERM"), /unknown instruction STOPSIGNL/],
  ["a COPY of what is not there", "dockerfile", (t) => t.replace("COPY gen ./gen", "COPY generated ./gen"), /source generated is not in the build context/],
  ["no health check", "dockerfile", (t) => t.replace(/HEALTHCHECK[^\n]*\\\n[^\n]*\n/, ""), /no HEALTHCHECK/],
  ["no PostgreSQL service", "compose", (t) => t.replace("image: postgres:16", "image: mysql:8"), /no PostgreSQL service/],
  ["not waiting for PostgreSQL to be healthy", "compose", (t) => t.replace("condition: service_healthy", "condition: service_started"), /service_healthy/],
  ["a misspelt option in the server's environment", "compose", (t) => t.replace("TTN_LW_IS_DATABASE_URI:", "TTN_LW_IS_DATABASE_URL:"), /unknown option.*TTN_LW_IS_DATABASE_URL/],
  ["the database elsewhere", "compose", (t) => t.replace("@postgres:5432", "@db.example.com:5432"), /must be postgres:\/\/\.\.\.@postgres/],
  ["a bad value in the environment", "compose", (t) => t.replace('TTN_LW_HTTP_TRUSTED_PROXIES: ""', 'TTN_LW_HTTP_TRUSTED_PROXIES: "10.0.0.0/99"'), /http\.trusted-proxies/],
  ["an unknown service key", "compose", (t) => t.replace("restart: unless-stopped", "restarts: unless-stopped"), /unknown key restarts/],
  ["liveness on readiness's path", "kubernetes", (t) => t.replace(/(livenessProbe:\n\s+httpGet:\n\s+path: )\/healthz\/live/, "$1/healthz"), /liveness probe must be httpGet \/healthz\/live/],
  ["readiness on another port", "kubernetes", (t) => t.replace(/(readinessProbe:\n\s+httpGet:\n\s+path: \/healthz\n\s+port: )http/, "$1grpc"), /readiness probe must ask the HTTP port 1885/],
  ["root allowed", "kubernetes", (t) => t.replace("runAsNonRoot: true", "runAsNonRoot: false"), /runAsNonRoot/],
  ["a misspelt option in the pod's env", "kubernetes", (t) => t.replace("TTN_LW_IS_READ_DATABASE_PRIMARY_WINDOW", "TTN_LW_IS_READ_DATABASE_PRIMARY_WINDOWS"), /unknown option/],
];

for (const [name, which, edit, expected] of cases) {
  test(`lint-deploy refuses ${name}`, async () => {
    const edited = edit(original[which]);
    assert.is.not(edited, original[which], "the case must change the file");
    const problems = await lintChanged(which, edit);
    assert.ok(problems.some((p) => expected.test(p)), problems.join("\n") || "no problem found");
  });
}

test.run();
