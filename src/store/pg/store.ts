// Composes the per-aggregate stores into one tenant-bound Store over a primary
// database and an optional read replica. Inside `transact` every read and write
// goes to the transaction.
import { create } from "@bufbuild/protobuf";
import { and, count, eq, isNull } from "drizzle-orm";
import { ApplicationSchema, type Application } from "../../../gen/ttn/lorawan/v3/application_pb.js";
import {
  ApplicationIdentifiersSchema, ClientIdentifiersSchema, GatewayIdentifiersSchema, OrganizationIdentifiersSchema, UserIdentifiersSchema,
} from "../../../gen/ttn/lorawan/v3/identifiers_pb.js";
import { UserSchema, type User } from "../../../gen/ttn/lorawan/v3/user_pb.js";
import { ClientSchema, type Client } from "../../../gen/ttn/lorawan/v3/client_pb.js";
import { GatewaySchema, type Gateway } from "../../../gen/ttn/lorawan/v3/gateway_pb.js";
import { OrganizationSchema, type Organization } from "../../../gen/ttn/lorawan/v3/organization_pb.js";
import {
  errApplicationNotFound, errClientNotFound, errEmailTaken, errGatewayEUITaken, errGatewayNotFound, errGatewayNotFoundByEUI, errOrganizationNotFound, errUserNotFound,
} from "../../errors/index.js";
import type { Store } from "../interfaces.js";
import { apiKeyStore } from "./api-keys.js";
import { bookmarkStore } from "./bookmarks.js";
import { notificationStore } from "./notifications.js";
import { emailOutboxStore } from "./email-outbox.js";
import { loginTokenStore } from "./login-tokens.js";
import { userSessionStore } from "./sessions.js";
import { oauthStore } from "./oauth.js";
import { authenticationProviderStore, externalUserStore } from "./authentication-providers.js";
import { temporaryPasswordSetter } from "./temporary-passwords.js";
import { endDeviceStore } from "./end-devices.js";
import { euiBlockStore } from "./eui-blocks.js";
import { limitStore } from "./limits.js";
import { emailValidationStore } from "./email-validations.js";
import { invitationStore } from "./invitations.js";
import type { Db } from "./database.js";
import { entityStore, type EntitySpec } from "./entities.js";
import type { Handles } from "./handle.js";
import { existence, membershipStore, type EntityTables } from "./memberships.js";
import { applications, clients, gateways, organizations, users } from "./schema/index.js";
import { accountSearchStore } from "./search.js";
import { isRetryable } from "./violations.js";
import { withUnavailableErrors } from "./unavailable.js";

const userSpec: EntitySpec<User> = {
  kind: "user",
  table: users as never,
  idColumn: "user_id",
  desc: UserSchema,
  idOf: (u) => u.ids?.userId ?? "",
  withIds: (u, row) => Object.assign(u, { ids: create(UserIdentifiersSchema, { userId: row.user_id as string }) }),
  notFound: (id) => errUserNotFound({ user_id: id }),
  account: "user",
  violations: { users_primary_email_address_index: (u) => errEmailTaken({ email: u.primaryEmailAddress }) },
};

const applicationSpec: EntitySpec<Application> = {
  kind: "application",
  table: applications as never,
  idColumn: "application_id",
  desc: ApplicationSchema,
  idOf: (a) => a.ids?.applicationId ?? "",
  withIds: (a, row) => Object.assign(a, { ids: create(ApplicationIdentifiersSchema, { applicationId: row.application_id as string }) }),
  notFound: (id) => errApplicationNotFound({ application_id: id }),
};

const organizationSpec: EntitySpec<Organization> = {
  kind: "organization",
  table: organizations as never,
  idColumn: "organization_id",
  desc: OrganizationSchema,
  idOf: (o) => o.ids?.organizationId ?? "",
  withIds: (o, row) => Object.assign(o, { ids: create(OrganizationIdentifiersSchema, { organizationId: row.organization_id as string }) }),
  notFound: (id) => errOrganizationNotFound({ organization_id: id }),
  account: "organization",
};

const clientSpec: EntitySpec<Client> = {
  kind: "client",
  table: clients as never,
  idColumn: "client_id",
  desc: ClientSchema,
  idOf: (c) => c.ids?.clientId ?? "",
  withIds: (c, row) => Object.assign(c, { ids: create(ClientIdentifiersSchema, { clientId: row.client_id as string }) }),
  notFound: (id) => errClientNotFound({ client_id: id }),
};

const gatewaySpec: EntitySpec<Gateway> = {
  kind: "gateway",
  table: gateways as never,
  idColumn: "gateway_id",
  desc: GatewaySchema,
  idOf: (g) => g.ids?.gatewayId ?? "",
  withIds: (g, row) =>
    Object.assign(g, { ids: create(GatewayIdentifiersSchema, { gatewayId: row.gateway_id as string, eui: (row.gateway_eui as Uint8Array | null) ?? undefined }) }),
  identifierColumns: (g) => ({ gateway_eui: g.ids?.eui?.length ? g.ids.eui : null }),
  orderColumns: ["gateway_eui"],
  euiColumn: "gateway_eui",
  notFound: (id) => errGatewayNotFound({ gateway_id: id }),
  violations: { gateways_eui_index: (g) => errGatewayEUITaken({ gateway_eui: Buffer.from(g.ids?.eui ?? []).toString("hex").toUpperCase() }) },
};

const entityTables: EntityTables = {
  user: { table: users, idColumn: users.user_id },
  application: { table: applications, idColumn: applications.application_id },
  organization: { table: organizations, idColumn: organizations.organization_id },
  client: { table: clients, idColumn: clients.client_id },
  gateway: { table: gateways, idColumn: gateways.gateway_id },
};

export interface PgStoreOptions {
  primary: Db;
  replica?: Db;
  tenantId: string;
}

export function createPgStore(opts: PgStoreOptions): Store {
  // A lost or refused database connection surfaces as database_unavailable (503), not internal.
  return withUnavailableErrors(bind({ primary: opts.primary, read: opts.replica ?? opts.primary }, opts.tenantId, opts.primary, false));
}

// `commitHooks` collects afterCommit hooks of the outermost transaction (undefined outside one).
function bind(h: Handles, tenantId: string, root: Db, inTransaction: boolean, commitHooks?: Array<() => void>): Store {
  // Runs fn in a transaction, or in the current one; retried on serialization failures.
  const transact = async <R>(fn: (h: Handles) => Promise<R>): Promise<R> => {
    if (inTransaction) return fn(h);
    for (let attempt = 1; ; attempt++) {
      try {
        return await root.transaction((tx) => fn({ primary: tx, read: tx }));
      } catch (err) {
        if (attempt >= 3 || !isRetryable(err)) throw err;
      }
    }
  };
  const userStore = entityStore(userSpec, h, tenantId, transact);
  const gatewayStore = entityStore(gatewaySpec, h, tenantId, transact);
  return {
    tenantId,
    users: {
      ...userStore,
      async countAdmins() {
        const [row] = await h.read.select({ n: count() }).from(users).where(and(eq(users.tenant_id, tenantId), eq(users.admin, true), isNull(users.deleted_at)));
        return Number(row?.n ?? 0);
      },
      setTemporaryPassword: temporaryPasswordSetter(h, tenantId),
    },
    applications: entityStore(applicationSpec, h, tenantId, transact),
    organizations: entityStore(organizationSpec, h, tenantId, transact),
    clients: entityStore(clientSpec, h, tenantId, transact),
    gateways: {
      ...gatewayStore,
      async getByEUI(eui) {
        const [row] = await h.read.select({ id: gateways.gateway_id }).from(gateways)
          .where(and(eq(gateways.tenant_id, tenantId), eq(gateways.gateway_eui, eui), isNull(gateways.deleted_at))).limit(1);
        if (!row) throw errGatewayNotFoundByEUI({ eui: Buffer.from(eui).toString("hex").toUpperCase() });
        return gatewayStore.get(row.id);
      },
    },
    endDevices: endDeviceStore(h, tenantId, transact),
    euiBlocks: euiBlockStore(tenantId, transact),
    memberships: membershipStore(h, tenantId, entityTables),
    apiKeys: apiKeyStore(h, tenantId, transact),
    accounts: accountSearchStore(h, tenantId),
    bookmarks: bookmarkStore(h, tenantId, transact),
    limits: limitStore(h, tenantId),
    notifications: notificationStore(h, tenantId, transact),
    emailValidations: emailValidationStore(h, tenantId),
    invitations: invitationStore(h, tenantId),
    loginTokens: loginTokenStore(h, tenantId, transact),
    sessions: userSessionStore(h, tenantId),
    oauth: oauthStore(h, tenantId, transact),
    authenticationProviders: authenticationProviderStore(h, tenantId),
    externalUsers: externalUserStore(h, tenantId),
    exists: existence(h, tenantId, entityTables),
    emailOutbox: emailOutboxStore(h, tenantId),
    async transact(fn) {
      if (commitHooks) return transact((tx) => fn(bind(tx, tenantId, root, true, commitHooks)));
      let hooks: Array<() => void> = [];
      const result = await transact((tx) => {
        hooks = []; // a retried attempt starts over
        return fn(bind(tx, tenantId, root, true, hooks));
      });
      for (const hook of hooks) runHook(hook);
      return result;
    },
    afterCommit(hook) {
      if (commitHooks) commitHooks.push(hook);
      else runHook(hook);
    },
  };
}

// A hook's failure must not turn a committed transaction into an error.
function runHook(hook: () => void): void {
  try {
    hook();
  } catch {
    // hooks only nudge background work (e.g. the e-mail worker), which polls anyway
  }
}
