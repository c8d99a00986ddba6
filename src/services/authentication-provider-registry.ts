// ttn.lorawan.v3.AuthenticationProviderRegistry: the OpenID Connect providers
// people may log in with (single sign-on), for admins holding the universal
// AUTHENTICATION_PROVIDER rights. Order of every handler: identifiers -> rights
// -> validation -> store -> shape.
// The client secret is sealed (providerSecrets) before it reaches the store and
// opened only for a read whose field mask names it explicitly.
// Field-mask paths carry the oneof name, as the stack's do
// (`configuration.provider.oidc.client_id`), while the message's own path for
// the same field is `configuration.oidc.client_id`: masks are checked against
// the list below and translated before fields are picked.
import { create } from "@bufbuild/protobuf";
import { EmptySchema } from "@bufbuild/protobuf/wkt";
import type { FieldMask } from "@bufbuild/protobuf/wkt";
import type { ServiceImpl } from "@connectrpc/connect";
import {
  AuthenticationProviderRegistry, AuthenticationProviderSchema, AuthenticationProvidersSchema, type AuthenticationProvider,
} from "../../gen/ttn/lorawan/v3/authentication_provider_pb.js";
import { scopeOf } from "../auth/scope.js";
import { errFieldMaskPaths } from "../errors/index.js";
import { pickPaths } from "../messages/fieldmask.js";
import { rightByName } from "../rights/algebra.js";
import { requireAdminRights } from "../rights/gate.js";
import type { SealedStrings } from "../secrets/sealed-string.js";
import { isLoopback } from "../sso/loopback.js";
import { responseTypes } from "../sso/response-types.js";
import { pageOptions, setTotal } from "./shared/pagination.js";
import { check, checks, type Check } from "./shared/validate.js";

const right = (name: string) => rightByName(name)!;
const CREATE = right("RIGHT_AUTHENTICATION_PROVIDER_CREATE");
const INFO = right("RIGHT_AUTHENTICATION_PROVIDER_INFO");
const LIST = right("RIGHT_AUTHENTICATION_PROVIDER_LIST");
const UPDATE = right("RIGHT_AUTHENTICATION_PROVIDER_UPDATE");
const DELETE = right("RIGHT_AUTHENTICATION_PROVIDER_DELETE");

const OIDC = "configuration.provider.oidc";
const SECRET = `${OIDC}.client_secret`;
/** Every settable field, by mask path. */
const LEAVES = ["name", "allow_registrations", "allowed_email_domains", `${OIDC}.client_id`, SECRET, `${OIDC}.provider_url`, `${OIDC}.preferred_response_type`];
const READ_ONLY = ["ids", "ids.provider_id", "created_at", "updated_at"];
const KNOWN = new Set([...READ_ONLY, ...LEAVES, "configuration", "configuration.provider", OIDC]);
const ORDERS = ["provider_id", "name", "created_at"];
/** The spec's response types (§8.2); empty means "code". */
const RESPONSE_TYPES = ["", ...responseTypes];

/** Throws `field_mask_paths` for any path outside the provider's. */
function maskPaths(mask: FieldMask | undefined): string[] {
  const paths = mask?.paths ?? [];
  const bad = paths.filter((p) => !KNOWN.has(p));
  if (bad.length > 0) throw errFieldMaskPaths({ forbidden_paths: bad });
  return paths;
}

/**
 * The settable fields a mask selects: a parent path stands for its children.
 * Reads (`forRead`) never reach the secret through a parent: it must be named.
 */
function leavesOf(paths: readonly string[], forRead: boolean): Set<string> {
  const out = new Set<string>();
  for (const path of paths) {
    for (const leaf of LEAVES) {
      if (leaf === path || (leaf.startsWith(`${path}.`) && !(forRead && leaf === SECRET))) out.add(leaf);
    }
  }
  return out;
}

/** The message path of a mask path (the oneof name is not a field). */
const messagePath = (path: string) => path.replace("configuration.provider.", "configuration.");

const oidcOf = (p: AuthenticationProvider) => (p.configuration?.provider.case === "oidc" ? p.configuration.provider.value : undefined);

// ---- validation ---------------------------------------------------------------

const DNS_LABEL = /^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/;
const emailDomains: Check = (v) => {
  const domains = v as string[];
  if (domains.length > 10) return "must have at most 10 items";
  for (const [i, d] of domains.entries()) {
    if (d.length > 253 || !d.split(".").every((label) => DNS_LABEL.test(label))) return `item ${i} \`${d}\` must be a DNS name such as example.com`;
    if (domains.indexOf(d) !== i) return `item ${i} \`${d}\` is a duplicate`;
  }
  return undefined;
};

const providerURL: Check = (v) => {
  const s = v as string;
  if (s === "") return "must be set";
  if (s.length > 2048) return "must be at most 2048 characters";
  if (!/^[a-z][a-z0-9+.-]*:\/\//i.test(s) || !URL.canParse(s)) return "must be an absolute URL such as https://accounts.example.com";
  const url = new URL(s);
  if (url.protocol !== "https:" && !(url.protocol === "http:" && isLoopback(url))) return "must be an https URL (http only for loopback hosts)";
  if (url.username || url.password) return "must not hold credentials";
  if (url.search || url.hash || s.includes("?") || s.includes("#")) return "must not have a query or fragment";
  return undefined;
};
const nonEmpty: Check = (v) => (v === "" ? "must be set" : undefined);
const responseType: Check = (v) => (RESPONSE_TYPES.includes(v as string) ? undefined : `must be one of ${RESPONSE_TYPES.filter(Boolean).map((t) => `"${t}"`).join(", ")} (or empty for "code")`);

const rules: Record<string, { read: (p: AuthenticationProvider) => unknown; checks: Check[] }> = {
  name: { read: (p) => p.name, checks: [checks.maxLength(50)] },
  allowed_email_domains: { read: (p) => p.allowedEmailDomains, checks: [emailDomains] },
  [`${OIDC}.client_id`]: { read: (p) => oidcOf(p)?.clientId ?? "", checks: [nonEmpty, checks.maxLength(1024)] },
  [SECRET]: { read: (p) => oidcOf(p)?.clientSecret ?? "", checks: [checks.maxLength(1024)] },
  [`${OIDC}.provider_url`]: { read: (p) => oidcOf(p)?.providerUrl ?? "", checks: [providerURL] },
  [`${OIDC}.preferred_response_type`]: { read: (p) => oidcOf(p)?.preferredResponseType ?? "", checks: [responseType] },
};

/** Checks the fields in `leaves`; e-mail domains are lower-cased first (they compare case-insensitively). */
function checkProvider(provider: AuthenticationProvider, leaves: ReadonlySet<string>): void {
  provider.allowedEmailDomains = provider.allowedEmailDomains.map((d) => d.trim().toLowerCase());
  if (leaves.has(`${OIDC}.client_id`) && !oidcOf(provider)) check(`provider.${OIDC}`, "", nonEmpty);
  for (const [path, rule] of Object.entries(rules)) if (leaves.has(path)) check(`provider.${path}`, rule.read(provider), ...rule.checks);
}

function providerId(ids: { providerId: string } | undefined, field: string): string {
  check(field, ids?.providerId, checks.id3);
  return ids!.providerId;
}

// ---- service ------------------------------------------------------------------

export function authenticationProviderRegistry(deps: { secrets: SealedStrings }): ServiceImpl<typeof AuthenticationProviderRegistry> {
  /** The provider with only the selected fields (and its identifiers and times); the secret opened if selected. */
  const shaped = (provider: AuthenticationProvider, leaves: ReadonlySet<string>): AuthenticationProvider => {
    const out = pickPaths(AuthenticationProviderSchema, provider, [...READ_ONLY.filter((p) => !p.includes(".")), ...[...leaves].map(messagePath)]);
    const oidc = oidcOf(out);
    if (oidc && leaves.has(SECRET)) oidc.clientSecret = oidc.clientSecret && deps.secrets.open(oidc.clientSecret);
    return out;
  };
  const seal = (provider: AuthenticationProvider) => {
    const oidc = oidcOf(provider);
    if (oidc?.clientSecret) oidc.clientSecret = deps.secrets.seal(oidc.clientSecret);
  };

  return {
    async create(req, ctx) {
      const scope = scopeOf(ctx);
      const provider = create(AuthenticationProviderSchema, req.provider ?? {});
      providerId(provider.ids, "provider.ids.provider_id");
      await requireAdminRights(scope, CREATE);
      checkProvider(provider, new Set(LEAVES));
      seal(provider);
      const created = await scope.store.authenticationProviders.create(provider, scope.now());
      // Everything but the secret, which the caller just sent.
      return shaped(created, leavesOf(LEAVES.filter((l) => l !== SECRET), true));
    },

    async get(req, ctx) {
      const scope = scopeOf(ctx);
      const id = providerId(req.ids, "ids.provider_id");
      await requireAdminRights(scope, INFO);
      const leaves = leavesOf(maskPaths(req.fieldMask), true);
      return shaped(await scope.store.authenticationProviders.get(id), leaves);
    },

    async list(req, ctx) {
      const scope = scopeOf(ctx);
      await requireAdminRights(scope, LIST);
      const leaves = leavesOf(maskPaths(req.fieldMask), true);
      const page = await scope.store.authenticationProviders.find(pageOptions(req, scope.config.is.pagination.defaultLimit, ORDERS));
      setTotal(ctx, page.total);
      return create(AuthenticationProvidersSchema, { providers: page.items.map((p) => shaped(p, leaves)) });
    },

    async update(req, ctx) {
      const scope = scopeOf(ctx);
      const provider = create(AuthenticationProviderSchema, req.provider ?? {});
      const id = providerId(provider.ids, "provider.ids.provider_id");
      await requireAdminRights(scope, UPDATE);
      // Identifiers and times are not settable: named in the mask, they are left alone.
      const paths = maskPaths(req.fieldMask).filter((p) => !READ_ONLY.includes(p));
      checkProvider(provider, leavesOf(paths, false));
      seal(provider);
      const updated = await scope.store.authenticationProviders.update(id, provider, paths, scope.now());
      return shaped(updated, leavesOf(paths, true));
    },

    async delete(req, ctx) {
      const scope = scopeOf(ctx);
      const id = providerId(req, "provider_id");
      await requireAdminRights(scope, DELETE);
      // The links of users to this provider go with it (store cascade).
      await scope.store.authenticationProviders.delete(id);
      return create(EmptySchema);
    },
  };
}
