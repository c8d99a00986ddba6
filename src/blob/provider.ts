// The blob store interface: opaque objects by bucket and key, as the stack keeps
// pictures. Keys are `/`-separated relative names; providers refuse anything
// that could name a place outside their bucket.

export interface StoredBlob {
  data: Buffer;
  modifiedAt: Date;
}

export interface BlobStore {
  /** Writes (or replaces) the object. */
  put(bucket: string, key: string, data: Uint8Array): Promise<void>;
  /** The object, or undefined when there is none. */
  get(bucket: string, key: string): Promise<StoredBlob | undefined>;
  /** Removes the object; a missing one is not an error. */
  delete(bucket: string, key: string): Promise<void>;
  /** Keys of the objects whose key starts with `prefix`, sorted. */
  list(bucket: string, prefix: string): Promise<string[]>;
}

const BUCKET = /^[a-z0-9][a-z0-9_-]{0,62}$/;
// No segment may start with a dot: that rules out `.`, `..` and hidden files.
const SEGMENT = /^[A-Za-z0-9_-][A-Za-z0-9._-]{0,127}$/;

export class InvalidBlobNameError extends Error {
  constructor(what: string, value: string) {
    super(`invalid blob ${what} ${JSON.stringify(value)}`);
    this.name = "InvalidBlobNameError";
  }
}

export const isValidBucket = (bucket: string) => BUCKET.test(bucket);

/** True for keys of one or more safe segments, at most 1024 characters. */
export function isValidKey(key: string): boolean {
  return key.length > 0 && key.length <= 1024 && key.split("/").every((s) => SEGMENT.test(s));
}

export function assertValidName(bucket: string, key?: string): void {
  if (!isValidBucket(bucket)) throw new InvalidBlobNameError("bucket", bucket);
  if (key !== undefined && !isValidKey(key)) throw new InvalidBlobNameError("key", key);
}
