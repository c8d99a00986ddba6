// Read and update masks of entity messages: which paths a request may name,
// what is always returned, and what a caller without <ENTITY>_INFO may see.
import type { DescMessage, Message } from "@bufbuild/protobuf";
import type { FieldMask } from "@bufbuild/protobuf/wkt";
import { validatePaths, pickPaths, topLevelPaths } from "../../messages/fieldmask.js";

export const alwaysReturned = ["ids", "created_at", "updated_at", "deleted_at"];

/** The validated paths of a read request's mask (empty mask: the always-returned fields). */
export function readPaths(desc: DescMessage, mask: FieldMask | undefined, forbidden: readonly string[] = []): string[] {
  const paths = mask?.paths ?? [];
  validatePaths(desc, paths, forbidden);
  return paths;
}

/** Public for every kind (spec §2.3); `contact_info` shows only public entries, and emulated ones never are. */
const alwaysPublic = [...alwaysReturned, "contact_info"];

/** True when every requested path is a public one. */
export function onlyPublic(paths: readonly string[], publicFields: readonly string[]): boolean {
  return [...topLevelPaths(paths)].every((p) => publicFields.includes(p) || alwaysPublic.includes(p));
}

/** The entity with only the requested paths and the always-returned ones. */
export function applyReadMask<T extends Message>(desc: DescMessage, entity: T, paths: readonly string[]): T {
  return pickPaths(desc, entity, [...alwaysReturned, ...paths]);
}

/** Update masks: validated, minus the paths nobody updates. */
export function updatePaths(desc: DescMessage, mask: FieldMask | undefined, forbidden: readonly string[] = []): string[] {
  const paths = mask?.paths ?? [];
  validatePaths(desc, paths, forbidden);
  return paths.filter((p) => !["ids", "created_at", "updated_at", "deleted_at"].includes(p.split(".")[0]!));
}
