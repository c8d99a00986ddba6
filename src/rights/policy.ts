// Which methods anyone may call without credentials. Everything else needs
// credentials before the handler runs; the handler then checks rights. A
// method missing from this table is refused (a test keeps the table complete).
import type { Interceptor } from "@connectrpc/connect";
import { scopeKey } from "../auth/scope.js";
import { errInternal, errUnauthenticated } from "../errors/index.js";

export type Policy = "public" | "authenticated";

export const methodPolicies: Readonly<Record<string, Policy>> = {
  "grpc.health.v1.Health/Check": "public",
  "grpc.health.v1.Health/Watch": "public",
  "ttn.lorawan.v3.Is/GetConfiguration": "public",
  "ttn.lorawan.v3.EntityAccess/AuthInfo": "public",
  // Self-registration, and changing a password by proving the old one.
  "ttn.lorawan.v3.UserRegistry/Create": "public",
  "ttn.lorawan.v3.UserRegistry/UpdatePassword": "public",
  "ttn.lorawan.v3.UserRegistry/Get": "authenticated",
  "ttn.lorawan.v3.UserRegistry/List": "authenticated",
  "ttn.lorawan.v3.UserRegistry/Update": "authenticated",
  "ttn.lorawan.v3.UserRegistry/Delete": "authenticated",
  "ttn.lorawan.v3.UserRegistry/Restore": "authenticated",
  "ttn.lorawan.v3.UserRegistry/Purge": "authenticated",
  "ttn.lorawan.v3.UserAccess/ListRights": "authenticated",
  "ttn.lorawan.v3.UserAccess/CreateAPIKey": "authenticated",
  "ttn.lorawan.v3.UserAccess/ListAPIKeys": "authenticated",
  "ttn.lorawan.v3.UserAccess/GetAPIKey": "authenticated",
  "ttn.lorawan.v3.UserAccess/UpdateAPIKey": "authenticated",
  "ttn.lorawan.v3.UserAccess/DeleteAPIKey": "authenticated",
  "ttn.lorawan.v3.ApplicationRegistry/Create": "authenticated",
  "ttn.lorawan.v3.ApplicationRegistry/Get": "authenticated",
  "ttn.lorawan.v3.ApplicationRegistry/List": "authenticated",
  "ttn.lorawan.v3.ApplicationRegistry/Update": "authenticated",
  "ttn.lorawan.v3.ApplicationRegistry/Delete": "authenticated",
  "ttn.lorawan.v3.ApplicationRegistry/Restore": "authenticated",
  "ttn.lorawan.v3.ApplicationRegistry/Purge": "authenticated",
  "ttn.lorawan.v3.ApplicationAccess/ListRights": "authenticated",
  "ttn.lorawan.v3.ApplicationAccess/CreateAPIKey": "authenticated",
  "ttn.lorawan.v3.ApplicationAccess/ListAPIKeys": "authenticated",
  "ttn.lorawan.v3.ApplicationAccess/GetAPIKey": "authenticated",
  "ttn.lorawan.v3.ApplicationAccess/UpdateAPIKey": "authenticated",
  "ttn.lorawan.v3.ApplicationAccess/DeleteAPIKey": "authenticated",
  "ttn.lorawan.v3.ApplicationAccess/GetCollaborator": "authenticated",
  "ttn.lorawan.v3.ApplicationAccess/SetCollaborator": "authenticated",
  "ttn.lorawan.v3.ApplicationAccess/ListCollaborators": "authenticated",
  "ttn.lorawan.v3.ApplicationAccess/DeleteCollaborator": "authenticated",
};

export function policyKey(method: { parent: { typeName: string }; name: string }): string {
  return `${method.parent.typeName}/${method.name}`;
}

export function policyInterceptor(policies: Readonly<Record<string, Policy>> = methodPolicies): Interceptor {
  return (next) => async (req) => {
    const policy = policies[policyKey(req.method)];
    if (!policy) throw errInternal({}, { cause: new Error(`no policy for ${policyKey(req.method)}`) });
    if (policy === "authenticated") {
      const caller = await req.contextValues.get(scopeKey)!.caller();
      if (caller.method === "none" && caller.universalRights.size === 0) throw errUnauthenticated();
    }
    return next(req);
  };
}
