// Which Store methods only read, on any sub-store (`store.users.get`,
// `store.memberships.chains`, ...). Every other method counts as a write where
// that matters (the auth cache's change clock, read-your-writes routing), so
// a new store method is a write by default: a mistake costs speed, never a
// stale answer.
export const readMethods: ReadonlySet<string> = new Set([
  "get", "getMany", "getByEUI", "find", "search", "count", "countAdmins", "all", "chains", "chainsMany", "lookup", "lookupToken",
  "getToken", "getCode", "getAuthorization", "findAuthorizations", "findTokens", "findByEUIs", "getByExternalId", "getByUserId",
  "byLookup", "addressRegistered", "pending", "recipients", "adminIds", "signingKeys", "holdings", "verify",
  "totals", "byEndDeviceEUIs", "byGatewayEUI", "byBillingIdentifiers",
  // Top-level reads of Store itself.
  "exists",
]);
