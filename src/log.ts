// A small structured logger: one JSON object per line, or a readable line for
// a terminal. Passed in to whoever logs; there is no global logger.
export type LogLevel = "debug" | "info" | "warn" | "error";
const order: Record<LogLevel, number> = { debug: 10, info: 20, warn: 30, error: 40 };

export interface Logger {
  debug(fields: object, msg: string): void;
  info(fields: object, msg: string): void;
  warn(fields: object, msg: string): void;
  error(fields: object, msg: string): void;
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
    const rest = Object.entries(fields)
      .map(([k, v]) => `${k}=${v instanceof Error ? (v.stack ?? v.message) : typeof v === "string" ? v : JSON.stringify(v)}`)
      .join(" ");
    write(`${time} ${level.toUpperCase().padEnd(5)} ${msg}${rest ? " " + rest : ""}`);
  };
  return { debug: emit("debug"), info: emit("info"), warn: emit("warn"), error: emit("error") };
}

export const silentLogger: Logger = { debug() {}, info() {}, warn() {}, error() {} };
