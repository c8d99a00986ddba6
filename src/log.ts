// A small structured logger: one JSON object per line, or a readable line for
// a terminal. Passed in to whoever logs; there is no global logger.
//
// Lines also carry the fields of the async context they are written in (the
// log scope): the request log (src/telemetry/request-log/) opens one per
// request with its request ID, so every line written while serving a request
// names it, whoever writes it, without the ID being passed down to them.
import { AsyncLocalStorage } from "node:async_hooks";

export type LogLevel = "debug" | "info" | "warn" | "error";
const order: Record<LogLevel, number> = { debug: 10, info: 20, warn: 30, error: 40 };

export interface Logger {
  debug(fields: object, msg: string): void;
  info(fields: object, msg: string): void;
  warn(fields: object, msg: string): void;
  error(fields: object, msg: string): void;
  /** Whether a line of this level is written; absent means it may be (callers then build their lines anyway). */
  enabled?(level: LogLevel): boolean;
}

/** What an async context adds to every line written within it. */
export interface LogScope {
  readonly logFields: Readonly<Record<string, unknown>>;
  /**
   * Over: its fields are no longer added. Timers and connections made while
   * serving a request keep its context for good; their lines are not its.
   */
  readonly done?: boolean;
}

// One per process rather than per logger: a request's scope must reach every
// logger the code serving it holds (the server's, a test's). Servers sharing a
// process still keep their requests apart, each request running in its own scope.
const scopes = new AsyncLocalStorage<LogScope>();

/** Runs `fn` (and everything it starts) in `scope`. */
export function runInLogScope<T>(scope: LogScope, fn: () => T): T {
  return scopes.run(scope, fn);
}

/** The scope of the code running now, if any. */
export function currentLogScope(): LogScope | undefined {
  return scopes.getStore();
}

export function levelAtLeast(level: LogLevel, min: LogLevel): boolean {
  return order[level] >= order[min];
}

export function createLogger(opts: { level: LogLevel; format: "json" | "console"; write?: (line: string) => void }): Logger {
  const write = opts.write ?? ((line: string) => process.stderr.write(line + "\n"));
  const emit = (level: LogLevel) => (fields: object, msg: string) => {
    if (order[level] < order[opts.level]) return;
    const time = new Date().toISOString();
    // The line's own fields win over the scope's (a line about another request names that one).
    const scope = scopes.getStore();
    const all = scope && !scope.done ? { ...scope.logFields, ...fields } : fields;
    if (opts.format === "json") {
      write(JSON.stringify({ time, level, msg, ...all }, (_k, v) => (v instanceof Error ? { message: v.message, stack: v.stack } : v)));
      return;
    }
    // (Undefined fields are left out, as JSON.stringify leaves them out.)
    const rest = Object.entries(all)
      .filter(([, v]) => v !== undefined)
      .map(([k, v]) => `${k}=${v instanceof Error ? (v.stack ?? v.message) : typeof v === "string" ? v : JSON.stringify(v)}`)
      .join(" ");
    write(`${time} ${level.toUpperCase().padEnd(5)} ${msg}${rest ? " " + rest : ""}`);
  };
  return {
    debug: emit("debug"),
    info: emit("info"),
    warn: emit("warn"),
    error: emit("error"),
    enabled: (level) => order[level] >= order[opts.level],
  };
}

export const silentLogger: Logger = { debug() {}, info() {}, warn() {}, error() {} };
