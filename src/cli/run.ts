// One is-cli invocation, independent of the process: parses `argv`, makes the
// call and maps the outcome to output and an exit status:
// 0 = response JSON on stdout; 1 = RPC error JSON on stderr; 2 = usage error
// (from the parser, or from a request builder checking flags together).
import { commandUsage, parse, UsageError } from "./args.js";
import { EntityAccess } from "../../gen/ttn/lorawan/v3/identityserver_pb.js";
import { call, createTransport, errorJson, requestHeaders } from "./client.js";
import { commands } from "./commands.js";

export interface CliIO {
  stdout(text: string): Promise<void>;
  stderr(text: string): Promise<void>;
  readStdin(): Promise<string>;
}

export async function runCli(argv: readonly string[], env: Readonly<Record<string, string | undefined>>, io: CliIO): Promise<number> {
  let parsed;
  try {
    parsed = parse(commands, argv, env);
  } catch (err) {
    if (!(err instanceof UsageError)) throw err;
    await io.stderr(`error: ${err.message}\n\n${err.usage}`);
    return 2;
  }
  if (parsed.kind === "help") {
    await io.stdout(parsed.text);
    return 0;
  }
  const { command, args } = parsed;
  try {
    const transport = createTransport(args.global.baseUrl, requestHeaders(command, args, env));
    const callerUserId = async () => {
      const info = await transport.unary(EntityAccess.method.authInfo, undefined, undefined, undefined, {});
      const ids = info.message.accessMethod.case === "apiKey" ? info.message.accessMethod.value.entityIds?.ids : undefined;
      return ids?.case === "userIds" ? ids.value.userId : undefined;
    };
    const res = await call(transport, command, args, { readStdin: io.readStdin, callerUserId });
    await io.stdout(res.json);
    if (command.list && res.total !== undefined) await io.stderr(`total: ${res.total}`);
    for (const line of (await command.notes?.(res.message, args, transport)) ?? []) await io.stderr(line);
    return 0;
  } catch (err) {
    if (err instanceof UsageError) {
      await io.stderr(`error: ${err.message}\n\n${err.usage || commandUsage(command, parsed.path)}`);
      return 2;
    }
    await io.stderr(errorJson(err));
    return 1;
  }
}
