// Every error carries a correlation id, and the same id is in the server log,
// so an operator can find what a client reports.
import { test } from "uvu";
import * as assert from "uvu/assert";
import { createLogger } from "../../src/log.js";
import { api } from "../helpers/clients.js";
import { startTestServer } from "../helpers/harness.js";

const lines: string[] = [];
const server = await startTestServer({}, { log: createLogger({ level: "info", format: "json", write: (l) => lines.push(l) }) });

test("a refused request logs its correlation id, namespace and name", async () => {
  const res = await api(server, "GET", "/applications/nope", { key: server.adminAPIKey });
  assert.is(res.status, 404);
  const id = res.body.details[0].correlation_id as string;
  assert.match(id, /^[0-9a-f]{32}$/);
  const line = lines.map((l) => JSON.parse(l)).find((l) => l.correlation_id === id);
  assert.ok(line, `no log line with ${id}`);
  assert.is(line.error, "pkg/identityserver/store:application_not_found");
  assert.is(line.procedure, "ttn.lorawan.v3.ApplicationRegistry/Get");
});

test("every error has its own correlation id", async () => {
  const a = await api(server, "GET", "/applications/nope", { key: server.adminAPIKey });
  const b = await api(server, "GET", "/applications/nope", { key: server.adminAPIKey });
  assert.is.not(a.body.details[0].correlation_id, b.body.details[0].correlation_id);
});

test.after(() => server.close());
test.run();
