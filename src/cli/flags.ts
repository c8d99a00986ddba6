// Flag definitions and request helpers shared by several command groups:
// pagination, field masks (--field-mask / --all), the owner/collaborator
// account (--user-id / --organization-id), rights and expiry.
import type { DescMessage, MessageInitShape } from "@bufbuild/protobuf";
import type { FieldMaskSchema } from "@bufbuild/protobuf/wkt";
import type { OrganizationOrUserIdentifiersSchema } from "../../gen/ttn/lorawan/v3/identifiers_pb.js";
import type { FlagSpec, ParsedArgs } from "./args.js";

export const paginationFlags = {
  limit: { type: { kind: "uint" }, description: "page size (0: server default)" },
  page: { type: { kind: "uint" }, description: "page number, starting at 1" },
  order: { type: { kind: "string" }, placeholder: "FIELD", description: "sort by this field; prefix with - for descending" },
} as const satisfies Record<string, FlagSpec>;

export function pagination(a: ParsedArgs): { limit: number; page: number; order: string } {
  return { limit: a.num("limit") ?? 0, page: a.num("page") ?? 0, order: a.str("order") ?? "" };
}

export const fieldMaskFlags = {
  "field-mask": { type: { kind: "list" }, placeholder: "a,b", description: "fields to return (proto names)" },
  all: { type: { kind: "boolean" }, description: "return all fields" },
} as const satisfies Record<string, FlagSpec>;

export const fieldMaskExclusive = [["field-mask", "all"]] as const;

/**
 * The field mask for --field-mask / --all / the default: `all` is every
 * top-level field of `schema` except `exclude`.
 */
export function readMask(
  a: ParsedArgs,
  schema: DescMessage,
  defaults: readonly string[],
  exclude: readonly string[] = [],
): MessageInitShape<typeof FieldMaskSchema> {
  if (a.has("all")) return { paths: schema.fields.map((f) => f.name).filter((n) => !exclude.includes(n)) };
  return { paths: a.list("field-mask") ?? [...defaults] };
}

/** Field mask of exactly the flags given, mapped to field paths. */
export function updateMask(a: ParsedArgs, paths: Readonly<Record<string, string>>): MessageInitShape<typeof FieldMaskSchema> {
  return { paths: a.given(Object.keys(paths)).map((flag) => paths[flag]!) };
}

export const accountFlags = {
  "user-id": { type: { kind: "string" }, placeholder: "ID", description: "user account" },
  "organization-id": { type: { kind: "string" }, placeholder: "ID", description: "organization account" },
} as const satisfies Record<string, FlagSpec>;

export const accountChoice = [["user-id", "organization-id"]] as const;

/** OrganizationOrUserIdentifiers from --user-id / --organization-id, if either is given. */
export function account(a: ParsedArgs): MessageInitShape<typeof OrganizationOrUserIdentifiersSchema> | undefined {
  const userId = a.str("user-id");
  if (userId !== undefined) return { ids: { case: "userIds", value: { userId } } };
  const organizationId = a.str("organization-id");
  if (organizationId !== undefined) return { ids: { case: "organizationIds", value: { organizationId } } };
  return undefined;
}

export const rightsFlag = (required: boolean, description = "rights, comma-separated (RIGHT_ prefix optional)"): FlagSpec => ({
  type: { kind: "rights" },
  description,
  required,
});

export const expiresAtFlag: FlagSpec = {
  type: { kind: "timestamp" },
  description: "expiry time, RFC 3339 (e.g. 2030-01-02T15:04:05Z)",
};
