// A small structured logger: one JSON object per line, or a readable line for
// a terminal. Passed in to whoever logs; there is no global logger.
//
// Lines written while serving a request name it: the code serving a request
// logs through `withFields(log, { request_id })` (the request log's
// requestLogger / callLogger do that), not through an async context. Node 20's
// AsyncLocalStorage switches on promise hooks for the whole process, which cost
// a fifth of the CPU of a cached gRPC Get (measured with make bench).
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

export function levelAtLeast(level: LogLevel, min: LogLevel): boolean {
  return order[level] >= order[min];
}

export function createLogger(opts: { level: LogLevel; format: "json" | "console"; write?: (line: string) => void }): Logger {
  const write = opts.write ?? ((line: string) => process.stderr.write(line + "\n"));
  const emit = (level: LogLevel) => (fields: object, msg: string) => {
    if (order[level] < order[opts.level]) return;
    const time = new Date().toISOString();
    if (opts.format === "json") {
      write(JSON.stringify({ time, level, msg, ...fields }, (_k, v) => (v instanceof Error ? { message: v.message, stack: v.stack } : v)));
      return;
    }
    // (Undefined fields are left out, as JSON.stringify leaves them out.)
    const rest = Object.entries(fields)
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

/** `log` with `fields` on every line (a line's own fields win over them). */
export function withFields(log: Logger, fields: Readonly<Record<string, unknown>>): Logger {
  return new FieldsLogger(log, fields);
}

class FieldsLogger implements Logger {
  constructor(
    private readonly log: Logger,
    private readonly fields: Readonly<Record<string, unknown>>,
  ) {}
  debug(own: object, msg: string): void {
    this.log.debug({ ...this.fields, ...own }, msg);
  }
  info(own: object, msg: string): void {
    this.log.info({ ...this.fields, ...own }, msg);
  }
  warn(own: object, msg: string): void {
    this.log.warn({ ...this.fields, ...own }, msg);
  }
  error(own: object, msg: string): void {
    this.log.error({ ...this.fields, ...own }, msg);
  }
  enabled(level: LogLevel): boolean {
    return this.log.enabled?.(level) ?? true;
  }
}

export const silentLogger: Logger = { debug() {}, info() {}, warn() {}, error() {} };
