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
