// The benchmarks' other processes (load generators, bare servers, oidc-provider),
// TypeScript run with tsx: one JSON argument in, JSON lines out on stdout, and
// progress words on stderr that the parent can wait for. A failing child's
// stderr is part of the error.
import { spawn, type ChildProcess } from "node:child_process";

export interface Child {
  proc: ChildProcess;
  /** The next JSON line on stdout. */
  line(): Promise<unknown>;
  /** Resolves with the exit code; rejects with stderr when it is not 0. */
  exited: Promise<void>;
}

export function startChild(script: URL, input: unknown, onStderr?: (text: string) => void, env: NodeJS.ProcessEnv = process.env): Child {
  const proc = spawn(process.execPath, ["--import", "tsx", script.pathname, JSON.stringify(input)], { stdio: ["ignore", "pipe", "pipe"], env });
  let stdout = "";
  let stderr = "";
  const waiting: ((line: string) => void)[] = [];
  const lines: string[] = [];
  proc.stdout!.on("data", (d: Buffer) => {
    stdout += d;
    for (let nl = stdout.indexOf("\n"); nl >= 0; nl = stdout.indexOf("\n")) {
      const line = stdout.slice(0, nl);
      stdout = stdout.slice(nl + 1);
      const waiter = waiting.shift();
      if (waiter) waiter(line);
      else lines.push(line);
    }
  });
  proc.stderr!.on("data", (d: Buffer) => {
    stderr += d;
    onStderr?.(stderr);
  });
  const exited = new Promise<void>((resolve, reject) =>
    proc.on("close", (code, signal) => (code === 0 || signal === "SIGTERM" ? resolve() : reject(new Error(`${script.pathname} exited with ${code ?? signal}: ${stderr.slice(-2000)}`)))),
  );
  const line = async () => {
    const next = lines.shift() ?? (await Promise.race([new Promise<string>((resolve) => waiting.push(resolve)), exited.then(() => Promise.reject(new Error(`${script.pathname} ended without answering: ${stderr.slice(-2000)}`)))]));
    return JSON.parse(next) as unknown;
  };
  return { proc, line, exited };
}

/** Runs a child to its end; its first stdout line is the answer. `onMeasure` is called when it writes "measuring" on stderr. */
export async function runChild<T>(script: URL, input: unknown, onMeasure?: () => void, env?: NodeJS.ProcessEnv): Promise<T> {
  let measuring = false;
  const child = startChild(script, input, (stderr) => {
    if (!measuring && stderr.includes("measuring\n")) {
      measuring = true;
      onMeasure?.();
    }
  }, env);
  const [answer] = await Promise.all([child.line(), child.exited]);
  return answer as T;
}

/** A server in a child process until `close()`: its pid (for CPU accounting) and what it printed first. */
export interface Peer<T> { pid: number; info: T; close(): Promise<void> }

export async function startPeer<T>(script: URL, input: unknown): Promise<Peer<T>> {
  const child = startChild(script, input);
  const info = (await child.line()) as T;
  return {
    pid: child.proc.pid!,
    info,
    close: async () => {
      child.proc.kill("SIGTERM");
      await child.exited;
    },
  };
}
