// API keys of any entity kind, written once: create (the secret is shown once),
// list, get, update, delete. A key never carries rights its creator lacks.
import { create } from "@bufbuild/protobuf";
import { timestampDate, type FieldMask, type Timestamp } from "@bufbuild/protobuf/wkt";
import type { HandlerContext } from "@connectrpc/connect";
import { APIKeySchema, APIKeysSchema, type APIKey, type APIKeys, type Right } from "../../../gen/ttn/lorawan/v3/rights_pb.js";
import { hashSecret } from "../../auth/secrets.js";
import { scopeOf } from "../../auth/scope.js";
import { generateToken, TokenType } from "../../auth/tokens.js";
import { errValidation } from "../../errors/index.js";
import { validatePaths } from "../../messages/fieldmask.js";
import { apiKeyChanged, apiKeyCreated } from "../../notifications/hooks.js";
import { implied } from "../../rights/algebra.js";
import { assertRights, requireRights } from "../../rights/gate.js";
import type { EntityRef } from "../../store/interfaces.js";
import { pageOptions, setTotal } from "./pagination.js";
import { checkRights, settingsAPIKeys } from "./rights-of-kind.js";
import { check, checks } from "./validate.js";

const keyOrders = ["api_key_id", "name", "created_at", "expires_at"];

function guard(entity: EntityRef): Right {
  const right = settingsAPIKeys[entity.kind];
  if (!right) throw new Error(`${entity.kind} has no API keys`);
  return right;
}

function checkExpiry(expiresAt: Timestamp | undefined, now: Date): void {
  if (expiresAt && timestampDate(expiresAt) <= now) throw errValidation({ field: "expires_at", reason: "must be in the future" });
}

export async function createAPIKey(
  ctx: HandlerContext,
  entity: EntityRef,
  req: { name: string; rights: Right[]; expiresAt?: Timestamp },
): Promise<APIKey> {
  const scope = scopeOf(ctx);
  const have = await requireRights(scope, entity, guard(entity));
  check("name", req.name, checks.maxLength(50));
  checkRights("rights", req.rights);
  checkExpiry(req.expiresAt, scope.now());
  // Every granted right is required like any other: `insufficient_<kind>_rights` (stack behaviour).
  assertRights(entity, have, [...implied(req.rights)]);
  const token = generateToken(TokenType.APIKey);
  const key = create(APIKeySchema, { id: token.id, name: req.name, rights: req.rights, expiresAt: req.expiresAt });
  const stored = await scope.store.apiKeys.create(entity, key, hashSecret(token.secret));
  await apiKeyCreated(scope, entity, stored);
  return { ...stored, key: token.value };
}

export async function listAPIKeys(ctx: HandlerContext, entity: EntityRef, req: { limit: number; page: number; order: string }): Promise<APIKeys> {
  const scope = scopeOf(ctx);
  await requireRights(scope, entity, guard(entity));
  const page = await scope.store.apiKeys.find(entity, pageOptions(req, scope.config.is.pagination.defaultLimit, keyOrders));
  setTotal(ctx, page.total);
  return create(APIKeysSchema, { apiKeys: page.items });
}

export async function getAPIKey(ctx: HandlerContext, entity: EntityRef, keyId: string): Promise<APIKey> {
  const scope = scopeOf(ctx);
  await requireRights(scope, entity, guard(entity));
  return scope.store.apiKeys.get(entity, keyId);
}

export async function updateAPIKey(ctx: HandlerContext, entity: EntityRef, key: APIKey | undefined, mask: FieldMask | undefined): Promise<APIKey> {
  const scope = scopeOf(ctx);
  const have = await requireRights(scope, entity, guard(entity));
  if (!key?.id) throw errValidation({ field: "api_key.id", reason: "must be set" });
  const paths = mask?.paths.length ? mask.paths : ["rights", "name"];
  validatePaths(APIKeySchema, paths, ["id", "key", "created_at", "updated_at"]);
  const current = await scope.store.apiKeys.get(entity, key.id);
  if (paths.includes("name")) check("api_key.name", key.name, checks.maxLength(50));
  if (paths.includes("expires_at")) checkExpiry(key.expiresAt, scope.now());
  if (paths.includes("rights")) {
    checkRights("api_key.rights", key.rights, { min: 0 });
    // Adding a right and taking one away both need the caller to hold it.
    const added = key.rights.filter((r) => !current.rights.includes(r));
    const removed = current.rights.filter((r) => !key.rights.includes(r));
    assertRights(entity, have, [...implied([...added, ...removed])]);
    if (key.rights.length === 0) {
      await scope.store.apiKeys.delete(entity, key.id);
      return create(APIKeySchema);
    }
  }
  const updated = await scope.store.apiKeys.update(entity, key, paths);
  await apiKeyChanged(scope, entity, updated);
  return updated;
}

export async function deleteAPIKey(ctx: HandlerContext, entity: EntityRef, keyId: string): Promise<void> {
  const scope = scopeOf(ctx);
  await requireRights(scope, entity, guard(entity));
  await scope.store.apiKeys.delete(entity, keyId);
}
