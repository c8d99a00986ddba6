// `identity-server is-db create-oauth-client`: an OAuth client written
// straight to the database, as operators bootstrap the Console's client. By
// default it is approved, endorsed, skips the consent page, holds every right
// and has the authorization_code and refresh_token grants; --no-secret makes a
// public client (PKCE required). A generated secret is stored with the fast
// keyed hash, one given with --secret as argon2id (see auth/client-secrets.ts).
// Redirect URIs as the stack's documented commands give them: absolute, a path
// on this server (the Console's `/console/oauth/callback`), or the CLI's
// `local-callback` and `code` (services/shared/redirect-uris.ts).
import { randomBytes } from "node:crypto";
import { parseArgs } from "node:util";
import { create } from "@bufbuild/protobuf";
import { ClientSchema, GrantType } from "../../gen/ttn/lorawan/v3/client_pb.js";
import { State } from "../../gen/ttn/lorawan/v3/enums_pb.js";
import type { Right } from "../../gen/ttn/lorawan/v3/rights_pb.js";
import { accountIdentifiers } from "../auth/identifiers.js";
import { hashClientSecret } from "../auth/client-secrets.js";
import { createHashPool } from "../auth/hash-pool.js";
import { createPasswordHasher } from "../auth/passwords.js";
import { base32 } from "../auth/tokens.js";
import type { Config } from "../config/index.js";
import { errValidation } from "../errors/index.js";
import { allRightOf, RIGHT_ALL, rightByName } from "../rights/algebra.js";
import { redirectUriProblem } from "../services/shared/redirect-uris.js";
import { checks, check } from "../services/shared/validate.js";
import type { AccountRef } from "../store/interfaces.js";
import { openTenantStore, tenantOf } from "./tenant.js";
import { boolFlagWords, UsageError } from "./usage.js";

export const createOAuthClientUsage = `  create-oauth-client  --id ID --owner USER_ID --redirect-uri URI [--redirect-uri URI ...]
                       (--secret SECRET | --no-secret) [--name NAME] [--logout-redirect-uri URI ...]
                       [--grants authorization_code,refresh_token,password] [--rights RIGHT_ALL,...]
                       [--owner-organization] [--no-skip-authorization] [--no-endorsed] [--tenant-id ID]
                       create an approved OAuth client (default: authorization_code and refresh_token
                       grants, all rights, endorsed, no consent page); without --secret or --no-secret
                       a secret is generated and printed; a URI is absolute, a path on this server
                       (/console/oauth/callback) or, for the CLI's client, local-callback or code`;

const grantNames: Record<string, GrantType> = {
  authorization_code: GrantType.GRANT_AUTHORIZATION_CODE,
  password: GrantType.GRANT_PASSWORD,
  refresh_token: GrantType.GRANT_REFRESH_TOKEN,
};

const list = (value: string | undefined) => (value ?? "").split(",").map((s) => s.trim()).filter(Boolean);

function grantsOf(value: string | undefined): GrantType[] {
  if (value === undefined) return [GrantType.GRANT_AUTHORIZATION_CODE, GrantType.GRANT_REFRESH_TOKEN];
  return list(value).map((name) => {
    const grant = grantNames[name.toLowerCase().replace(/^grant_/, "")];
    if (grant === undefined) throw new UsageError(`unknown grant ${JSON.stringify(name)} (one of ${Object.keys(grantNames).join(", ")})`, createOAuthClientUsage);
    return grant;
  });
}

function rightsOf(value: string | undefined): Right[] {
  if (value === undefined) return [RIGHT_ALL];
  return list(value).map((name) => {
    const right = rightByName(name.toUpperCase().startsWith("RIGHT_") ? name.toUpperCase() : `RIGHT_${name.toUpperCase()}`);
    if (right === undefined) throw new UsageError(`unknown right ${JSON.stringify(name)}`, createOAuthClientUsage);
    return right;
  });
}

/** As ClientRegistry takes them: absolute URIs, and for redirect URIs the stack's `local-callback` and `code`. */
function checkURIs(field: string, uris: string[], mountRelative: boolean): void {
  for (const uri of uris) {
    const problem = redirectUriProblem(uri, mountRelative);
    if (problem) throw errValidation({ field, reason: `\`${uri}\` ${problem}` });
  }
}

export async function createOAuthClient(config: Config, args: string[], out: (line: string) => void): Promise<void> {
  let values;
  try {
    ({ values } = parseArgs({
      args: boolFlagWords(args, ["owner-organization", "no-secret", "no-skip-authorization", "no-endorsed"]),
      options: {
        id: { type: "string" },
        name: { type: "string" },
        owner: { type: "string" },
        "owner-organization": { type: "boolean" },
        "redirect-uri": { type: "string", multiple: true },
        "logout-redirect-uri": { type: "string", multiple: true },
        secret: { type: "string" },
        "no-secret": { type: "boolean" },
        grants: { type: "string" },
        rights: { type: "string" },
        "no-skip-authorization": { type: "boolean" },
        "no-endorsed": { type: "boolean" },
        "tenant-id": { type: "string" },
      },
      strict: true,
      allowPositionals: false,
    }));
  } catch (err) {
    throw new UsageError((err as Error).message, createOAuthClientUsage);
  }
  if (!values.id || !values.owner) throw new UsageError("--id and --owner are required", createOAuthClientUsage);
  const tenantId = tenantOf(config, values["tenant-id"], createOAuthClientUsage);
  if (values.secret !== undefined && values["no-secret"]) throw new UsageError("--secret and --no-secret exclude each other", createOAuthClientUsage);
  const redirectUris = values["redirect-uri"] ?? [];
  const logoutRedirectUris = values["logout-redirect-uri"] ?? [];
  if (redirectUris.length === 0) throw new UsageError("at least one --redirect-uri is required", createOAuthClientUsage);
  check("id", values.id, checks.id3);
  const owner: AccountRef = { kind: values["owner-organization"] ? "organization" : "user", id: values.owner };
  check("owner", owner.id, owner.kind === "user" ? checks.id2 : checks.id3);
  check("name", values.name ?? "", checks.maxLength(50));
  check("redirect-uri", redirectUris, checks.maxItems(10));
  check("logout-redirect-uri", logoutRedirectUris, checks.maxItems(10));
  checkURIs("redirect-uri", redirectUris, true);
  checkURIs("logout-redirect-uri", logoutRedirectUris, false);
  const generated = values.secret === undefined && !values["no-secret"] ? base32(randomBytes(32)) : undefined;
  const secret = values["no-secret"] ? "" : (values.secret ?? generated!);
  check("secret", secret, checks.maxLength(128));
  const grants = grantsOf(values.grants);
  const rights = rightsOf(values.rights);

  const { store, databases } = await openTenantStore(config, tenantId, createOAuthClientUsage, out);
  try {
    const hasher = createPasswordHasher(config.is.passwordHashing, createHashPool());
    const hashed = secret ? await hashClientSecret(hasher, secret, generated ? "generated" : "chosen") : "";
    await store.transact(async (tx) => {
      // Fails with the store's not-found error when the owner does not exist.
      if (owner.kind === "user") await tx.users.get(owner.id);
      else await tx.organizations.get(owner.id);
      await tx.clients.create(
        create(ClientSchema, {
          ids: { clientId: values.id },
          name: values.name ?? "",
          secret: hashed,
          redirectUris,
          logoutRedirectUris,
          grants,
          rights,
          state: State.APPROVED,
          skipAuthorization: !values["no-skip-authorization"],
          endorsed: !values["no-endorsed"],
          administrativeContact: accountIdentifiers(owner),
          technicalContact: accountIdentifiers(owner),
        }),
      );
      await tx.memberships.set({ kind: "client", id: values.id! }, owner, [allRightOf("client")]);
    });
    out(`created OAuth client ${values.id}${secret ? "" : " (public: no secret, PKCE required)"}`);
    if (generated) out(generated);
  } finally {
    await Promise.all(databases.map((d) => d.close()));
  }
}
