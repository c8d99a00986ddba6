// The credentials `login` stores, per credentials ID (`use` sets it to the
// host; "" by default): an OAuth token (access token, refresh token, expiry)
// or an API key, and the hosts they were obtained for, so they are not sent
// to another host by mistake. One JSON file in the user's cache folder
// ($XDG_CACHE_HOME or $HOME/.cache), readable by the user only.
import { chmodSync, mkdirSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";

/** An OAuth token as the token endpoint gave it, with its expiry as an RFC 3339 time. */
export interface StoredToken {
  readonly access_token: string;
  readonly token_type: string;
  readonly refresh_token?: string;
  readonly expiry?: string;
}

export interface StoredCredentials {
  readonly oauth_token?: StoredToken;
  readonly api_key?: string;
  /** Host names of the OAuth server and the Identity Server at login. */
  readonly hosts?: readonly string[];
}

interface CacheFile {
  credentials?: Record<string, StoredCredentials>;
}

export class AuthCache {
  private constructor(
    /** Undefined without a cache folder ($HOME unset): nothing is kept. */
    readonly file: string | undefined,
    private data: CacheFile,
  ) {}

  static fileIn(cacheDir: string | undefined): string | undefined {
    return cacheDir ? join(cacheDir, "is-cli", "credentials.json") : undefined;
  }

  /** The cache of `file`; empty when it does not exist (a damaged file is an Error). */
  static load(file: string | undefined): AuthCache {
    if (!file) return new AuthCache(undefined, {});
    let text: string;
    try {
      text = readFileSync(file, "utf8");
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === "ENOENT") return new AuthCache(file, {});
      throw err;
    }
    try {
      return new AuthCache(file, JSON.parse(text) as CacheFile);
    } catch {
      throw new Error(`the credentials file ${file} is damaged: remove it and log in again`);
    }
  }

  get(id: string): StoredCredentials | undefined {
    return this.data.credentials?.[id];
  }

  /** Replaces (or with undefined removes) the credentials of `id` and writes the file. */
  set(id: string, credentials: StoredCredentials | undefined): void {
    const all = { ...this.data.credentials };
    if (credentials) all[id] = credentials;
    else delete all[id];
    this.data = { ...this.data, credentials: all };
    this.save();
  }

  private save(): void {
    if (!this.file) return;
    mkdirSync(dirname(this.file), { recursive: true, mode: 0o700 });
    // Written aside and renamed: a crash never leaves half a file.
    const tmp = `${this.file}.${process.pid}.tmp`;
    writeFileSync(tmp, `${JSON.stringify(this.data, null, 2)}\n`, { mode: 0o600 });
    chmodSync(tmp, 0o600);
    renameSync(tmp, this.file);
  }
}
