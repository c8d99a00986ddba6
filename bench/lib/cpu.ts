// CPU accounting for a measured run, read from /proc: a server process (all of
// its threads: event loop, libuv pool, PGlite's WASM) and the PostgreSQL
// backends connected to one database, so a request's database work counts too.
// Only that database's backends: the machine's PostgreSQL is shared, and its
// other databases' backends and the shared WAL writer and checkpointer would
// count other work. Backends that end during a run lose their share (the
// server's pool keeps its connections open).
import { readdirSync, readFileSync } from "node:fs";

const ticksPerSecond = 100; // USER_HZ on Linux

/** utime + stime of a process (every thread, ended ones too), in ticks; 0 once it is gone. */
export function processTicks(pid: number | string): number {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    return Number(fields[11]) + Number(fields[12]);
  } catch {
    return 0; // the process ended meanwhile
  }
}

/** CPU of a process so far, in ms. */
export const processCpuMs = (pid: number) => (processTicks(pid) * 1000) / ticksPerSecond;

/** The database a postgres:// URL names (postgres.js defaults it to the user). */
export function databaseOf(url: string): string {
  const u = new URL(url);
  return decodeURIComponent(u.pathname.slice(1)) || decodeURIComponent(u.username) || "postgres";
}

function backendTicks(database: string): number {
  // The process title of a backend: "postgres: [cluster: ]<user> <database> <host>(<port>) <state>".
  const title = new RegExp(`^postgres: (?:\\S+: )?\\S+ ${database.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")} `);
  let ticks = 0;
  for (const pid of readdirSync("/proc")) {
    if (!/^\d+$/.test(pid)) continue;
    try {
      if (readFileSync(`/proc/${pid}/comm`, "utf8").trim() !== "postgres") continue;
      if (title.test(readFileSync(`/proc/${pid}/cmdline`, "latin1"))) ticks += processTicks(pid);
    } catch {
      // the process ended meanwhile
    }
  }
  return ticks;
}

export interface CpuUsed { serverMs: number; postgresMs: number }

/** Marks the start of a run; the returned function gives the CPU used since. */
export type CpuMeter = () => () => CpuUsed;

/** A meter of process `pid` and, with `database`, of the PostgreSQL backends connected to it. */
export function cpuMeter(pid: number, database?: string): CpuMeter {
  const read = () => ({ server: processTicks(pid), postgres: database ? backendTicks(database) : 0 });
  return () => {
    const start = read();
    return () => {
      const end = read();
      return { serverMs: ((end.server - start.server) * 1000) / ticksPerSecond, postgresMs: ((end.postgres - start.postgres) * 1000) / ticksPerSecond };
    };
  };
}
