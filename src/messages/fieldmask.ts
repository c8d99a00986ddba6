// Field masks over any message: which paths exist, validation against an
// allow-list, and copying or keeping just the masked paths. Paths are proto
// names joined by dots (`version_ids.brand_id`); a message path stands for all
// of its sub-fields.
import { create, type DescMessage, type Message } from "@bufbuild/protobuf";
import { errFieldMaskPaths } from "../errors/index.js";
import { clearField, copyValue, fieldByName, getField, setField } from "./fields.js";

const pathCache = new WeakMap<DescMessage, Set<string>>();

/** Every path of a message, nested into sub-messages (well-known types are leaves). */
export function allPaths(desc: DescMessage): Set<string> {
  let paths = pathCache.get(desc);
  if (!paths) {
    paths = new Set();
    collect(desc, "", paths, new Set());
    pathCache.set(desc, paths);
  }
  return paths;
}

function collect(desc: DescMessage, prefix: string, out: Set<string>, seen: Set<DescMessage>): void {
  seen.add(desc);
  for (const f of desc.fields) {
    const path = prefix + f.name;
    out.add(path);
    if (f.fieldKind === "message" && !f.message.typeName.startsWith("google.protobuf.") && !seen.has(f.message)) {
      collect(f.message, `${path}.`, out, seen);
    }
  }
  seen.delete(desc);
}

/** Throws `field_mask_paths` listing every path that is unknown or forbidden. */
export function validatePaths(desc: DescMessage, paths: readonly string[], forbidden: readonly string[] = []): void {
  const known = allPaths(desc);
  const bad = paths.filter((p) => !known.has(p) || forbidden.some((f) => p === f || p.startsWith(`${f}.`)));
  if (bad.length > 0) throw errFieldMaskPaths({ forbidden_paths: bad });
}

export function topLevelPaths(paths: readonly string[]): Set<string> {
  return new Set(paths.map((p) => p.split(".", 1)[0]!));
}

/** Copies the value at each path from `src` into `dst` (an unset value clears it). */
export function copyPaths<T extends Message>(desc: DescMessage, dst: T, src: T, paths: readonly string[]): T {
  for (const path of paths) copyPath(desc, dst, src, path.split("."));
  return dst;
}

function copyPath(desc: DescMessage, dst: Message, src: Message | undefined, parts: string[]): void {
  const field = fieldByName(desc, parts[0]!);
  if (!field) return;
  const srcValue = src ? getField(src, field) : undefined;
  if (parts.length === 1 || field.fieldKind !== "message") {
    if (srcValue === undefined) clearField(dst, field);
    else setField(dst, field, copyValue(field, srcValue));
    return;
  }
  let sub = getField(dst, field) as Message | undefined;
  if (!sub) {
    if (srcValue === undefined) return; // nothing to clear below an unset message
    sub = create(field.message);
    setField(dst, field, sub);
  }
  copyPath(field.message, sub, srcValue as Message | undefined, parts.slice(1));
}

/** A new message with only the masked paths of `src`. */
export function pickPaths<T extends Message>(desc: DescMessage, src: T, paths: readonly string[]): T {
  return copyPaths(desc, create(desc) as T, src, paths);
}
