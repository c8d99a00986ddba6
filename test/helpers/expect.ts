// Assertions the service suites share: a test wrapper that turns unexpected
// RPC errors into readable failures, and "this must fail with code X and error
// name Y" for RPC calls, store calls and HTTP responses.
import { Code, ConnectError } from "@connectrpc/connect";
import { test } from "uvu";
import * as assert from "uvu/assert";
import { ErrorDetailsSchema } from "../../gen/ttn/lorawan/v3/error_pb.js";
import { IsError } from "../../src/errors/index.js";
import type { HttpResult } from "./clients.js";

/** A test whose unexpected RPC errors fail with their code and error name. */
export function it(name: string, fn: () => Promise<void>): void {
  test(name, async () => {
    try {
      await fn();
    } catch (e) {
      if (!(e instanceof ConnectError)) throw e;
      throw new Error(`unexpected ${Code[e.code]} ${e.findDetails(ErrorDetailsSchema)[0]?.name}: ${e.message}`);
    }
  });
}

export interface Failure {
  name: string;
  namespace: string;
  attributes: Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
}

/** Awaits a call that must fail with this code and error name (RPC or store); returns the details. */
export async function rejects(call: Promise<unknown>, code: Code, name: string): Promise<Failure> {
  let caught: unknown;
  let failed = false;
  try {
    await call;
  } catch (e) {
    caught = e;
    failed = true;
  }
  if (!failed) assert.unreachable(`expected ${Code[code]} ${name}, the call succeeded`);
  if (caught instanceof IsError) {
    assert.is(`${Code[caught.code]} ${caught.definition.name}`, `${Code[code]} ${name}`, caught.message);
    return { name: caught.definition.name, namespace: caught.definition.namespace, attributes: caught.publicAttributes as never };
  }
  const err = ConnectError.from(caught);
  const details = err.findDetails(ErrorDetailsSchema)[0];
  assert.is(`${Code[err.code]} ${details?.name}`, `${Code[code]} ${name}`, err.message);
  return { name: details!.name, namespace: details!.namespace, attributes: details!.attributes ?? {} };
}

/** An HTTP response that must be an error with this status and name; returns its details. */
export function httpError(res: HttpResult, status: number, name: string): Record<string, any> { // eslint-disable-line @typescript-eslint/no-explicit-any
  assert.is(`${res.status} ${res.body?.details?.[0]?.name}`, `${status} ${name}`, JSON.stringify(res.body));
  return res.body.details[0];
}

// Identifiers in their message shapes and as store references.
export const user = (id: string) => ({ ids: { case: "userIds" as const, value: { userId: id } } });
export const org = (id: string) => ({ ids: { case: "organizationIds" as const, value: { organizationId: id } } });
export const userRef = (id: string) => ({ kind: "user" as const, id });
export const orgRef = (id: string) => ({ kind: "organization" as const, id });
export const appRef = (id: string) => ({ kind: "application" as const, id });
