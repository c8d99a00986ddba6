// Everything is-cli runs: the RPC command tree (commands.ts) and the local
// commands of The Things Stack's CLI (login, logout, use, config, version,
// complete).
import { GLOBAL_FLAGS, type GroupSpec } from "./args.js";
import type { RpcCommand } from "./client.js";
import { commands } from "./commands.js";
import type { LocalCommand } from "./local.js";
import { loginCommand, logoutCommand } from "./login.js";
import { completionCommand, configCommand, useCommand, versionCommand } from "./setup-commands.js";

export type CliCommand = RpcCommand | LocalCommand;

const visibleGlobals = Object.entries(GLOBAL_FLAGS).flatMap(([name, spec]) => (spec.hidden ? [] : [name]));

export const cliTree: GroupSpec<CliCommand> = {
  ...commands,
  children: [...commands.children, loginCommand, logoutCommand, useCommand, configCommand, versionCommand, completionCommand(visibleGlobals)],
};

export function isLocal(command: CliCommand): command is LocalCommand {
  return "run" in command;
}
