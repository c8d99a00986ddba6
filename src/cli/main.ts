// Entry point of is-cli (run via bin/is-cli.js): runs one invocation (run.ts)
// with process.argv, the environment and the standard streams, and exits with
// its status (0 ok, 1 RPC error, 2 usage error).
import { text } from "node:stream/consumers";
import { runCli } from "./run.js";

function write(stream: NodeJS.WriteStream, text: string): Promise<void> {
  return new Promise((resolve) => stream.write(text.endsWith("\n") ? text : `${text}\n`, () => resolve()));
}

// The HTTP/2 session would keep the process alive for a while: exit explicitly.
runCli(process.argv.slice(2), process.env, {
  stdout: (t) => write(process.stdout, t),
  stderr: (t) => write(process.stderr, t),
  readStdin: () => text(process.stdin),
}).then(
  (code) => process.exit(code),
  (err: unknown) => {
    process.stderr.write(`internal error: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
    process.exit(70);
  },
);
