// Running is-cli in process (runCli) against a test server, and the three
// outcomes CLI tests check: success (JSON on stdout), a failed call (exit 1, the
// error JSON on stderr) and a usage error (exit 2, before any call).
import * as assert from "uvu/assert";
import { runCli, type CliIO } from "../../src/cli/run.js";
import type { TestServer } from "./harness.js";

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

export type Cli = (args: string[], key?: string | null, env?: Record<string, string>) => Promise<CliResult>;

/** is-cli against `server`, with `defaultKey` unless a call gives a key (null: no credentials). */
export function cliRunner(server: TestServer, defaultKey: string | null = null): Cli {
  return async (args, key = defaultKey, env = {}) => {
    let stdout = "";
    let stderr = "";
    const code = await runCli(args, { IS_CLI_GRPC_ADDRESS: server.grpcAddress, IS_CLI_API_KEY: key ?? undefined, ...env }, {
      stdout: async (t) => void (stdout += `${t}\n`),
      stderr: async (t) => void (stderr += `${t}\n`),
      readStdin: async () => "",
    });
    return { code, stdout, stderr };
  };
}

/**
 * is-cli with exactly `env` (nothing of the harness) and I/O of the test's
 * choosing (stdin, a browser, a working directory); stderr lines are also
 * handed to `onStderr` as they come (login prints its URL there).
 */
export async function runIn(args: string[], env: Record<string, string | undefined>, io: Partial<CliIO> & { onStderr?: (line: string) => void } = {}): Promise<CliResult> {
  let stdout = "";
  let stderr = "";
  const { onStderr, ...rest } = io;
  const code = await runCli(args, env, {
    stdout: async (t) => void (stdout += `${t}\n`),
    stderr: async (t) => {
      stderr += `${t}\n`;
      onStderr?.(t);
    },
    readStdin: async () => "",
    ...rest,
  });
  return { code, stdout, stderr };
}

/** Exit 0; the parsed JSON of stdout. */
export function ok(r: CliResult, what: string): any { // eslint-disable-line @typescript-eslint/no-explicit-any
  assert.is(r.code, 0, `${what}: exit ${r.code}, stderr: ${r.stderr}`);
  return JSON.parse(r.stdout);
}

/** Exit 1, nothing on stdout, the error JSON on stderr: gRPC code and error name. */
export function failed(r: CliResult, what: string, code: number, name: string): void {
  assert.is(r.code, 1, `${what}: exit ${r.code}, stdout: ${r.stdout}, stderr: ${r.stderr}`);
  assert.is(r.stdout, "", `${what}: nothing on stdout`);
  const body = JSON.parse(r.stderr);
  assert.is(body.code, code, `${what}: ${r.stderr}`);
  assert.is(body.details?.[0]?.name, name, `${what}: ${r.stderr}`);
}

/** Exit 2, nothing on stdout, the reason on the first line of stderr, then the usage. */
export function usage(r: CliResult, reason: RegExp): void {
  assert.is(r.code, 2, `exit ${r.code}: ${r.stderr}`);
  assert.is(r.stdout, "");
  assert.match(r.stderr.split("\n")[0]!, reason);
  assert.match(r.stderr, /Usage: is-cli /);
}
