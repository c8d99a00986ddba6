// Gravatar URLs for users without a picture of their own (`is.profile-picture.use-gravatar`).
// `d=404` makes Gravatar answer 404 for addresses it does not know, so clients fall back.
import { createHash } from "node:crypto";
import { create } from "@bufbuild/protobuf";
import { PictureSchema, type Picture } from "../../gen/ttn/lorawan/v3/picture_pb.js";
import { standardSizes } from "./image.js";

export function gravatarPicture(email: string): Picture | undefined {
  const normalized = email.trim().toLowerCase();
  if (!normalized) return undefined;
  const hash = createHash("md5").update(normalized).digest("hex");
  const sizes: Record<number, string> = {};
  for (const size of standardSizes) sizes[size] = `https://www.gravatar.com/avatar/${hash}?s=${size}&d=404`;
  return create(PictureSchema, { sizes });
}
