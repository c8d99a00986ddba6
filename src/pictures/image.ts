// Turns an uploaded image into the stored files: checked against its declared
// type by what the bytes really are, centre-cropped to a square, scaled to at
// most 1024×1024 (Lanczos), re-encoded (JPEG stays JPEG, the rest becomes PNG),
// plus the standard smaller sizes. Metadata (EXIF, GPS) is not carried over.
// sharp (libvips, ~25 MiB) is not loaded at start: the server warms it up once
// it is ready (`loadImageCodec`), or the first picture loads it.
import type { Metadata } from "sharp";
import { errInvalidPicture, errValidation } from "../errors/index.js";

export const allowedMimeTypes = { "image/png": "png", "image/jpeg": "jpeg", "image/gif": "gif" } as const;
export const maxDataBytes = 8 * 1024 * 1024;
export const minSide = 16;
export const maxSide = 8192;
export const maxStoredSide = 1024;
export const standardSizes = [64, 128, 256, 512] as const;

/** The image library, loaded on first use. */
export const loadImageCodec = () => import("sharp");

export interface ProcessedImage {
  /** File extension of every file: `jpg` or `png`. */
  ext: "jpg" | "png";
  /** Encoded files by side length; 0 is the (downscaled) original. */
  files: Map<number, Buffer>;
}

// Decoding only ever gets as far as the dimension checks allow.
const decodeOptions = { limitInputPixels: maxSide * maxSide, failOn: "error" } as const;

/** `field` is the picture's path in the request (`user.profile_picture`). */
export async function processImage(field: string, mimeType: string, data: Uint8Array): Promise<ProcessedImage> {
  const type = mimeType.trim().toLowerCase();
  const expected = allowedMimeTypes[type as keyof typeof allowedMimeTypes];
  if (!expected) throw errValidation({ field: `${field}.embedded.mime_type`, reason: "must be image/png, image/jpeg or image/gif" });
  if (data.length === 0) throw errValidation({ field: `${field}.embedded.data`, reason: "must be set" });
  if (data.length > maxDataBytes) throw errValidation({ field: `${field}.embedded.data`, reason: `must be at most ${maxDataBytes} bytes` });
  const input = Buffer.from(data.buffer, data.byteOffset, data.byteLength);
  const dataField = `${field}.embedded.data`;
  const { default: sharp } = await loadImageCodec();

  let meta: Metadata;
  try {
    meta = await sharp(input, decodeOptions).metadata();
  } catch {
    throw errInvalidPicture({ field: dataField, reason: "the data is not a PNG, JPEG or GIF image" });
  }
  if (meta.format !== expected) {
    throw errInvalidPicture({ field: dataField, reason: `the data is ${meta.format ?? "an unknown format"}, not ${type}` });
  }
  const width = meta.autoOrient?.width ?? meta.width ?? 0;
  const height = meta.autoOrient?.height ?? meta.height ?? 0;
  if (width < minSide || height < minSide) {
    throw errInvalidPicture({ field: dataField, reason: `${width}×${height} pixels is too small (at least ${minSide} on each side)` });
  }
  if (width > maxSide || height > maxSide) {
    throw errInvalidPicture({ field: dataField, reason: `${width}×${height} pixels is too large (at most ${maxSide} on each side)` });
  }

  const ext = meta.format === "jpeg" ? "jpg" : "png";
  const side = Math.min(width, height, maxStoredSide);
  const render = (size: number) => {
    // `cover` on a square box is a centre crop plus scaling in one step.
    const img = sharp(input, decodeOptions).autoOrient().resize(size, size, { fit: "cover", position: "centre", kernel: "lanczos3" });
    return (ext === "jpg" ? img.jpeg({ quality: 90 }) : img.png()).toBuffer();
  };
  const files = new Map<number, Buffer>();
  try {
    files.set(0, await render(side));
    for (const size of standardSizes) if (size <= side) files.set(size, await render(size));
  } catch {
    // The header was fine but the pixels are not (truncated or corrupt data).
    throw errInvalidPicture({ field: dataField, reason: "the image data is corrupt" });
  }
  return { ext, files };
}
