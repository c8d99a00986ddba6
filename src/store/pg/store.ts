// Composes the per-aggregate stores into one tenant-bound Store over a primary
// database and an optional read replica. Inside `transact` every read and write
// goes to the transaction.
import { create } from "@bufbuild/protobuf";
import { and, count, eq, isNull } from "drizzle-orm";
import { ApplicationSchema, type Application } from "../../../gen/ttn/lorawan/v3/application_pb.js";
import { ApplicationIdentifiersSchema, UserIdentifiersSchema } from "../../../gen/ttn/lorawan/v3/identifiers_pb.js";
import { UserSchema, type User } from "../../../gen/ttn/lorawan/v3/user_pb.js";
import { errApplicationNotFound, errEmailTaken, errUserNotFound } from "../../errors/index.js";
import type { Store } from "../interfaces.js";
import { apiKeyStore } from "./api-keys.js";
import type { Db } from "./database.js";
import { entityStore, type EntitySpec } from "./entities.js";
import type { Handles } from "./handle.js";
import { existsQuery, membershipStore, type EntityTables } from "./memberships.js";
import { rows } from "./handle.js";
import { applications, users } from "./schema/index.js";
import { isRetryable } from "./violations.js";

const userSpec: EntitySpec<User> = {
  kind: "user",
  table: users as never,
  idColumn: "user_id",
  desc: UserSchema,
  idOf: (u) => u.ids?.userId ?? "",
  withIds: (u, id) => Object.assign(u, { ids: create(UserIdentifiersSchema, { userId: id }) }),
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
  withIds: (a, id) => Object.assign(a, { ids: create(ApplicationIdentifiersSchema, { applicationId: id }) }),
  notFound: (id) => errApplicationNotFound({ application_id: id }),
};

const entityTables: EntityTables = {
  user: { table: users, idColumn: users.user_id },
  application: { table: applications, idColumn: applications.application_id },
};

export interface PgStoreOptions {
  primary: Db;
  replica?: Db;
  tenantId: string;
}

export function createPgStore(opts: PgStoreOptions): Store {
  return bind({ primary: opts.primary, read: opts.replica ?? opts.primary }, opts.tenantId, opts.primary, false);
}

function bind(h: Handles, tenantId: string, root: Db, inTransaction: boolean): Store {
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
  return {
    tenantId,
    users: {
      ...userStore,
      async countAdmins() {
        const [row] = await h.read.select({ n: count() }).from(users).where(and(eq(users.tenant_id, tenantId), eq(users.admin, true), isNull(users.deleted_at)));
        return Number(row?.n ?? 0);
      },
    },
    applications: entityStore(applicationSpec, h, tenantId, transact),
    memberships: membershipStore(h, tenantId, entityTables),
    apiKeys: apiKeyStore(h, tenantId, transact),
    async exists(entity, opts) {
      const query = existsQuery(entityTables, tenantId, entity, opts?.includeDeleted);
      return query ? (await rows(h.read, query)).length > 0 : false;
    },
    transact: (fn) => transact((tx) => fn(bind(tx, tenantId, root, true))),
  };
}
