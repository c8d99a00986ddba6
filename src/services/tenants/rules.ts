// Field rules of the Tenant message (TenantRegistry Create and Update): the
// lengths and attribute rules other entities have, a known state, contact
// entries with a value (an e-mail address where the method is e-mail), and
// limits the database's bigint columns hold exactly.
import { ContactMethod, type ContactInfo } from "../../../gen/ttn/lorawan/v3/contact_info_pb.js";
import { State } from "../../../gen/ttn/lorawan/v3/enums_pb.js";
import type { Tenant } from "../../../gen/tti/lorawan/v3/tenant_pb.js";
import { checkPaths, checks, type Check } from "../shared/validate.js";

/** The tenant limits, by proto name. */
export const tenantLimitFields = ["max_applications", "max_clients", "max_end_devices", "max_gateways", "max_organizations", "max_users"];

const limit: Check = (v) => (v === undefined || (v as bigint) <= BigInt(Number.MAX_SAFE_INTEGER) ? undefined : `must be at most ${Number.MAX_SAFE_INTEGER}`);

const knownState: Check = (v) => (State[v as number] === undefined ? `must be one of ${Object.keys(State).filter((k) => isNaN(Number(k))).map((k) => `STATE_${k}`).join(", ")}` : undefined);

const contacts: Check = (v) => {
  for (const [i, c] of ((v ?? []) as ContactInfo[]).entries()) {
    if (!c.value) return `entry ${i + 1} has no value`;
    if ([...c.value].length > 256) return `value of entry ${i + 1} must be at most 256 characters`;
    if (c.contactMethod === ContactMethod.EMAIL && checks.email(c.value)) return `value of entry ${i + 1} must be a valid e-mail address`;
  }
  return undefined;
};

const tenantRules: Record<string, Check[]> = {
  name: [checks.maxLength(50)],
  description: [checks.maxLength(2000)],
  attributes: [checks.attributes],
  contact_info: [contacts],
  state: [knownState],
  state_description: [checks.maxLength(128)],
  ...Object.fromEntries(tenantLimitFields.map((f) => [f, [limit]])),
};

/** `validation` naming `<prefix><field>` for the first rule broken among `paths` (all when omitted). */
export function checkTenant(prefix: string, tenant: Tenant, paths?: ReadonlySet<string>): void {
  checkPaths(prefix, tenant as unknown as Record<string, unknown>, tenantRules, paths);
}
