// CPU accounting for a measured run: this process (the server runs in it) and
// the PostgreSQL server's processes (all of them: backends, WAL writer,
// checkpointer), read from /proc, so a request's database work counts too.
import { readdirSync, readFileSync } from "node:fs";

const ticksPerSecond = 100; // USER_HZ on Linux

function postgresTicks(): number {
  let ticks = 0;
  for (const pid of readdirSync("/proc")) {
    if (!/^\d+$/.test(pid)) continue;
    try {
      const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
      const close = stat.lastIndexOf(")");
      const name = stat.slice(stat.indexOf("(") + 1, close);
      if (!name.startsWith("postgres")) continue;
      const fields = stat.slice(close + 2).split(" ");
      ticks += Number(fields[11]) + Number(fields[12]); // utime, stime
    } catch {
      // the process ended meanwhile
    }
  }
  return ticks;
}

export interface CpuMark { node: NodeJS.CpuUsage; postgresTicks: number }

export const cpuMark = (): CpuMark => ({ node: process.cpuUsage(), postgresTicks: postgresTicks() });

/** Milliseconds of CPU since `mark`: this process and PostgreSQL's. */
export function cpuSince(mark: CpuMark): { nodeMs: number; postgresMs: number } {
  const used = process.cpuUsage(mark.node);
  return { nodeMs: (used.user + used.system) / 1000, postgresMs: ((postgresTicks() - mark.postgresTicks) * 1000) / ticksPerSecond };
}
