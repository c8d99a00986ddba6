// Entry point of is-cli (run via bin/is-cli.js): parses process.argv, makes
// the call and maps the outcome to output and exit status:
// 0 = response JSON on stdout; 1 = RPC error JSON on stderr; 2 = usage error.
import { text } from "node:stream/consumers";
import { parse, UsageError } from "./args.js";
import { call, createTransport, errorJson } from "./client.js";
import { commands } from "./commands.js";

function write(stream: NodeJS.WriteStream, text: string): Promise<void> {
  return new Promise((resolve) => stream.write(text.endsWith("\n") ? text : `${text}\n`, () => resolve()));
}

async function main(argv: string[]): Promise<number> {
  let parsed;
  try {
    parsed = parse(commands, argv, process.env);
  } catch (err) {
    if (!(err instanceof UsageError)) throw err;
    await write(process.stderr, `error: ${err.message}\n\n${err.usage}`);
    return 2;
  }
  if (parsed.kind === "help") {
    await write(process.stdout, parsed.text);
    return 0;
  }
  const { command, args } = parsed;
  try {
    const res = await call(createTransport(args.global), command, args, {
      readStdin: () => text(process.stdin),
    });
    await write(process.stdout, res.json);
    if (command.list && res.total !== undefined) await write(process.stderr, `total: ${res.total}`);
    return 0;
  } catch (err) {
    await write(process.stderr, errorJson(err));
    return 1;
  }
}

// The HTTP/2 session would keep the process alive for a while: exit explicitly.
main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (err: unknown) => {
    process.stderr.write(`internal error: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
    process.exit(70);
  },
);
