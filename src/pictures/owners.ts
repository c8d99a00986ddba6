// The glue the registries use: whose picture a request carries, and how users
// and end devices look in responses (blob keys as URLs, Gravatar fallback).
import type { EndDevice } from "../../gen/ttn/lorawan/v3/end_device_pb.js";
import type { User } from "../../gen/ttn/lorawan/v3/user_pb.js";
import type { Config } from "../config/index.js";
import { topLevelPaths } from "../messages/fieldmask.js";
import { presentPicture, presentProfilePicture, removePictureBlobs, type PictureKind, type PictureOwner } from "./index.js";

interface Scope {
  readonly config: Config;
  readonly store: { afterCommit(hook: () => void): void };
  now(): Date;
}

export const deviceUid = (applicationId: string, deviceId: string) => `${applicationId}.${deviceId}`;

export function pictureOwner(scope: Scope, kind: PictureKind, uid: string, field: string): PictureOwner {
  return { config: scope.config, kind, uid, field, now: scope.now(), afterCommit: (hook) => scope.store.afterCommit(hook) };
}

/**
 * The user with its profile picture as clients see it. `paths` is the read
 * mask: when it asks for `profile_picture`, a user without one gets Gravatar's
 * (the e-mail address it is derived from is not returned unless masked).
 */
export function showUserPicture<T extends User>(config: Config, user: T, paths: readonly string[]): T {
  const gravatar = topLevelPaths(paths).has("profile_picture");
  return { ...user, profilePicture: presentProfilePicture(config, user, gravatar) };
}

export function showDevicePicture<T extends EndDevice>(config: Config, device: T): T {
  return device.picture ? { ...device, picture: presentPicture(config, "end_device", device.picture) } : device;
}

/** After a purge: the user's picture blobs go too. */
export const removeUserPictures = (config: Config, user: User) =>
  removePictureBlobs(config, "profile", user.ids?.userId ?? "", user.profilePicture);

/** After a device is deleted: its picture blobs go too. */
export const removeDevicePictures = (config: Config, device: EndDevice) =>
  removePictureBlobs(config, "end_device", deviceUid(device.ids?.applicationIds?.applicationId ?? "", device.ids?.deviceId ?? ""), device.picture);
