// `identity-server`: parses the configuration, then starts the server, runs a
// database command or prints the effective configuration. SIGTERM and SIGINT
// drain the server before the process exits. A failure is one line on stderr.
import { ConfigError, explainConfigError, formatConfig, formatHelp, loadConfig, type Config } from "./config/index.js";
import { isDb, isDbUsage } from "./commands/is-db.js";
import { UsageError } from "./commands/usage.js";
import { IsError } from "./errors/index.js";
import { createLogger } from "./log.js";
import { startServer } from "./server.js";

const usage = `Usage: identity-server <command> [options]

Commands:
  start      run the Identity Server (gRPC, gRPC-Web, Connect and /api/v3 on http.listen, gRPC on grpc.listen)
  is-db      database commands: migrate, init, create-admin-user
  config     print the effective configuration

Options are the documented dotted names as flags (--is.database-uri postgres://...),
TTN_LW_* environment variables or YAML files given with -c/--config. See --help for all options.`;

const commands = new Set(["start", "is-db", "config"]);

/**
 * The command and the rest: options may also come before the command, as the
 * stack's binaries take them (`identity-server -c config.yml start`).
 */
function splitCommand(argv: string[]): [string | undefined, string[]] {
  if (argv[0] === undefined || !argv[0].startsWith("-") || ["--help", "-h"].includes(argv[0])) return [argv[0], argv.slice(1)];
  const at = argv.findIndex((arg, i) => commands.has(arg) && !/^-c$|^--config$/.test(argv[i - 1] ?? ""));
  return at < 0 ? [argv[0], argv.slice(1)] : [argv[at], [...argv.slice(0, at), ...argv.slice(at + 1)]];
}

async function main(argv: string[]): Promise<number> {
  const [command, rest] = splitCommand(argv);
  if (!command || command === "--help" || command === "-h" || command === "help") {
    process.stdout.write(`${usage}\n\nOptions:\n${formatHelp()}\n`);
    return command ? 0 : 2;
  }
  const { config, rest: args, warnings } = loadConfig({ argv: rest, env: process.env });
  loaded = config;
  debug = config.log.level === "debug";
  if (args.includes("--help") || args.includes("-h")) {
    process.stdout.write(command === "is-db" ? `${isDbUsage}\n` : `${usage}\n\nOptions:\n${formatHelp()}\n`);
    return 0;
  }
  const log = createLogger({ level: config.log.level, format: config.log.format });
  for (const warning of warnings) log.warn({}, warning);
  switch (command) {
    case "start": {
      if (args.length > 0) throw new UsageError(`unexpected arguments ${args.join(" ")}`, usage);
      const server = await startServer({ config, log });
      await new Promise<void>((resolve) => {
        const stop = (signal: string) => {
          log.info({ signal }, "shutting down");
          resolve();
        };
        process.once("SIGTERM", stop);
        process.once("SIGINT", stop);
      });
      await server.close();
      log.info({}, "stopped");
      return 0;
    }
    case "is-db":
      await isDb(config, args, (line) => process.stdout.write(`${line}\n`));
      return 0;
    case "config":
      if (args.length > 0) throw new UsageError(`unexpected arguments ${args.join(" ")}`, usage);
      process.stdout.write(formatConfig(config));
      return 0;
    default:
      throw new UsageError(`unknown command ${JSON.stringify(command)}`, usage);
  }
}

// Set once the configuration is loaded: only `--log.level debug` shows stack traces.
let debug = false;
let loaded: Config | undefined;

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (err: unknown) => {
    // One line for the operator; the stack trace only on request.
    const oneLine = (text: string) => text.replace(/\s*\n\s*/g, " ").trim();
    if (err instanceof UsageError) process.stderr.write(`${err.message}\n\n${err.usage}\n`);
    else if (err instanceof ConfigError) process.stderr.write(`configuration error: ${explainConfigError(loaded, err)}\n`);
    else if (err instanceof IsError) process.stderr.write(`${oneLine(err.message)}\n`);
    else if (debug && err instanceof Error && err.stack) process.stderr.write(`${err.stack}\n`);
    else process.stderr.write(`error: ${oneLine(err instanceof Error ? err.message : String(err))} (--log.level debug shows where)\n`);
    process.exit(err instanceof UsageError ? 2 : 1);
  },
);
