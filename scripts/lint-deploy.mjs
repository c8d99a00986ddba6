// Checks deploy/ without Docker or a cluster (no image can be pulled where CI
// runs): parses the Dockerfile, the compose file and the Kubernetes manifest
// and holds them to what the README promises.
// - Dockerfile: known instructions only; the final stage FROM node:20-slim;
//   USER set and not root; the command `identity-server start` (CMD and/or
//   ENTRYPOINT); a HEALTHCHECK; port 1885 exposed; every COPY source present
//   in the build context (the repository root).
// - compose.yaml: known top-level and service keys; a PostgreSQL service with
//   a healthcheck; the server built from the Dockerfile, waiting for
//   PostgreSQL to be healthy, its is.database-uri pointing at that service.
// - kubernetes.yaml: a Deployment whose container runs as non-root, with the
//   liveness probe on /healthz/live and the readiness probe on /healthz (or
//   /healthz/ready) of the HTTP port.
// The TTN_LW_* environment of both is loaded by the server's own config loader,
// so a misspelt option or a bad value fails here as it would at start.
// Usage: node scripts/lint-deploy.mjs [--dockerfile F] [--compose F] [--kubernetes F] [--context DIR]
// Prints one line per problem and exits 1 when there is any; 0 otherwise.
import { existsSync, readFileSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { parseAllDocuments, parseDocument } from "yaml";

const root = fileURLToPath(new URL("..", import.meta.url));

function args(argv) {
  const out = { dockerfile: join(root, "deploy/Dockerfile"), compose: join(root, "deploy/compose.yaml"), kubernetes: join(root, "deploy/kubernetes.yaml"), context: root };
  for (let i = 0; i < argv.length; i += 2) {
    const name = argv[i]?.replace(/^--/, "");
    if (!(name in out) || argv[i + 1] === undefined) throw new Error(`usage: lint-deploy.mjs [--dockerfile F] [--compose F] [--kubernetes F] [--context DIR]; got ${argv[i]}`);
    out[name] = resolve(argv[i + 1]);
  }
  return out;
}

// ---- Dockerfile -------------------------------------------------------------

const instructions = new Set([
  "FROM", "RUN", "CMD", "LABEL", "MAINTAINER", "EXPOSE", "ENV", "ADD", "COPY", "ENTRYPOINT", "VOLUME", "USER", "WORKDIR", "ARG", "ONBUILD",
  "STOPSIGNAL", "HEALTHCHECK", "SHELL",
]);

/** The instructions of a Dockerfile: `{line, name, args}`, continuation lines joined, comments and parser directives skipped. */
export function parseDockerfile(text) {
  const out = [];
  const lines = text.split(/\r?\n/);
  for (let i = 0; i < lines.length; i++) {
    const start = i;
    let line = lines[i];
    if (/^\s*(#.*)?$/.test(line)) continue;
    // A trailing backslash continues the instruction; comment lines inside it are dropped, as Docker does.
    while (/\\\s*$/.test(line) && i + 1 < lines.length) {
      line = line.replace(/\\\s*$/, " ");
      i++;
      while (i < lines.length && /^\s*#/.test(lines[i])) i++;
      line += lines[i] ?? "";
    }
    const m = /^\s*(\S+)\s*(.*)$/.exec(line);
    out.push({ line: start + 1, name: m[1].toUpperCase(), word: m[1], args: m[2].trim() });
  }
  return out;
}

/** A CMD/ENTRYPOINT/RUN argument as words: the JSON (exec) form, or the shell form split on spaces. */
function commandWords(text) {
  if (text.startsWith("[")) {
    try {
      const words = JSON.parse(text);
      if (Array.isArray(words) && words.every((w) => typeof w === "string")) return words;
    } catch {
      // not JSON: Docker runs it as a shell command
    }
  }
  return text.split(/\s+/).filter(Boolean);
}

function lintDockerfile(file, context, problems) {
  const where = (ins) => `${relative(root, file)}:${ins.line}`;
  if (!existsSync(file)) return problems.push(`${relative(root, file)}: missing`);
  const list = parseDockerfile(readFileSync(file, "utf8"));
  for (const ins of list) {
    if (!instructions.has(ins.name)) problems.push(`${where(ins)}: unknown instruction ${ins.word}`);
    else if (ins.word !== ins.name) problems.push(`${where(ins)}: write instructions in upper case (${ins.name})`);
  }
  const firstReal = list.find((ins) => ins.name !== "ARG");
  if (!firstReal || firstReal.name !== "FROM") return problems.push(`${relative(root, file)}: the first instruction (after ARG) must be FROM`);
  const stageStart = list.findLastIndex((ins) => ins.name === "FROM");
  const from = list[stageStart];
  const image = from.args.split(/\s+/).filter((w) => !w.startsWith("--"))[0] ?? "";
  if (!/^(docker\.io\/(library\/)?)?node:20(\.\d+){0,2}-slim(@sha256:[0-9a-f]{64})?$/.test(image)) {
    problems.push(`${where(from)}: the image must be built FROM node:20-slim (Node 20 on Debian slim), not ${image || "nothing"}`);
  }
  const stage = list.slice(stageStart);
  const user = stage.findLast((ins) => ins.name === "USER");
  if (!user) problems.push(`${relative(root, file)}: the final stage sets no USER, so the server would run as root`);
  else if (/^(root|0)(:.*)?$/.test(user.args.trim())) problems.push(`${where(user)}: USER ${user.args} runs the server as root`);
  const entrypoint = stage.findLast((ins) => ins.name === "ENTRYPOINT");
  const cmd = stage.findLast((ins) => ins.name === "CMD");
  const command = [...(entrypoint ? commandWords(entrypoint.args) : []), ...(cmd ? commandWords(cmd.args) : [])];
  if (!(command[0] === "identity-server" && command[1] === "start")) {
    problems.push(`${relative(root, file)}: the container must run \`identity-server start\` (CMD/ENTRYPOINT), not \`${command.join(" ") || "nothing"}\``);
  }
  const health = stage.findLast((ins) => ins.name === "HEALTHCHECK");
  if (!health) problems.push(`${relative(root, file)}: no HEALTHCHECK (the readiness endpoint is /healthz)`);
  else if (!/\bCMD\b/.test(health.args) || !health.args.includes("/healthz")) problems.push(`${where(health)}: the HEALTHCHECK must ask /healthz`);
  const exposed = stage.filter((ins) => ins.name === "EXPOSE").flatMap((ins) => ins.args.split(/\s+/));
  if (!exposed.some((p) => /^1885(\/tcp)?$/.test(p))) problems.push(`${relative(root, file)}: port 1885 (http.listen) is not exposed`);
  for (const ins of list.filter((i) => i.name === "COPY" || i.name === "ADD")) {
    const words = ins.args.startsWith("[") ? commandWords(ins.args) : ins.args.split(/\s+/);
    if (words.some((w) => w.startsWith("--from"))) continue;
    const sources = words.filter((w) => !w.startsWith("--")).slice(0, -1);
    for (const source of sources) {
      if (/^https?:\/\//.test(source) || /[*?[]/.test(source)) continue;
      if (!existsSync(join(context, source))) problems.push(`${where(ins)}: ${ins.name} source ${source} is not in the build context`);
    }
  }
  return list;
}

// ---- Configuration through the server's own loader ---------------------------

let loader;
async function configLoader() {
  if (!loader) {
    const module = new URL("../src/config/index.ts", import.meta.url).href;
    // Under tsx already (the test suite) the TypeScript loads as it is; from plain node, through tsx's loader.
    loader = (await import(module).catch(async (err) => {
      if (err?.code !== "ERR_UNKNOWN_FILE_EXTENSION") throw err;
      (await import("tsx/esm/api")).register();
      // Another URL: the failed import stays cached under the first.
      return import(`${module}?tsx`);
    })).loadConfig;
  }
  return loader;
}

/** Loads `env` (its TTN_LW_* variables) as the server would at start; a refusal is a problem. */
async function lintEnv(env, what, problems) {
  const load = await configLoader();
  const ours = Object.fromEntries(Object.entries(env).filter(([k]) => k.startsWith("TTN_LW_")).map(([k, v]) => [k, String(v ?? "")]));
  try {
    return load({ argv: [], env: ours }).config;
  } catch (err) {
    problems.push(`${what}: ${err instanceof Error ? err.message : String(err)}`);
    return undefined;
  }
}

// ---- compose.yaml -------------------------------------------------------------

const composeTop = new Set(["name", "services", "volumes", "networks", "configs", "secrets", "include", "version"]);
const composeService = new Set([
  "image", "build", "command", "entrypoint", "environment", "env_file", "ports", "expose", "volumes", "depends_on", "healthcheck", "restart",
  "init", "user", "working_dir", "networks", "labels", "logging", "deploy", "stop_signal", "stop_grace_period", "read_only", "tmpfs",
  "secrets", "configs", "profiles", "container_name", "hostname", "cap_drop", "cap_add", "security_opt", "ulimits", "extra_hosts",
  "platform", "pull_policy", "scale", "develop", "shm_size",
]);

/** `environment:` as a mapping, from either of its two forms. */
function environmentOf(service) {
  const env = service.environment ?? {};
  if (Array.isArray(env)) return Object.fromEntries(env.map((e) => [String(e).split("=")[0], String(e).split("=").slice(1).join("=")]));
  return env;
}

function dependsOn(service) {
  const d = service.depends_on ?? [];
  return Array.isArray(d) ? Object.fromEntries(d.map((n) => [n, {}])) : d;
}

async function lintCompose(file, dockerfile, problems) {
  const name = relative(root, file);
  if (!existsSync(file)) return problems.push(`${name}: missing`);
  const doc = parseDocument(readFileSync(file, "utf8"));
  if (doc.errors.length) return problems.push(...doc.errors.map((e) => `${name}: ${e.message.split("\n")[0]}`));
  const compose = doc.toJS();
  if (!compose || typeof compose !== "object") return problems.push(`${name}: not a mapping`);
  for (const key of Object.keys(compose)) if (!composeTop.has(key) && !key.startsWith("x-")) problems.push(`${name}: unknown top-level key ${key}`);
  const services = compose.services ?? {};
  for (const [id, service] of Object.entries(services)) {
    for (const key of Object.keys(service ?? {})) if (!composeService.has(key) && !key.startsWith("x-")) problems.push(`${name}: service ${id}: unknown key ${key}`);
  }
  const postgres = Object.entries(services).find(([, s]) => /^(docker\.io\/(library\/)?)?postgres(:|@|$)/.test(String(s?.image ?? "")));
  if (!postgres) problems.push(`${name}: no PostgreSQL service (image postgres:<version>)`);
  else if (!postgres[1].healthcheck?.test) problems.push(`${name}: service ${postgres[0]} has no healthcheck for the server to wait on`);
  const server = Object.entries(services).find(([, s]) => s?.build);
  if (!server) return problems.push(`${name}: no service builds the server image`);
  const [id, s] = server;
  const build = typeof s.build === "string" ? { context: s.build } : s.build;
  const built = resolve(dirname(file), build.context ?? ".", build.dockerfile ?? "Dockerfile");
  if (built !== resolve(dockerfile)) problems.push(`${name}: service ${id} builds ${relative(root, built)}, not ${relative(root, dockerfile)}`);
  if (s.command !== undefined) {
    const words = Array.isArray(s.command) ? s.command : String(s.command).split(/\s+/);
    if (!(words[0] === "identity-server" && words[1] === "start")) problems.push(`${name}: service ${id} runs \`${words.join(" ")}\`, not \`identity-server start\``);
  }
  if (postgres) {
    const dep = dependsOn(s)[postgres[0]];
    if (!dep) problems.push(`${name}: service ${id} does not depend on ${postgres[0]}`);
    else if (dep.condition !== "service_healthy") problems.push(`${name}: service ${id} should wait for ${postgres[0]} to be healthy (condition: service_healthy)`);
  }
  const env = environmentOf(s);
  const config = await lintEnv(env, `${name}: service ${id} environment`, problems);
  if (config && postgres) {
    let host = "";
    try {
      host = /^postgres(ql)?:\/\//.test(config.is.databaseUri) ? new URL(config.is.databaseUri).hostname : "";
    } catch {
      // reported as not PostgreSQL below
    }
    if (host !== postgres[0]) problems.push(`${name}: service ${id}: is.database-uri (TTN_LW_IS_DATABASE_URI) must be postgres://...@${postgres[0]}:5432/..., the compose PostgreSQL`);
  }
}

// ---- kubernetes.yaml ------------------------------------------------------------

function probePath(probe) {
  return probe?.httpGet?.path;
}

async function lintKubernetes(file, problems) {
  const name = relative(root, file);
  if (!existsSync(file)) return problems.push(`${name}: missing`);
  const docs = parseAllDocuments(readFileSync(file, "utf8"));
  const objects = [];
  for (const doc of docs) {
    if (doc.errors.length) return problems.push(...doc.errors.map((e) => `${name}: ${e.message.split("\n")[0]}`));
    const o = doc.toJS();
    if (o) objects.push(o);
  }
  for (const o of objects) if (!o.apiVersion || !o.kind || !o.metadata?.name) problems.push(`${name}: every object needs apiVersion, kind and metadata.name`);
  const deployment = objects.find((o) => o.kind === "Deployment");
  if (!deployment) return problems.push(`${name}: no Deployment`);
  const pod = deployment.spec?.template?.spec ?? {};
  const container = (pod.containers ?? [])[0];
  if (!container) return problems.push(`${name}: the Deployment has no container`);
  const labels = deployment.spec?.template?.metadata?.labels ?? {};
  const selector = deployment.spec?.selector?.matchLabels ?? {};
  if (!Object.entries(selector).every(([k, v]) => labels[k] === v) || Object.keys(selector).length === 0) problems.push(`${name}: the Deployment's selector does not match its pod labels`);
  const nonRoot = container.securityContext?.runAsNonRoot ?? pod.securityContext?.runAsNonRoot;
  if (nonRoot !== true) problems.push(`${name}: set runAsNonRoot: true (the image runs as the node user)`);
  if (probePath(container.livenessProbe) !== "/healthz/live") {
    problems.push(`${name}: the liveness probe must be httpGet /healthz/live (readiness follows the database: as liveness it would restart pods during a database outage)`);
  }
  if (!["/healthz", "/healthz/ready"].includes(probePath(container.readinessProbe))) problems.push(`${name}: the readiness probe must be httpGet /healthz (or /healthz/ready)`);
  const ports = new Map((container.ports ?? []).map((p) => [p.name, p.containerPort]));
  for (const [kind, probe] of [["liveness", container.livenessProbe], ["readiness", container.readinessProbe]]) {
    const port = probe?.httpGet?.port;
    const number = typeof port === "string" ? ports.get(port) : port;
    if (number !== 1885) problems.push(`${name}: the ${kind} probe must ask the HTTP port 1885 (http.listen), not ${port}`);
  }
  const command = [...(container.command ?? []), ...(container.args ?? [])];
  if (command.length && !(command[0] === "identity-server" && command[1] === "start")) problems.push(`${name}: the container runs \`${command.join(" ")}\`, not \`identity-server start\``);
  const env = Object.fromEntries((container.env ?? []).filter((e) => e.value !== undefined).map((e) => [e.name, e.value]));
  await lintEnv(env, `${name}: container ${container.name} env`, problems);
}

// ---- main -------------------------------------------------------------------------

export async function lintDeploy(options) {
  const problems = [];
  lintDockerfile(options.dockerfile, options.context, problems);
  await lintCompose(options.compose, options.dockerfile, problems);
  await lintKubernetes(options.kubernetes, problems);
  return problems;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === resolve(process.argv[1])) {
  let options;
  try {
    options = args(process.argv.slice(2));
  } catch (err) {
    console.error(err.message);
    process.exit(2);
  }
  const problems = await lintDeploy(options);
  for (const p of problems) console.error(p);
  if (problems.length) process.exit(1);
  console.log(`deploy/ is fine: ${[options.dockerfile, options.compose, options.kubernetes].map((f) => relative(root, f)).join(", ")}`);
}
