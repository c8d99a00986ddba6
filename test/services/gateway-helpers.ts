// Shared by the gateway suites: uvu-friendly RPC tests, expected errors, and
// identifier shorthands.
export { it, rejects, httpError, user, org, userRef, orgRef } from "../helpers/expect.js";

export const gtwIds = (id: string) => ({ gatewayId: id });
export const gtwRef = (id: string) => ({ kind: "gateway" as const, id });
export const eui = (hex: string) => new Uint8Array(Buffer.from(hex, "hex"));
export const bytes = (s: string) => new Uint8Array(Buffer.from(s));
export const text = (b: Uint8Array | undefined) => Buffer.from(b ?? []).toString();
