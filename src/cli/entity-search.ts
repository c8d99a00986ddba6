// Search commands of EntityRegistrySearch, defined once: the filters every
// search has (shared with `end-devices search`), and a `search` command for an
// entity kind, used both under the entity's group (`applications search`, as
// The Things Stack's CLI has it) and under the top-level `search` group.
import type { DescMessage, DescMethodUnary } from "@bufbuild/protobuf";
import { StateSchema } from "../../gen/ttn/lorawan/v3/enums_pb.js";
import type { FlagSpec, ParsedArgs } from "./args.js";
import { rpc, type RpcCommand } from "./client.js";
import { deletedFlag, fieldMaskExclusive, pagination, paginationFlags, readFlags, readMask, str } from "./flags.js";

/** Filters every search has. */
export const searchFlags = {
  query: str("ID, name or description contains this", "TEXT"),
  "id-contains": str("ID contains", "TEXT"),
  "name-contains": str("name contains", "TEXT"),
  "description-contains": str("description contains", "TEXT"),
  "attributes-contain": { type: { kind: "map" }, description: "attribute values contain, key=value pairs" },
} as const satisfies Record<string, FlagSpec>;

export function searchValues(a: ParsedArgs) {
  return {
    query: a.str("query") ?? "",
    idContains: a.str("id-contains") ?? "",
    nameContains: a.str("name-contains") ?? "",
    descriptionContains: a.str("description-contains") ?? "",
    attributesContain: a.map("attributes-contain") ?? {},
  };
}

/** A filter on part of an EUI, as hex digits. */
export const hexContains = (what: string): FlagSpec => ({ type: { kind: "hex" }, description: `${what} contains these hex digits` });

const stateFlag: FlagSpec = {
  type: { kind: "enums", schema: StateSchema, prefix: "STATE_" },
  description: "only in these review states (administrators)",
};

/** --state: the review states of clients and users. */
export const withState = { flags: { state: stateFlag }, request: (a: ParsedArgs) => ({ state: a.enums("state") ?? [] }) };

export interface SearchExtra {
  readonly flags?: Record<string, FlagSpec>;
  readonly request?: (a: ParsedArgs) => Record<string, unknown>;
  /** Write-only fields, never asked for. */
  readonly secret?: readonly string[];
}

/** The `search` command of one entity kind (named `name`): the shared filters plus `extra`. */
export function searchCommand(
  name: string,
  plural: string,
  method: DescMethodUnary<any, any>, // eslint-disable-line @typescript-eslint/no-explicit-any
  schema: DescMessage,
  defaults: readonly string[],
  extra: SearchExtra = {},
): RpcCommand {
  return rpc({
    name,
    summary: `Search ${plural} the caller may see (default fields: ${defaults.join(", ")})`,
    flags: { ...readFlags(schema, extra.secret), ...searchFlags, ...extra.flags, deleted: deletedFlag(plural), ...paginationFlags },
    exclusive: fieldMaskExclusive,
    list: true,
    method,
    request: (a) => ({
      ...searchValues(a),
      ...extra.request?.(a),
      deleted: a.has("deleted"),
      ...pagination(a),
      fieldMask: readMask(a, schema, defaults, extra.secret),
    }),
  });
}
