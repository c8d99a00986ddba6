// Entry point of is-cli (run via bin/is-cli.js): runs one invocation (run.ts)
// with process.argv, the environment and the standard streams, and exits with
// its status (0 ok, 1 RPC error, 2 usage error). `login` opens the browser
// with $BROWSER (a command; "none" for none) or the platform's opener.
import { spawn } from "node:child_process";
import { createInterface } from "node:readline";
import { text } from "node:stream/consumers";
import { runCli } from "./run.js";

function write(stream: NodeJS.WriteStream, text: string): Promise<void> {
  return new Promise((resolve) => stream.write(text.endsWith("\n") ? text : `${text}\n`, () => resolve()));
}

let lines: AsyncIterator<string> | undefined;
async function readLine(): Promise<string | undefined> {
  lines ??= createInterface({ input: process.stdin, terminal: false })[Symbol.asyncIterator]();
  const next = await lines.next();
  return next.done ? undefined : next.value;
}

async function openBrowser(url: string): Promise<void> {
  const configured = process.env.BROWSER;
  if (configured === "none" || configured === "") return;
  const [cmd, args] = configured
    ? [configured, [url]]
    : process.platform === "darwin"
      ? ["open", [url]]
      : process.platform === "win32"
        ? ["cmd", ["/c", "start", "", url]]
        : ["xdg-open", [url]];
  await new Promise<void>((resolve, reject) => {
    const child = spawn(cmd, args, { stdio: "ignore", detached: true });
    child.once("error", reject);
    child.once("spawn", () => {
      child.unref();
      resolve();
    });
  });
}

// The HTTP/2 session would keep the process alive for a while: exit explicitly.
runCli(process.argv.slice(2), process.env, {
  stdout: (t) => write(process.stdout, t),
  stderr: (t) => write(process.stderr, t),
  readStdin: () => text(process.stdin),
  readLine,
  openBrowser,
}).then(
  (code) => process.exit(code),
  (err: unknown) => {
    process.stderr.write(`internal error: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
    process.exit(70);
  },
);
