// Commands that run on the operator's machine rather than as one RPC (login,
// logout, use, config, version, completion): their type, what they get to
// work with, and the I/O of an invocation (CliIO), which tests replace.
import type { CommandSpec, GroupSpec, ParsedArgs } from "./args.js";
import type { Env } from "./client.js";
import type { Settings } from "./settings.js";

/** The outside world of one invocation. */
export interface CliIO {
  stdout(text: string): Promise<void>;
  stderr(text: string): Promise<void>;
  /** All of standard input, as text. */
  readStdin(): Promise<string>;
  /** One line of standard input without its newline; undefined at the end of input. */
  readLine?(): Promise<string | undefined>;
  /** Shows a URL in the operator's browser (login); without it the URL is only printed. */
  openBrowser?(url: string): Promise<void>;
  /** The working directory, where `use` writes and config files are found (default: the process's). */
  readonly cwd?: string;
  now?(): Date;
}

export interface LocalContext {
  readonly args: ParsedArgs;
  readonly path: readonly string[];
  readonly env: Env;
  readonly io: CliIO;
  readonly settings: Settings;
  /** The whole command tree (for completion scripts). */
  readonly root: GroupSpec<CommandSpec>;
}

/** A command that runs locally; resolves to the exit status. */
export interface LocalCommand extends CommandSpec {
  readonly run: (ctx: LocalContext) => Promise<number>;
}

export function local(spec: Omit<LocalCommand, "kind">): LocalCommand {
  return { kind: "command", ...spec };
}

/** A failure of a local step (not an RPC): `error: <message>` on stderr, exit 1. */
export class CliError extends Error {
  override readonly name = "CliError";
}
