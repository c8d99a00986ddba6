// The database schema, one file per aggregate.
export * from "./accounts.js";
export * from "./users.js";
export * from "./applications.js";
export * from "./memberships.js";
export * from "./api-keys.js";
export * from "./organizations.js";
export * from "./clients.js";
export * from "./gateways.js";
export * from "./end-devices.js";
export * from "./bookmarks.js";
export * from "./eui-blocks.js";
export * from "./account-tokens.js";
export * from "./sessions.js";
export * from "./notifications.js";
export * from "./email-outbox.js";
export * from "./oauth.js";
export * from "./authentication-providers.js";
