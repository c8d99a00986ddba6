// The commands about the CLI itself, as The Things Stack's CLI has them:
// `use <host>` writes a config file for a deployment (.ttn-lw-cli.yml here,
// or with --user in the user's config folder), `config` shows the effective
// settings (as flags, TTN_LW_* variables or YAML), `version`, and
// `complete` (alias `completion`): a shell completion script of the command tree.
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { connect, type PeerCertificate } from "node:tls";
import { fileURLToPath } from "node:url";
import { createHash } from "node:crypto";
import { PROGRAM, type CommandSpec, type GroupSpec } from "./args.js";
import { CliError, local, type LocalCommand } from "./local.js";
import { CONFIG_FILE_NAME, stackEnvName } from "./settings.js";

const yaml = (): typeof import("yaml") => createRequire(import.meta.url)("yaml");

/** The package's version (the first package.json up from this module, in src/ and dist/src/ alike). */
function packageVersion(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  while (!existsSync(join(dir, "package.json")) && dirname(dir) !== dir) dir = dirname(dir);
  try {
    return (JSON.parse(readFileSync(join(dir, "package.json"), "utf8")) as { version?: string }).version ?? "unknown";
  } catch {
    return "unknown";
  }
}

// ---- use ---------------------------------------------------------------------

/** `host` with `port` unless it has one. */
function withPort(host: string, port: number): string {
  return /:\d+$/.test(host) && !/^\[[^\]]*\]$/.test(host) ? host : `${host}:${port}`;
}

/** The PEM of the CA certificates the server at `address` presents in its chain. */
function fetchCA(address: string, hostname: string): Promise<string> {
  const [host, port] = [address.slice(0, address.lastIndexOf(":")), Number(address.slice(address.lastIndexOf(":") + 1))];
  return new Promise((resolve, reject) => {
    const socket = connect({ host: host.replace(/^\[|\]$/g, ""), port, servername: hostname, rejectUnauthorized: false }, () => {
      const pems: string[] = [];
      const seen = new Set<string>();
      let cert: PeerCertificate | undefined = socket.getPeerCertificate(true);
      while (cert && cert.raw && !seen.has(cert.fingerprint256)) {
        seen.add(cert.fingerprint256);
        if (cert.ca) pems.push(`-----BEGIN CERTIFICATE-----\n${cert.raw.toString("base64").replace(/(.{64})/g, "$1\n").replace(/\n?$/, "\n")}-----END CERTIFICATE-----\n`);
        cert = (cert as PeerCertificate & { issuerCertificate?: PeerCertificate }).issuerCertificate;
      }
      socket.end();
      resolve(pems.join(""));
    });
    socket.setTimeout(30_000, () => socket.destroy(new Error("no TLS handshake in 30 s")));
    socket.on("error", reject);
  });
}

export const useCommand: LocalCommand = local({
  name: "use",
  summary: `Write a config file (${CONFIG_FILE_NAME}) for a deployment at <host>`,
  positionals: [{ name: "host", description: "host name of the deployment (host[:grpc-port])" }],
  flags: {
    "grpc-port": { type: { kind: "uint" }, description: "gRPC port (default 8884, or 1884 with --insecure)" },
    "fetch-ca": { type: { kind: "switch" }, description: "connect to the server and store the CA certificates of its chain next to the config (--ca)" },
    user: { type: { kind: "switch" }, description: "write the file in the user's config folder ($XDG_CONFIG_HOME or $HOME/.config), not here" },
    overwrite: { type: { kind: "switch" }, description: "replace an existing file" },
  },
  run: async (ctx) => {
    const { args, settings, io } = ctx;
    const host = args.arg("host");
    const insecure = args.options.insecure === true;
    const hostname = host.replace(/:\d+$/, "").replace(/^\[|\]$/g, "");
    const grpcAddress = withPort(host, args.num("grpc-port") || (insecure ? 1884 : 8884));
    const oauth = typeof args.options["oauth-server-address"] === "string"
      ? args.options["oauth-server-address"]
      : `${insecure ? "http" : "https"}://${hostname.includes(":") ? `[${hostname}]` : hostname}:${insecure ? 1885 : 8885}/oauth`;
    const dir = args.bool("user") ? settings.dirs.config : settings.dirs.cwd;
    if (!dir) throw new CliError("no user config folder: set HOME or XDG_CONFIG_HOME");
    const destination = (name: string) => {
      const file = join(dir, name);
      if (existsSync(file) && !args.bool("overwrite")) throw new CliError(`${file} exists: use --overwrite to replace it`);
      return file;
    };
    const config: Record<string, unknown> = {
      "oauth-server-address": oauth,
      "identity-server-grpc-address": grpcAddress,
      // The stack's other components at the same address, so ttn-lw-cli can read this file too.
      "gateway-server-grpc-address": grpcAddress,
      "network-server-grpc-address": grpcAddress,
      "application-server-grpc-address": grpcAddress,
      "join-server-grpc-address": grpcAddress,
      "device-claiming-server-grpc-address": grpcAddress,
      "device-template-converter-grpc-address": grpcAddress,
      "qr-code-generator-grpc-address": grpcAddress,
      "packet-broker-agent-grpc-address": grpcAddress,
      "credentials-id": host,
      insecure,
    };
    if (!insecure && args.bool("fetch-ca")) {
      const caFile = destination(`ca.${createHash("md5").update(host).digest("hex").slice(0, 6)}.pem`);
      const pem = await fetchCA(grpcAddress, hostname).catch((err: Error) => {
        throw new CliError(`cannot fetch the CA of ${grpcAddress}: ${err.message}`);
      });
      if (!pem) throw new CliError(`${grpcAddress} presented no CA certificate`);
      writeFileSync(caFile, pem, { mode: 0o644 });
      await io.stderr(`CA file for ${host} written in ${caFile}`);
      config.ca = caFile;
    }
    const file = destination(CONFIG_FILE_NAME);
    writeFileSync(file, yaml().stringify(config), { mode: 0o644 });
    await io.stderr(`Config file for ${host} written in ${file}`);
    return 0;
  },
});

// ---- config ------------------------------------------------------------------

export const configCommand: LocalCommand = local({
  name: "config",
  summary: "Show the effective settings (flags, environment, config files, defaults)",
  flags: {
    env: { type: { kind: "switch" }, description: "print as environment variables" },
    yml: { type: { kind: "switch" }, description: "print as YAML" },
  },
  exclusive: [["env", "yml"]],
  run: async (ctx) => {
    const entries = [...ctx.settings.values].sort(([a], [b]) => a.localeCompare(b));
    const text = (v: unknown) => (Array.isArray(v) ? v.join(ctx.args.bool("env") ? " " : ",") : String(v));
    if (ctx.args.bool("yml")) {
      await ctx.io.stdout(yaml().stringify(Object.fromEntries(entries.filter(([k]) => k !== "config").map(([k, v]) => [k, v.value]))));
      return 0;
    }
    const lines = entries.map(([key, v]) => (ctx.args.bool("env") ? `${stackEnvName(key)}="${text(v.value)}"` : [`--${key}`, `"${text(v.value)}"`]));
    const width = Math.max(...lines.map((l) => (Array.isArray(l) ? l[0]!.length : 0)));
    await ctx.io.stdout(lines.map((l) => (Array.isArray(l) ? `${l[0]!.padStart(width)}=${l[1]}` : l)).join("\n"));
    return 0;
  },
});

// ---- version -----------------------------------------------------------------

export const versionCommand: LocalCommand = local({
  name: "version",
  summary: "Print version information",
  run: async (ctx) => {
    const row = (k: string, v: string) => `${`${k}:`.padEnd(20)} ${v}`;
    await ctx.io.stdout(
      [`${PROGRAM}: Command-line client for the LoRaWAN Identity Server`, row("Version", packageVersion()), row("Node version", process.version), row("OS/Arch", `${process.platform}/${process.arch}`)].join("\n"),
    );
    return 0;
  },
});

// ---- completion --------------------------------------------------------------

type Node = GroupSpec<CommandSpec> | CommandSpec;

/** "path" → words completing after it (subcommands, or a command's flags). */
function completionTable(root: GroupSpec<CommandSpec>, globals: readonly string[]): Map<string, string[]> {
  const table = new Map<string, string[]>();
  const visit = (node: Node, path: string[]) => {
    if (node.kind === "group") {
      table.set(path.join(" "), node.children.flatMap((c) => [c.name, ...(c.aliases ?? [])]));
      for (const c of node.children) for (const word of [c.name, ...(c.aliases ?? [])]) visit(c, [...path, word]);
    } else {
      const flags = [...Object.keys(node.flags ?? {}), ...(node.positionals ?? []).flatMap((p) => (p.flag ? [p.flag] : [])), ...globals];
      table.set(path.join(" "), flags.map((f) => `--${f}`));
    }
  };
  visit(root, []);
  return table;
}

function bashScript(root: GroupSpec<CommandSpec>, name: string, globals: readonly string[]): string {
  const fn = `__${name.replace(/[^A-Za-z0-9_]/g, "_")}_complete`;
  const cases = [...completionTable(root, globals)]
    .map(([path, words]) => `    "${path}") words="${words.join(" ")}" ;;`)
    .join("\n");
  return `# bash completion for ${name}; zsh: autoload bashcompinit && bashcompinit first
${fn}() {
  local cur="\${COMP_WORDS[COMP_CWORD]}" path="" w i words=""
  for ((i = 1; i < COMP_CWORD; i++)); do
    w="\${COMP_WORDS[i]}"
    case "$w" in -*) continue ;; esac
    case "\${path:+$path }$w" in
${[...completionTable(root, globals).keys()].filter(Boolean).map((p) => `      "${p}") path="${p}" ;;`).join("\n")}
    esac
  done
  case "$path" in
${cases}
  esac
  COMPREPLY=($(compgen -W "$words" -- "$cur"))
}
complete -F ${fn} ${name}
`;
}

function fishScript(root: GroupSpec<CommandSpec>, name: string): string {
  const lines = [`# fish completion for ${name}`, `complete -c ${name} -f`];
  for (const c of root.children) lines.push(`complete -c ${name} -n __fish_use_subcommand -a ${c.name} -d ${JSON.stringify(c.summary)}`);
  for (const g of root.children) {
    if (g.kind !== "group") continue;
    for (const c of g.children) lines.push(`complete -c ${name} -n "__fish_seen_subcommand_from ${g.name}" -a ${c.name} -d ${JSON.stringify(c.summary)}`);
  }
  return `${lines.join("\n")}\n`;
}

export const completionCommand = (globals: readonly string[]): LocalCommand =>
  local({
    name: "complete",
    aliases: ["completion"],
    summary: "Print a shell completion script (bash, zsh or fish)",
    positionals: [{ name: "shell", description: "bash, zsh or fish (or --shell)", optional: true, flag: "shell" }],
    flags: { executable: { type: { kind: "string" }, placeholder: "NAME", description: `command name to complete (default ${PROGRAM})` } },
    run: async (ctx) => {
      const shell = ctx.args.optionalArg("shell") ?? "bash";
      const name = ctx.args.str("executable") ?? PROGRAM;
      if (!/^[A-Za-z0-9._-]+$/.test(name)) throw new CliError(`--executable "${name}" is not a command name`);
      if (shell === "bash") await ctx.io.stdout(bashScript(ctx.root, name, globals));
      else if (shell === "zsh") await ctx.io.stdout(`autoload -U +X bashcompinit && bashcompinit\n${bashScript(ctx.root, name, globals)}`);
      else if (shell === "fish") await ctx.io.stdout(fishScript(ctx.root, name));
      else throw new CliError(`unsupported shell "${shell}" (bash, zsh or fish)`);
      return 0;
    },
  });
