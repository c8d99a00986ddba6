// The database schema, one file per aggregate.
export * from "./accounts.js";
export * from "./users.js";
export * from "./applications.js";
export * from "./memberships.js";
export * from "./api-keys.js";
