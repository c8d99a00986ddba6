// The `api-keys` command group (create, list, get, update, delete), defined
// once and instantiated per entity kind: `users api-keys` and
// `applications api-keys`.
import type { DescMethodUnary } from "@bufbuild/protobuf";
import { ApplicationAccess } from "../../gen/ttn/lorawan/v3/application_services_pb.js";
import { UserAccess } from "../../gen/ttn/lorawan/v3/user_services_pb.js";
import type { ParsedArgs, PositionalSpec } from "./args.js";
import { group, rpc, type CommandTree } from "./client.js";
import { expiresAtFlag, pagination, paginationFlags, rightsFlag, updateMask } from "./flags.js";

interface ApiKeyEntity {
  /** Positional naming the entity, e.g. `user-id`. */
  readonly positional: PositionalSpec;
  /** Request field holding the entity identifiers, e.g. `userIds`. */
  readonly idsField: string;
  /** Identifiers message for the entity ID. */
  readonly ids: (id: string) => Record<string, string>;
  readonly methods: {
    // Same request shapes across entity kinds except `idsField`.
    readonly [K in "create" | "list" | "get" | "update" | "delete"]: DescMethodUnary<any, any>;
  };
}

const keyId: PositionalSpec = { name: "key-id", description: "ID of the API key" };

export function apiKeyCommands(entity: ApiKeyEntity): CommandTree {
  const ids = (a: ParsedArgs) => ({ [entity.idsField]: entity.ids(a.arg(entity.positional.name)) });
  const { create, list, get, update, delete: del } = entity.methods;
  return group("api-keys", "Manage API keys", [
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

export const userApiKeys = apiKeyCommands({
  positional: { name: "user-id", description: "ID of the user" },
  idsField: "userIds",
  ids: (userId) => ({ userId }),
  methods: {
    create: UserAccess.method.createAPIKey,
    list: UserAccess.method.listAPIKeys,
    get: UserAccess.method.getAPIKey,
    update: UserAccess.method.updateAPIKey,
    delete: UserAccess.method.deleteAPIKey,
  },
});

export const applicationApiKeys = apiKeyCommands({
  positional: { name: "application-id", description: "ID of the application" },
  idsField: "applicationIds",
  ids: (applicationId) => ({ applicationId }),
  methods: {
    create: ApplicationAccess.method.createAPIKey,
    list: ApplicationAccess.method.listAPIKeys,
    get: ApplicationAccess.method.getAPIKey,
    update: ApplicationAccess.method.updateAPIKey,
    delete: ApplicationAccess.method.deleteAPIKey,
  },
});
