// `identity-server is-db`: database bootstrap as operators know it from the
// stack: migrate/init the schema and create the first admin (optionally with an
// API key carrying all of the admin's rights, so an install can be scripted),
// in the default tenant or the existing tenant named by --tenant-id.
import { parseArgs } from "node:util";
import { create } from "@bufbuild/protobuf";
import { APIKeySchema } from "../../gen/ttn/lorawan/v3/rights_pb.js";
import { UserSchema } from "../../gen/ttn/lorawan/v3/user_pb.js";
import { createHashPool } from "../auth/hash-pool.js";
import { createPasswordHasher } from "../auth/passwords.js";
import { hashSecret } from "../auth/secrets.js";
import { generateToken, TokenType } from "../auth/tokens.js";
import type { Config } from "../config/index.js";
import { RIGHT_ALL } from "../rights/algebra.js";
import { openStore } from "../server.js";
import { newAdminUser } from "../accounts/admin-user.js";
import { openTenantStore, tenantIdUsage, tenantOf } from "./tenant.js";
import { checks, check } from "../services/shared/validate.js";
import { boolFlagWords, UsageError } from "./usage.js";
import { createOAuthClient, createOAuthClientUsage } from "./create-oauth-client.js";

export const isDbUsage = `Usage: identity-server is-db <command> [options]

Commands:
  migrate              apply pending database migrations
  init                 create the schema (same as migrate on a new database)
  create-admin-user    --id ID --email EMAIL (--password PW | --password-stdin) [--name NAME] [--api-key]
                       [--tenant-id ID]
                       create an approved admin user; with --api-key also print an API key with all rights
${createOAuthClientUsage}
${tenantIdUsage}`;

async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString("utf8").replace(/\r?\n$/, "");
}

export async function isDb(config: Config, args: string[], out: (line: string) => void): Promise<void> {
  const [command, ...rest] = args;
  switch (command) {
    case "migrate":
    case "init": {
      const { databases } = await openStore(config); // opening applies the migrations
      await Promise.all(databases.map((d) => d.close()));
      out("database schema is up to date");
      return;
    }
    case "create-admin-user":
      return createAdminUser(config, rest, out);
    case "create-oauth-client":
      return createOAuthClient(config, rest, out);
    default:
      throw new UsageError(command ? `unknown is-db command ${JSON.stringify(command)}` : "missing is-db command", isDbUsage);
  }
}

async function createAdminUser(config: Config, args: string[], out: (line: string) => void): Promise<void> {
  let values;
  try {
    ({ values } = parseArgs({
      args: boolFlagWords(args, ["password-stdin", "api-key"]),
      options: {
        id: { type: "string" },
        email: { type: "string" },
        password: { type: "string" },
        "password-stdin": { type: "boolean" },
        name: { type: "string" },
        "api-key": { type: "boolean" },
        "tenant-id": { type: "string" },
      },
      strict: true,
      allowPositionals: false,
    }));
  } catch (err) {
    throw new UsageError((err as Error).message, isDbUsage);
  }
  if (!values.id || !values.email) throw new UsageError("--id and --email are required", isDbUsage);
  const tenantId = tenantOf(config, values["tenant-id"], isDbUsage);
  const password = values["password-stdin"] ? await readStdin() : values.password;
  if (!password) throw new UsageError("--password or --password-stdin is required", isDbUsage);
  check("id", values.id, checks.id2);
  check("email", values.email, checks.email);
  const hasher = createPasswordHasher(config.is.passwordHashing, createHashPool());
  // Password rules and hashing as for every admin an operator makes (accounts/admin-user.ts).
  const admin = await newAdminUser(create(UserSchema, { ids: { userId: values.id }, name: values.name ?? "", primaryEmailAddress: values.email, password }), {
    config,
    hasher,
    now: new Date(),
  });

  const { store, databases } = await openTenantStore(config, tenantId, isDbUsage, out);
  try {
    await store.transact(async (tx) => {
      await tx.users.create(admin);
      out(`created admin user ${values.id}${tenantId === config.tenancy.defaultId ? "" : ` in tenant ${tenantId}`}`);
      if (values["api-key"]) {
        const token = generateToken(TokenType.APIKey);
        const key = create(APIKeySchema, { id: token.id, name: "admin key (is-db create-admin-user)", rights: [RIGHT_ALL] });
        await tx.apiKeys.create({ kind: "user", id: values.id! }, key, hashSecret(token.secret));
        out(token.value);
      }
    });
  } finally {
    await Promise.all(databases.map((d) => d.close()));
  }
}
