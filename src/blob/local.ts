// The local blob provider: bucket `b`, key `x/y.png` is the file
// `<directory>/b/x/y.png`. Names are checked against a strict pattern and the
// resolved path must stay inside the bucket, so no key reaches other files.
import { randomBytes } from "node:crypto";
import { mkdir, readdir, readFile, rename, rmdir, stat, unlink, writeFile } from "node:fs/promises";
import path from "node:path";
import { assertValidName, isValidKey, type BlobStore, type StoredBlob } from "./provider.js";

const isMissing = (err: unknown) => (err as NodeJS.ErrnoException)?.code === "ENOENT" || (err as NodeJS.ErrnoException)?.code === "ENOTDIR";

export function localBlobStore(directory: string): BlobStore {
  const root = path.resolve(directory);

  function bucketDir(bucket: string): string {
    assertValidName(bucket);
    return path.join(root, bucket);
  }

  function fileOf(bucket: string, key: string): string {
    assertValidName(bucket, key);
    const dir = bucketDir(bucket);
    const file = path.resolve(dir, ...key.split("/"));
    // Defence in depth: the patterns already rule this out.
    if (!file.startsWith(dir + path.sep)) throw new Error(`blob key ${JSON.stringify(key)} leaves its bucket`);
    return file;
  }

  /** Removes empty directories from `dir` up to (not including) the bucket directory. */
  async function pruneEmpty(dir: string, stop: string): Promise<void> {
    while (dir.startsWith(stop + path.sep)) {
      try {
        await rmdir(dir);
      } catch {
        return; // not empty (or gone): stop
      }
      dir = path.dirname(dir);
    }
  }

  async function walk(dir: string, prefix: string, out: string[]): Promise<void> {
    let entries;
    try {
      entries = await readdir(dir, { withFileTypes: true });
    } catch (err) {
      if (isMissing(err)) return;
      throw err;
    }
    for (const e of entries) {
      const key = prefix ? `${prefix}/${e.name}` : e.name;
      if (e.isDirectory()) await walk(path.join(dir, e.name), key, out);
      else if (e.isFile() && isValidKey(key)) out.push(key);
    }
  }

  return {
    async put(bucket, key, data) {
      const file = fileOf(bucket, key);
      await mkdir(path.dirname(file), { recursive: true });
      // Write then rename: readers never see a half-written object.
      const tmp = path.join(path.dirname(file), `.tmp-${randomBytes(8).toString("hex")}`);
      try {
        await writeFile(tmp, data);
        await rename(tmp, file);
      } catch (err) {
        await unlink(tmp).catch(() => {});
        throw err;
      }
    },

    async get(bucket, key): Promise<StoredBlob | undefined> {
      const file = fileOf(bucket, key);
      try {
        const info = await stat(file);
        if (!info.isFile()) return undefined;
        return { data: await readFile(file), modifiedAt: info.mtime };
      } catch (err) {
        if (isMissing(err)) return undefined;
        throw err;
      }
    },

    async delete(bucket, key) {
      const file = fileOf(bucket, key);
      try {
        await unlink(file);
      } catch (err) {
        if (isMissing(err)) return;
        throw err;
      }
      await pruneEmpty(path.dirname(file), bucketDir(bucket));
    },

    async list(bucket, prefix) {
      const dir = bucketDir(bucket);
      // Walk only the deepest directory the prefix names completely.
      const slash = prefix.lastIndexOf("/");
      const base = slash < 0 ? "" : prefix.slice(0, slash);
      if (base && !isValidKey(base)) return [];
      const out: string[] = [];
      await walk(base ? path.join(dir, ...base.split("/")) : dir, base, out);
      return out.filter((k) => k.startsWith(prefix)).sort();
    },
  };
}
