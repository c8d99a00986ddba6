// One is-cli invocation, independent of the process: parses `argv`, resolves
// the connection settings (flags, environment, config files), then runs a
// local command or makes the call with the credentials in force, and maps the
// outcome to output and an exit status:
// 0 = response JSON on stdout; 1 = RPC error JSON on stderr (or `error: ...`
// for a local failure); 2 = usage error (from the parser, the settings, or a
// request builder checking flags together).
import { commandUsage, parse, UsageError } from "./args.js";
import { EntityAccess } from "../../gen/ttn/lorawan/v3/identityserver_pb.js";
import { call, createTransport, errorJson, requestHeaders, type Env } from "./client.js";
import { bearerFor } from "./credentials.js";
import { CliError, type CliIO } from "./local.js";
import { loadSettings } from "./settings.js";
import { cliTree, isLocal } from "./tree.js";

export type { CliIO } from "./local.js";

export async function runCli(argv: readonly string[], env: Env, io: CliIO): Promise<number> {
  let parsed;
  try {
    parsed = parse(cliTree, argv, env);
  } catch (err) {
    if (!(err instanceof UsageError)) throw err;
    await io.stderr(`error: ${err.message}\n\n${err.usage}`);
    return 2;
  }
  if (parsed.kind === "help") {
    await io.stdout(parsed.text);
    return 0;
  }
  const { command } = parsed;
  try {
    const settings = loadSettings(parsed.args, env, io.cwd ?? process.cwd());
    let args = parsed.args.withGlobal(settings.global);
    if (isLocal(command)) return await command.run({ args, path: parsed.path, env, io, settings, root: cliTree });

    // An API key given, else the stored login (not for commands with credentials of their own).
    if (!command.authorization) {
      const bearer = await bearerFor(settings, args.global.apiKey, io.now?.() ?? new Date());
      if (bearer) args = args.withGlobal({ ...args.global, apiKey: bearer });
    }
    const transport = createTransport(settings.baseUrl, requestHeaders(command, args, env), settings.ca);
    const callerUserId = async () => {
      const info = await transport.unary(EntityAccess.method.authInfo, undefined, undefined, undefined, {});
      const method = info.message.accessMethod;
      if (method.case === "oauthAccessToken") return method.value.userIds?.userId;
      if (method.case === "userSession") return method.value.userIds?.userId;
      const ids = method.case === "apiKey" ? method.value.entityIds?.ids : undefined;
      return ids?.case === "userIds" ? ids.value.userId : undefined;
    };
    const res = await call(transport, command, args, { readStdin: io.readStdin, callerUserId, transport });
    await io.stdout(res.json);
    if (command.list && res.total !== undefined) await io.stderr(`total: ${res.total}`);
    for (const line of (await command.notes?.(res.message, args, transport)) ?? []) await io.stderr(line);
    return 0;
  } catch (err) {
    if (err instanceof UsageError) {
      await io.stderr(`error: ${err.message}\n\n${err.usage || commandUsage(command, parsed.path)}`);
      return 2;
    }
    if (err instanceof CliError) {
      await io.stderr(`error: ${err.message}`);
      return 1;
    }
    await io.stderr(errorJson(err));
    return 1;
  }
}
