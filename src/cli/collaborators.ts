// The `collaborators` command group (aliases collaborator, members, member:
// set, list, get, delete), defined once and instantiated per entity kind with
// that kind's <Entity>Access methods. The entity by positional or its
// --<noun>-id flag; the account is --user-id or --organization-id, or only
// --user-id where only users can be collaborators (organization members);
// rights by --rights or --right-* flags, as The Things Stack's CLI has them.
import type { DescMethodUnary } from "@bufbuild/protobuf";
import type { ParsedArgs } from "./args.js";
import { rightFlagsFor } from "./api-keys.js";
import { ALIASES, group, rpc, type CommandTree } from "./client.js";
import { withArticle, wrappedIds, type EntityRef } from "./entity.js";
import { account, accountChoice, accountFlags, pagination, paginationFlags, rightsFlag, rightsOf } from "./flags.js";

export type CollaboratorMethods = {
  readonly [K in "set" | "list" | "get" | "delete"]: DescMethodUnary<any, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
};

export function collaboratorCommands(
  entity: EntityRef,
  methods: CollaboratorMethods,
  options: { readonly usersOnly?: boolean } = {},
): CommandTree {
  const ids = (a: ParsedArgs) => wrappedIds(entity, a);
  const who = options.usersOnly ? "member" : "collaborator";
  // Users only: --user-id is required; otherwise exactly one of the two.
  const accountSpec = options.usersOnly
    ? { flags: { "user-id": { ...accountFlags["user-id"], required: true } } }
    : { flags: accountFlags, requireOne: accountChoice };
  return group(
    "collaborators",
    `Manage ${who}s of ${withArticle(entity.noun)}`,
    [
      rpc({
        name: "set",
        summary: `Add a ${who} or replace its rights`,
        positionals: [entity.positional],
        ...accountSpec,
        flags: { ...accountSpec.flags, rights: rightsFlag(true), ...rightFlagsFor(entity) },
        method: methods.set,
        request: (a) => ({ ...ids(a), collaborator: { ids: account(a), rights: rightsOf(a) ?? [] } }),
      }),
      rpc({
        name: "list",
        aliases: ALIASES.list,
        summary: `List ${who}s`,
        positionals: [entity.positional],
        flags: paginationFlags,
        list: true,
        method: methods.list,
        request: (a) => ({ ...ids(a), ...pagination(a) }),
      }),
      rpc({
        name: "get",
        aliases: ALIASES.get,
        summary: `Get the rights of a ${who}`,
        positionals: [entity.positional],
        ...accountSpec,
        method: methods.get,
        request: (a) => ({ ...ids(a), collaborator: account(a) }),
      }),
      rpc({
        name: "delete",
        aliases: ALIASES.delete,
        summary: `Remove a ${who}`,
        positionals: [entity.positional],
        ...accountSpec,
        method: methods.delete,
        request: (a) => ({ ...ids(a), collaboratorIds: account(a) }),
      }),
    ],
    ["collaborator", "members", "member"],
  );
}
