// Profile pictures (users) and end device pictures: what Create and Update do
// with a Picture in a request, how stored pictures are shown, and when their
// blobs go away. Stored pictures hold blob keys (`<uid>.<ULID>/original.png`);
// responses turn them into URLs below the kind's `bucket-url`.
//
// Unlike the stack, a picture given only as `sizes` (external URLs) is kept as
// given: the server never downloads anything on a client's behalf.
import { create } from "@bufbuild/protobuf";
import { PictureSchema, type Picture } from "../../gen/ttn/lorawan/v3/picture_pb.js";
import { blobStoreOf, isValidKey, type BlobStore } from "../blob/index.js";
import type { Config } from "../config/index.js";
import { errEndDevicePictureUploadsDisabled, errProfilePictureUploadsDisabled, errValidation, type ErrorFactory } from "../errors/index.js";
import { gravatarPicture } from "./gravatar.js";
import { sortableId } from "./ids.js";
import { processImage } from "./image.js";

export { gravatarPicture } from "./gravatar.js";

export type PictureKind = "profile" | "end_device";

interface KindSettings {
  disableUpload: boolean;
  bucket: string;
  bucketUrl: string;
  uploadsDisabled: ErrorFactory;
}

function settingsOf(config: Config, kind: PictureKind): KindSettings {
  if (kind === "profile") {
    const c = config.is.profilePicture;
    return { disableUpload: c.disableUpload, bucket: c.bucket, bucketUrl: c.bucketUrl, uploadsDisabled: errProfilePictureUploadsDisabled };
  }
  const c = config.is.endDevicePicture;
  return { disableUpload: c.disableUpload, bucket: c.bucket, bucketUrl: c.bucketUrl, uploadsDisabled: errEndDevicePictureUploadsDisabled };
}

/** Whose picture, and where it sits in the request (for error messages). */
export interface PictureOwner {
  config: Config;
  kind: PictureKind;
  /** The entity's unique ID: `alice`, or `my-app.my-device`. */
  uid: string;
  /** The picture's path in the request: `user.profile_picture`. */
  field: string;
  now: Date;
  /** Runs a hook once the database write has committed (the store's `afterCommit`). */
  afterCommit(hook: () => void): void;
}

const maxExternalSizes = 32;
const maxURLLength = 2048;
const isAbsoluteURL = (v: string) => /^[a-z][a-z0-9+.-]*:/i.test(v);

/** A picture message with nothing in it: in an update mask, it clears the picture. */
export const isEmptyPicture = (p: Picture | undefined) => !p || (!p.embedded && Object.keys(p.sizes).length === 0);

function checkExternalSizes(field: string, sizes: Record<number, string>): Record<number, string> {
  const entries = Object.entries(sizes);
  if (entries.length > maxExternalSizes) throw errValidation({ field: `${field}.sizes`, reason: `must have at most ${maxExternalSizes} entries` });
  for (const [size, url] of entries) {
    let parsed: URL | undefined;
    try {
      parsed = url.length <= maxURLLength ? new URL(url) : undefined;
    } catch {
      parsed = undefined;
    }
    if (!parsed || (parsed.protocol !== "http:" && parsed.protocol !== "https:") || !parsed.hostname) {
      throw errValidation({ field: `${field}.sizes[${size}]`, reason: `must be an absolute http(s) URL of at most ${maxURLLength} characters` });
    }
  }
  return { ...sizes };
}

/** The picture the entity keeps, and the blobs written for it (to remove if the database write fails). */
interface AcceptedPicture {
  picture: Picture | undefined;
  keys: string[];
}

async function acceptPicture(owner: PictureOwner, blobs: BlobStore, input: Picture | undefined): Promise<AcceptedPicture> {
  if (isEmptyPicture(input)) return { picture: undefined, keys: [] };
  const settings = settingsOf(owner.config, owner.kind);
  const embedded = input!.embedded;
  if (embedded) {
    if (settings.disableUpload) throw settings.uploadsDisabled();
    // Upstream ignores `sizes` next to an upload as well: the upload defines the picture.
    const image = await processImage(owner.field, embedded.mimeType, embedded.data);
    const prefix = `${owner.uid}.${sortableId(owner.now)}`;
    const sizes: Record<number, string> = {};
    const keys: string[] = [];
    try {
      for (const [size, data] of image.files) {
        const key = `${prefix}/${size === 0 ? "original" : size}.${image.ext}`;
        keys.push(key);
        await blobs.put(settings.bucket, key, data);
        sizes[size] = key;
      }
    } catch (err) {
      await removeKeys(blobs, settings.bucket, keys);
      throw err;
    }
    return { picture: create(PictureSchema, { sizes }), keys };
  }
  return { picture: create(PictureSchema, { sizes: checkExternalSizes(owner.field, input!.sizes) }), keys: [] };
}

async function removeKeys(blobs: BlobStore, bucket: string, keys: readonly string[]): Promise<void> {
  // Best effort: the database never points at these, so a leftover file only costs space.
  await Promise.all(keys.map((k) => blobs.delete(bucket, k).catch(() => {})));
}

/** The blob prefixes (`<uid>.<id>`) a stored picture of this owner uses. */
function blobPrefixes(uid: string, picture: Picture | undefined): Set<string> {
  const out = new Set<string>();
  for (const value of Object.values(picture?.sizes ?? {})) {
    if (isAbsoluteURL(value) || !isValidKey(value)) continue;
    const prefix = value.split("/", 1)[0]!;
    // Only ever this owner's own uploads.
    if (prefix.startsWith(`${uid}.`) && value.includes("/")) out.add(prefix);
  }
  return out;
}

/** Removes the blobs of a stored picture, except those `keep` still uses. Never throws. */
export async function removePictureBlobs(config: Config, kind: PictureKind, uid: string, picture: Picture | undefined, keep?: Picture): Promise<void> {
  const prefixes = blobPrefixes(uid, picture);
  for (const p of blobPrefixes(uid, keep)) prefixes.delete(p);
  if (prefixes.size === 0) return;
  const { bucket } = settingsOf(config, kind);
  const blobs = blobStoreOf(config);
  for (const prefix of prefixes) {
    const keys = await blobs.list(bucket, `${prefix}/`).catch(() => [] as string[]);
    await removeKeys(blobs, bucket, keys);
  }
}

/**
 * Accepts the request's picture (uploads are processed and written as blobs),
 * runs the database write with what the entity keeps, and once that has
 * committed removes the blobs of `previous`. When the write fails, the new
 * blobs are removed instead.
 */
export async function savePicture<T>(
  owner: PictureOwner,
  input: Picture | undefined,
  previous: Picture | undefined,
  write: (picture: Picture | undefined) => Promise<T>,
): Promise<T> {
  const blobs = blobStoreOf(owner.config);
  const accepted = await acceptPicture(owner, blobs, input);
  let result: T;
  try {
    result = await write(accepted.picture);
  } catch (err) {
    await removeKeys(blobs, settingsOf(owner.config, owner.kind).bucket, accepted.keys);
    throw err;
  }
  // Inside a caller's transaction the old picture stays referenced until it
  // commits; outside one the hook runs at once, and the response waits for it.
  let cleanup: Promise<void> | undefined;
  owner.afterCommit(() => (cleanup = removePictureBlobs(owner.config, owner.kind, owner.uid, previous, accepted.picture)));
  await cleanup;
  return result;
}

/** A stored picture as clients see it: blob keys become URLs below the kind's `bucket-url`. */
export function presentPicture(config: Config, kind: PictureKind, picture: Picture | undefined): Picture | undefined {
  if (!picture) return undefined;
  const base = settingsOf(config, kind).bucketUrl.replace(/\/+$/, "");
  const sizes: Record<number, string> = {};
  for (const [size, value] of Object.entries(picture.sizes)) sizes[Number(size)] = isAbsoluteURL(value) ? value : `${base}/${value}`;
  return create(PictureSchema, { sizes });
}

/**
 * A user's profile picture for a response: the stored one, or with
 * `is.profile-picture.use-gravatar` and `gravatar` set, the Gravatar URLs of the
 * primary e-mail address when there is none.
 */
export function presentProfilePicture(config: Config, user: { profilePicture?: Picture; primaryEmailAddress: string }, gravatar: boolean): Picture | undefined {
  if (!isEmptyPicture(user.profilePicture)) return presentPicture(config, "profile", user.profilePicture);
  if (gravatar && config.is.profilePicture.useGravatar) return gravatarPicture(user.primaryEmailAddress);
  return undefined;
}
