// Shared by the end device and DevEUI suites: uvu-friendly RPC tests, expected
// errors (over RPC, HTTP and directly from the store) and identifier shorthands.
export { it, rejects, httpError, type Failure, userRef, orgRef, appRef } from "../helpers/expect.js";

export const appIds = (id: string) => ({ applicationId: id });
export const devIds = (app: string, id: string) => ({ applicationIds: { applicationId: app }, deviceId: id });
export const eui = (hex: string) => new Uint8Array(Buffer.from(hex, "hex"));
export const hex = (b: Uint8Array | undefined) => Buffer.from(b ?? []).toString("hex").toUpperCase();
