// The `collaborators` command group (set, list, get, delete), defined once and
// instantiated per entity kind with that kind's <Entity>Access methods. The
// account is --user-id or --organization-id, or only --user-id where only
// users can be collaborators (organization members).
import type { DescMethodUnary } from "@bufbuild/protobuf";
import type { ParsedArgs } from "./args.js";
import { group, rpc, type CommandTree } from "./client.js";
import { withArticle, wrappedIds, type EntityRef } from "./entity.js";
import { account, accountChoice, accountFlags, pagination, paginationFlags, rightsFlag } from "./flags.js";

export type CollaboratorMethods = {
  readonly [K in "set" | "list" | "get" | "delete"]: DescMethodUnary<any, any>;
};

export function collaboratorCommands(
  entity: EntityRef,
  methods: CollaboratorMethods,
  options: { readonly name?: string; readonly usersOnly?: boolean } = {},
): CommandTree {
  const ids = (a: ParsedArgs) => wrappedIds(entity, a);
  const who = options.usersOnly ? "member" : "collaborator";
  // Users only: --user-id is required; otherwise exactly one of the two.
  const accountSpec = options.usersOnly
    ? { flags: { "user-id": { ...accountFlags["user-id"], required: true } } }
    : { flags: accountFlags, requireOne: accountChoice };
  return group(options.name ?? "collaborators", `Manage ${who}s of ${withArticle(entity.noun)}`, [
    rpc({
      name: "set",
      summary: `Add a ${who} or replace its rights`,
      positionals: [entity.positional],
      ...accountSpec,
      flags: { ...accountSpec.flags, rights: rightsFlag(true) },
      method: methods.set,
      request: (a) => ({ ...ids(a), collaborator: { ids: account(a), rights: a.rights("rights") ?? [] } }),
    }),
    rpc({
      name: "list",
      summary: `List ${who}s`,
      positionals: [entity.positional],
      flags: paginationFlags,
      list: true,
      method: methods.list,
      request: (a) => ({ ...ids(a), ...pagination(a) }),
    }),
    rpc({
      name: "get",
      summary: `Get the rights of a ${who}`,
      positionals: [entity.positional],
      ...accountSpec,
      method: methods.get,
      request: (a) => ({ ...ids(a), collaborator: account(a) }),
    }),
    rpc({
      name: "delete",
      summary: `Remove a ${who}`,
      positionals: [entity.positional],
      ...accountSpec,
      method: methods.delete,
      request: (a) => ({ ...ids(a), collaboratorIds: account(a) }),
    }),
  ]);
}
