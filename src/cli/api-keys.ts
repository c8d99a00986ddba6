// The `api-keys` command group (create, list, get, update, delete), defined
// once and instantiated per entity kind with that kind's <Entity>Access
// methods (the request shapes differ only in the identifiers field).
import type { DescMethodUnary } from "@bufbuild/protobuf";
import type { PositionalSpec } from "./args.js";
import { group, rpc, type CommandTree } from "./client.js";
import { withArticle, wrappedIds, type EntityRef } from "./entity.js";
import { expiresAtFlag, pagination, paginationFlags, rightsFlag, updateMask } from "./flags.js";

export type ApiKeyMethods = {
  readonly [K in "create" | "list" | "get" | "update" | "delete"]: DescMethodUnary<any, any>;
};

const keyId: PositionalSpec = { name: "key-id", description: "ID of the API key" };

export function apiKeyCommands(entity: EntityRef, methods: ApiKeyMethods): CommandTree {
  const ids = wrappedIds.bind(null, entity);
  const { create, list, get, update, delete: del } = methods;
  return group("api-keys", `Manage API keys of ${withArticle(entity.noun)}`, [
    rpc({
      name: "create",
      summary: "Create an API key; the response holds its secret, shown only once",
      positionals: [entity.positional],
      flags: { name: { type: { kind: "string" }, description: "name of the key" }, "expires-at": expiresAtFlag, rights: rightsFlag(true) },
      method: create,
      request: (a) => ({
        ...ids(a),
        name: a.str("name") ?? "",
        rights: a.rights("rights") ?? [],
        ...(a.has("expires-at") ? { expiresAt: a.timestamp("expires-at") } : {}),
      }),
    }),
    rpc({
      name: "list",
      summary: "List API keys (without secrets)",
      positionals: [entity.positional],
      flags: paginationFlags,
      list: true,
      method: list,
      request: (a) => ({ ...ids(a), ...pagination(a) }),
    }),
    rpc({
      name: "get",
      summary: "Get an API key (without secret)",
      positionals: [entity.positional, keyId],
      method: get,
      request: (a) => ({ ...ids(a), keyId: a.arg("key-id") }),
    }),
    rpc({
      name: "update",
      summary: "Change the name, rights or expiry of an API key (field mask = the flags given)",
      positionals: [entity.positional, keyId],
      flags: { name: { type: { kind: "string" }, description: "new name" }, rights: rightsFlag(false, "new rights, comma-separated"), "expires-at": expiresAtFlag },
      requireAny: ["name", "rights", "expires-at"],
      method: update,
      request: (a) => ({
        ...ids(a),
        apiKey: {
          id: a.arg("key-id"),
          name: a.str("name") ?? "",
          rights: a.rights("rights") ?? [],
          ...(a.has("expires-at") ? { expiresAt: a.timestamp("expires-at") } : {}),
        },
        fieldMask: updateMask(a, { name: "name", rights: "rights", "expires-at": "expires_at" }),
      }),
    }),
    rpc({
      name: "delete",
      summary: "Delete an API key",
      positionals: [entity.positional, keyId],
      method: del,
      request: (a) => ({ ...ids(a), keyId: a.arg("key-id") }),
    }),
  ]);
}
