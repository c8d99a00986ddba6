// What the per-entity command builders need to know about an entity kind
// (its positional, also given as `--<noun>-id` as The Things Stack's CLI
// allows, and its identifiers), and the lifecycle commands every registry has
// in the same shape: delete, restore, purge and `rights` (ListRights).
import type { DescMethodUnary } from "@bufbuild/protobuf";
import type { ParsedArgs, PositionalSpec } from "./args.js";
import { ALIASES, rpc, type RpcCommand } from "./client.js";

export interface EntityRef {
  /** Singular noun for summaries, e.g. `gateway`. */
  readonly noun: string;
  /** Positional naming the entity, e.g. `gateway-id`. */
  readonly positional: PositionalSpec;
  /** Request field holding the entity identifiers, e.g. `gatewayIds`. */
  readonly idsField: string;
  /** Identifiers message for the entity ID, e.g. `{ gatewayId }`. */
  readonly ids: (id: string) => Record<string, string>;
}

/** An entity kind whose identifiers message has one ID field (`<noun>_id`). */
export function entityRef(noun: string, idField: string, idsField: string): EntityRef {
  return {
    noun,
    positional: { name: `${noun}-id`, description: `ID of the ${noun}`, flag: `${noun}-id` },
    idsField,
    ids: (id) => ({ [idField]: id }),
  };
}

/** The identifiers message of the entity named by the positional. */
export function idsOf(entity: EntityRef, a: ParsedArgs): Record<string, string> {
  return entity.ids(a.arg(entity.positional.name));
}

/** `{ <idsField>: identifiers }` for request messages that wrap the identifiers. */
export function wrappedIds(entity: EntityRef, a: ParsedArgs): Record<string, Record<string, string>> {
  return { [entity.idsField]: idsOf(entity, a) };
}

/** delete, restore, purge (Registry) and rights (Access.ListRights); all take the bare identifiers. */
export function lifecycleCommands(
  entity: EntityRef,
  methods: { readonly [K in "delete" | "restore" | "purge" | "rights"]?: DescMethodUnary<any, any> },
): RpcCommand[] {
  const one = withArticle(entity.noun);
  const summaries = {
    delete: `Delete ${one} (restorable for a while)`,
    restore: `Restore a deleted ${entity.noun}`,
    purge: `Remove ${one} for good (administrators only)`,
    rights: `List the caller's rights on ${one}`,
  } as const;
  return (["delete", "restore", "purge", "rights"] as const).flatMap((name) => {
    const method = methods[name];
    if (!method) return [];
    const aliases = name === "delete" ? ALIASES.delete : name === "purge" ? ALIASES.purge : undefined;
    return [rpc({ name, ...(aliases ? { aliases } : {}), summary: summaries[name], positionals: [entity.positional], method, request: (a) => idsOf(entity, a) })];
  });
}

/** `a gateway`, `an organization`. */
export function withArticle(noun: string): string {
  return `${/^[aeiou]/.test(noun) ? "an" : "a"} ${noun}`;
}
