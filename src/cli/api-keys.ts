// The `api-keys` command group (alias api-key: create, list, get, set,
// delete), defined once and instantiated per entity kind with that kind's
// <Entity>Access methods (the request shapes differ only in the identifiers
// field). Rights by --rights or one --right-* flag each, as The Things Stack's
// CLI has them; the key by positional or --api-key-id.
import type { DescMethodUnary } from "@bufbuild/protobuf";
import type { FlagSpec, PositionalSpec } from "./args.js";
import { ALIASES, group, rpc, type CommandTree } from "./client.js";
import { withArticle, wrappedIds, type EntityRef } from "./entity.js";
import { apiKeyExpiryFlag, expiresAtFlag, pagination, paginationFlags, rightFlagsOf, rightsFlag, rightsOf } from "./flags.js";

export type ApiKeyMethods = {
  readonly [K in "create" | "list" | "get" | "update" | "delete"]: DescMethodUnary<any, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
};

const keyId: PositionalSpec = { name: "key-id", description: "ID of the API key", flag: "api-key-id" };

/** The right flags of an entity kind (all rights for a kind the stack's CLI does not filter). */
export function rightFlagsFor(entity: EntityRef): Record<string, FlagSpec> {
  const of = rightFlagsOf[entity.noun as keyof typeof rightFlagsOf] ?? rightFlagsOf.user;
  return of();
}

export function apiKeyCommands(entity: EntityRef, methods: ApiKeyMethods): CommandTree {
  const ids = wrappedIds.bind(null, entity);
  const { create, list, get, update, delete: del } = methods;
  const rightFlags = rightFlagsFor(entity);
  const name: FlagSpec = { type: { kind: "string" }, description: "name of the key" };
  return group(
    "api-keys",
    `Manage API keys of ${withArticle(entity.noun)}`,
    [
      rpc({
        name: "create",
        aliases: [...ALIASES.create, "generate"],
        summary: "Create an API key; the response holds its secret, shown only once",
        positionals: [entity.positional],
        flags: { name, "expires-at": expiresAtFlag, "api-key-expiry": apiKeyExpiryFlag, rights: rightsFlag(true), ...rightFlags },
        method: create,
        request: (a) => ({
          ...ids(a),
          name: a.str("name") ?? "",
          rights: rightsOf(a) ?? [],
          ...(a.has("expires-at") ? { expiresAt: a.timestamp("expires-at") } : {}),
        }),
      }),
      rpc({
        name: "list",
        aliases: ALIASES.list,
        summary: "List API keys (without secrets)",
        positionals: [entity.positional],
        flags: paginationFlags,
        list: true,
        method: list,
        request: (a) => ({ ...ids(a), ...pagination(a) }),
      }),
      rpc({
        name: "get",
        aliases: ALIASES.get,
        summary: "Get an API key (without secret)",
        positionals: [entity.positional, keyId],
        method: get,
        request: (a) => ({ ...ids(a), keyId: a.arg("key-id") }),
      }),
      rpc({
        name: "set",
        aliases: ALIASES.set,
        summary: "Change the name, rights or expiry of an API key (field mask = the flags given)",
        positionals: [entity.positional, keyId],
        flags: {
          name: { ...name, description: "new name" },
          rights: rightsFlag(false, "new rights, comma-separated; or --right-* flags"),
          ...rightFlags,
          "expires-at": expiresAtFlag,
          "api-key-expiry": apiKeyExpiryFlag,
        },
        requireAny: ["name", "rights", "expires-at", ...Object.keys(rightFlags)],
        method: update,
        request: (a) => {
          const rights = rightsOf(a);
          return {
            ...ids(a),
            apiKey: {
              id: a.arg("key-id"),
              name: a.str("name") ?? "",
              rights: rights ?? [],
              ...(a.has("expires-at") ? { expiresAt: a.timestamp("expires-at") } : {}),
            },
            fieldMask: { paths: [...(a.has("name") ? ["name"] : []), ...(rights ? ["rights"] : []), ...(a.has("expires-at") ? ["expires_at"] : [])] },
          };
        },
      }),
      rpc({
        name: "delete",
        aliases: ALIASES.delete,
        summary: "Delete an API key",
        positionals: [entity.positional, keyId],
        method: del,
        request: (a) => ({ ...ids(a), keyId: a.arg("key-id") }),
      }),
    ],
    ["api-key"],
  );
}
