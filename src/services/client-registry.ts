// ttn.lorawan.v3.ClientRegistry: OAuth clients and their lifecycle.
// Order of every handler: check identifiers -> rights -> validate -> store -> shape.
// The client secret is stored only as a hash; its plaintext leaves the server
// once, in the Create response.
import { create } from "@bufbuild/protobuf";
import type { ServiceImpl } from "@connectrpc/connect";
import { randomBytes } from "node:crypto";
import { ClientSchema, ClientsSchema, GrantType, type Client } from "../../gen/ttn/lorawan/v3/client_pb.js";
import { ClientRegistry } from "../../gen/ttn/lorawan/v3/client_services_pb.js";
import { State } from "../../gen/ttn/lorawan/v3/enums_pb.js";
import { requireAuthenticated } from "../auth/caller.js";
import { hashClientSecret } from "../auth/client-secrets.js";
import { accountRef } from "../auth/identifiers.js";
import { scopeOf, type RequestScope } from "../auth/scope.js";
import type { PasswordHasher } from "../auth/passwords.js";
import { base32 } from "../auth/tokens.js";
import { errAdminsCreate, errUpdateAdminField, errValidation } from "../errors/index.js";
import { topLevelPaths } from "../messages/fieldmask.js";
import { clientRequested, entityStateChanged } from "../notifications/hooks.js";
import { allRightOf, rightByName } from "../rights/algebra.js";
import { assertRights, requireRights, rightsOn, rightsOnListed } from "../rights/gate.js";
import type { AccountRef, EntityRef } from "../store/interfaces.js";
import { assertAllowedID } from "./shared/blocklist.js";
import { checkContacts, defaultContacts } from "./shared/contacts.js";
import { contactInfoRead, dropContactInfo, ignoreContactInfo } from "./shared/legacy-contact-info.js";
import { lifecycleHandlers } from "./shared/lifecycle.js";
import { assertBelowLimit } from "./shared/limits.js";
import { applyReadMask, onlyPublic, readPaths, updatePaths } from "./shared/masks.js";
import { publicFields, readableEntity } from "./shared/public-fields.js";
import { registryListing } from "./shared/listing.js";
import { redirectUriProblem } from "./shared/redirect-uris.js";
import { pageOptions, setTotal } from "./shared/pagination.js";
import { checkRights } from "./shared/rights-of-kind.js";
import { check, checkPaths, checks, type Check } from "./shared/validate.js";

const right = (name: string) => rightByName(name)!;
const CLIENT_INFO = right("RIGHT_CLIENT_INFO");
const clientOrders = ["client_id", "name", "created_at"];
/** Never in a read mask: the stored value is a hash. */
const secretFields = ["secret"];
/** Fields only admins write (§1 ClientRegistry.Update). */
const adminOnlyClientFields = ["state", "state_description", "skip_authorization", "endorsed", "grants"];

/** Redirect URIs as registration takes them (shared/redirect-uris.ts); logout redirect URIs absolute only. */
const redirectURIs = (mountRelative: boolean): Check => (v) => {
  for (const [i, uri] of (v as string[]).entries()) {
    const problem = redirectUriProblem(uri, mountRelative);
    if (problem) return `item ${i} \`${uri}\` ${problem}`;
  }
  return undefined;
};
const definedIn = (values: readonly number[], what: string): Check => (v) => {
  const list = Array.isArray(v) ? v : [v];
  const bad = list.find((x) => !values.includes(x as number));
  return bad === undefined ? undefined : `unknown ${what} ${bad}`;
};
const enumValues = (e: object) => Object.values(e).filter((x): x is number => typeof x === "number");

const clientRules: Record<string, Check[]> = {
  name: [checks.maxLength(50)],
  description: [checks.maxLength(2000)],
  attributes: [checks.attributes],
  secret: [checks.maxLength(128)],
  redirect_uris: [checks.maxItems(10), redirectURIs(true)],
  logout_redirect_uris: [checks.maxItems(10), redirectURIs(false)],
  state: [definedIn(enumValues(State), "state")],
  state_description: [checks.maxLength(128)],
  grants: [definedIn(enumValues(GrantType), "grant")],
};

function checkClient(client: Client, paths?: ReadonlySet<string>): void {
  checkPaths("client.", client as unknown as Record<string, unknown>, clientRules, paths);
  if (!paths || paths.has("rights")) checkRights("client.rights", client.rights, { min: 0 });
}

export function clientRef(ids: { clientId: string } | undefined, field: string): EntityRef {
  check(field, ids?.clientId, checks.id3);
  return { kind: "client", id: ids!.clientId };
}

/** Who may create or list clients of an account: the account's own rights. */
async function requireAccountRight(scope: RequestScope, account: AccountRef, userRight: string, orgRight: string): Promise<void> {
  await requireRights(scope, account, right(account.kind === "user" ? userRight : orgRight));
}

/** The client as returned: the stored hash never leaves the server. */
const withoutSecret = (client: Client): Client => ({ ...client, secret: "" });

// Client secrets may be chosen by people, so they get the password hash
// (argon2id), not the fast hash of random API key secrets.
const lifecycle = lifecycleHandlers({
  kind: "client",
  store: (store) => store.clients,
  deleteRight: rightByName("RIGHT_CLIENT_DELETE")!,
  // Its consents and tokens go with the client (and never pass to a later client of the same ID).
  onRemove: (tx, id) => tx.oauth.deleteAll({ clientId: id }),
});

export function clientRegistry(deps: { hasher: PasswordHasher }): ServiceImpl<typeof ClientRegistry> {
  return {
    async create(req, ctx) {
      const scope = scopeOf(ctx);
      const client = create(ClientSchema, req.client ?? {});
      const ref = clientRef(client.ids, "client.ids.client_id");
      assertAllowedID(ref.id);
      const collaborator = accountRef(req.collaborator);
      if (!collaborator) throw errValidation({ field: "collaborator", reason: "must name a user or an organization" });
      const caller = await scope.caller();
      if (collaborator.kind === "user" && !caller.isAdmin && !scope.config.is.userRights.createClients) throw errAdminsCreate("client")();
      await requireAccountRight(scope, collaborator, "RIGHT_USER_CLIENTS_CREATE", "RIGHT_ORGANIZATION_CLIENTS_CREATE");
      dropContactInfo(ctx, client);
      checkClient(client);
      defaultContacts(client, collaborator);
      // A client without a secret gets a generated one (as the stack does). A
      // generated secret gets the fast keyed hash, a chosen one argon2id (auth/client-secrets.ts).
      const origin = client.secret ? "chosen" : "generated";
      const secret = client.secret || base32(randomBytes(32));
      client.secret = await hashClientSecret(deps.hasher, secret, origin, scope.trace);
      if (!caller.isAdmin) {
        // Clients of non-admins wait for an admin's approval and get no privileges.
        Object.assign(client, { state: State.REQUESTED, stateDescription: "admin approval required", skipAuthorization: false, endorsed: false });
      }
      const created = await scope.store.transact(async (tx) => {
        await assertBelowLimit(tx, collaborator, "client");
        const stored = await tx.clients.create(client);
        await tx.memberships.set(ref, collaborator, [allRightOf("client")]);
        return stored;
      });
      if (!caller.isAdmin) await clientRequested(scope, created, req.collaborator!);
      return { ...created, secret };
    },

    async get(req, ctx) {
      const scope = scopeOf(ctx);
      requireAuthenticated(await scope.caller());
      const ref = clientRef(req.clientIds, "client_ids.client_id");
      const paths = readPaths(ClientSchema, req.fieldMask, secretFields);
      const have = await rightsOn(scope, ref);
      if (!have.has(CLIENT_INFO) && !onlyPublic(paths, publicFields.client)) assertRights(ref, have, [CLIENT_INFO]);
      const read = contactInfoRead("client", paths);
      return read.fill(scope.store, applyReadMask(ClientSchema, withoutSecret(await scope.store.clients.get(ref.id)), read.paths), have.has(CLIENT_INFO));
    },

    async list(req, ctx) {
      const scope = scopeOf(ctx);
      const caller = await scope.caller();
      requireAuthenticated(caller);
      const read = contactInfoRead("client", readPaths(ClientSchema, req.fieldMask, secretFields));
      // Without a collaborator: the clients of the caller's own account (directly or through organizations).
      const listing = await registryListing(scope, "client", accountRef(req.collaborator));
      if (listing === "nothing") {
        setTotal(ctx, 0);
        return create(ClientsSchema);
      }
      const { memberOf } = listing;
      const page = await scope.store.clients.find({ ...pageOptions(req, scope.config.is.pagination.defaultLimit, clientOrders), deleted: req.deleted, memberOf });
      setTotal(ctx, page.total);
      // Entries the caller may not read in full are reduced to public fields
      // (the rights on the whole page come from one query).
      const listed = await rightsOnListed(scope, "client", page.items.map((client) => client.ids!.clientId));
      const clients = await Promise.all(page.items.map((client) => {
        const readable = listed.get(client.ids!.clientId)!.has(CLIENT_INFO);
        return read.fill(scope.store, readableEntity("client", ClientSchema, withoutSecret(client), read.paths, readable), readable);
      }));
      return create(ClientsSchema, { clients });
    },

    async update(req, ctx) {
      const scope = scopeOf(ctx);
      const client = create(ClientSchema, req.client ?? {});
      const ref = clientRef(client.ids, "client.ids.client_id");
      await requireRights(scope, ref, right("RIGHT_CLIENT_SETTINGS_BASIC"));
      const caller = await scope.caller();
      const paths = ignoreContactInfo(ctx, updatePaths(ClientSchema, req.fieldMask));
      const top = topLevelPaths(paths);
      if (!caller.isAdmin) {
        const field = adminOnlyClientFields.find((f) => top.has(f));
        if (field) throw errUpdateAdminField({ field });
      }
      checkClient(client, top);
      await checkContacts(scope.store, ref, client, top, caller, scope.config.is.collaboratorRights.setOthersAsContacts);
      const extra: string[] = [];
      if (top.has("state") && !top.has("state_description")) {
        client.stateDescription = "";
        extra.push("state_description");
      }
      // A new secret is stored hashed like the first one (the stack stores it in plain text here).
      if (top.has("secret")) client.secret = await hashClientSecret(deps.hasher, client.secret, "chosen", scope.trace);
      const updated = await scope.store.clients.update(ref.id, client, [...paths, ...extra]);
      if (top.has("state")) await entityStateChanged(scope, ref, updated.state, updated.stateDescription);
      return applyReadMask(ClientSchema, withoutSecret(updated), paths.filter((p) => !secretFields.includes(p)));
    },

    delete: (req, ctx) => lifecycle.delete(clientRef(req, "client_id"), ctx),
    restore: (req, ctx) => lifecycle.restore(clientRef(req, "client_id"), ctx),
    purge: (req, ctx) => lifecycle.purge(clientRef(req, "client_id"), ctx),
  };
}
