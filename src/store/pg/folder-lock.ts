// One writer per embedded (PGlite) database folder. PGlite has no server that
// arbitrates between processes: two processes on one folder each keep their own
// copy in memory and overwrite each other's files. The first process to open a
// folder creates `<folder>/identity-server.lock` (O_EXCL) holding its PID; any
// other process refuses at once. The file goes on close and on exit; a lock left
// by a process that no longer runs (killed, crashed) is taken over.
import { closeSync, mkdirSync, openSync, readFileSync, unlinkSync, writeSync } from "node:fs";
import { join, resolve } from "node:path";
import { errDatabaseUnavailable } from "../../errors/index.js";

export interface FolderLock {
  release(): void;
}

const lockName = "identity-server.lock";
// Folders this process holds: a second open inside one process is refused too.
const heldHere = new Set<string>();

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === "EPERM"; // exists, owned by someone else
  }
}

function readPid(path: string): number | undefined {
  try {
    const pid = Number.parseInt(readFileSync(path, "utf8"), 10);
    return Number.isInteger(pid) && pid > 0 ? pid : undefined;
  } catch {
    return undefined;
  }
}

function inUse(folder: string, pid: number | undefined, path: string): Error {
  const holder = pid === process.pid ? "this process" : `process ${pid}`;
  return errDatabaseUnavailable({
    reason: `the embedded database in ${folder} is in use by ${holder} (${path}); stop that server first, or, while it runs, use is-cli against it instead`,
  });
}

export function lockFolder(folder: string): FolderLock {
  mkdirSync(folder, { recursive: true });
  const key = resolve(folder);
  const path = join(key, lockName);
  if (heldHere.has(key)) throw inUse(folder, process.pid, path);
  for (let attempt = 0; ; attempt++) {
    let fd: number;
    try {
      fd = openSync(path, "wx", 0o644);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== "EEXIST" || attempt >= 3) throw err;
      const pid = readPid(path);
      // A PID equal to ours that this process does not hold is a leftover of an
      // earlier run (containers restart with the same PID): stale like a dead one.
      if (pid !== undefined && pid !== process.pid && alive(pid)) throw inUse(folder, pid, path);
      if (pid === undefined && attempt === 0) {
        // Being written by a process that just created it: look again shortly.
        Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 100);
        continue;
      }
      // Stale: remove it, unless another process took it over meanwhile.
      if (readPid(path) === pid) unlinkSync(path);
      continue;
    }
    try {
      writeSync(fd, `${process.pid}\n`);
    } finally {
      closeSync(fd);
    }
    break;
  }
  heldHere.add(key);
  const onExit = () => removeIfOurs(path);
  process.on("exit", onExit);
  return {
    release() {
      if (!heldHere.delete(key)) return;
      process.off("exit", onExit);
      removeIfOurs(path);
    },
  };
}

function removeIfOurs(path: string): void {
  try {
    if (readPid(path) === process.pid) unlinkSync(path);
  } catch {
    // already gone
  }
}
