// What the tenant OAuth suites share: a server whose base domain is
// `localhost` (so `<tenant>.localhost` names a tenant; Chromium resolves those
// names to the loopback address, Node does not), tenants made with an SQL
// insert into `tenants`, each tenant's store for fixtures, and an HTTP client
// that talks to 127.0.0.1 while sending a tenant's Host header (Node's fetch
// overrides Host, so this uses node:http).
import http from "node:http";
import { randomBytes } from "node:crypto";
import { create } from "@bufbuild/protobuf";
import { sql } from "drizzle-orm";
import { ClientSchema, GrantType } from "../../gen/ttn/lorawan/v3/client_pb.js";
import { State } from "../../gen/ttn/lorawan/v3/enums_pb.js";
import { accountIdentifiers } from "../../src/auth/identifiers.js";
import { makePBKDF2 } from "../../src/auth/secrets.js";
import { allRightOf, rightByName } from "../../src/rights/algebra.js";
import type { Store } from "../../src/store/interfaces.js";
import { createPgStore } from "../../src/store/pg/store.js";
import { testDatabase } from "../helpers/database.js";
import { Population } from "../helpers/population.js";

/** A tenant ID of this run: `<label>-<hex>` (the database outlives a run on PostgreSQL). */
export const tenantName = (label: string) => `${label}-${randomBytes(3).toString("hex")}`;

/** Inserts the tenant's record (approved unless `state` says otherwise) and returns its store. */
export async function createTenant(tenantId: string, state: State = State.APPROVED): Promise<{ store: Store; population: Population }> {
  const db = await testDatabase();
  await db.db.execute(sql`INSERT INTO tenants (tenant_id, name, state) VALUES (${tenantId}, ${`Tenant ${tenantId}`}, ${state})`);
  const store = createPgStore({ primary: db.db, tenantId });
  return { store, population: new Population(store) };
}

export const redirectUri = "http://127.0.0.1:9/callback";

/** An approved client of the tenant that skips the consent page, secret `secret-of-<id>`. */
export async function tenantClient(store: Store, id: string, owner: string): Promise<{ id: string; secret: string }> {
  const secret = `secret-of-${id}`;
  await store.clients.create(
    create(ClientSchema, {
      ids: { clientId: id },
      name: `Client ${id}`,
      secret: makePBKDF2(secret, 10),
      redirectUris: [redirectUri],
      grants: [GrantType.GRANT_AUTHORIZATION_CODE, GrantType.GRANT_REFRESH_TOKEN],
      rights: [rightByName("RIGHT_USER_INFO")!, rightByName("RIGHT_USER_ALL")!],
      state: State.APPROVED,
      skipAuthorization: true,
      administrativeContact: accountIdentifiers({ kind: "user", id: owner }),
      technicalContact: accountIdentifiers({ kind: "user", id: owner }),
    }),
  );
  await store.memberships.set({ kind: "client", id }, { kind: "user", id: owner }, [allRightOf("client")]);
  return { id, secret };
}

export interface HostResponse {
  status: number;
  headers: Headers;
  text: string;
  json: any; // eslint-disable-line @typescript-eslint/no-explicit-any
  location: string | null;
}

/** One HTTP/1.1 request to 127.0.0.1:`port` with the given Host. */
export function hostRequest(port: number, host: string, method: string, path: string, headers: Record<string, string> = {}, body?: string): Promise<HostResponse> {
  return new Promise((resolve, reject) => {
    const req = http.request({ host: "127.0.0.1", port, method, path, headers: { ...headers, host } }, (res) => {
      const chunks: Buffer[] = [];
      res.on("data", (c: Buffer) => chunks.push(c));
      res.on("end", () => {
        const h = new Headers();
        for (let i = 0; i < res.rawHeaders.length; i += 2) h.append(res.rawHeaders[i]!, res.rawHeaders[i + 1]!);
        const text = Buffer.concat(chunks).toString("utf8");
        let json: unknown;
        try {
          json = text ? JSON.parse(text) : undefined;
        } catch {
          json = undefined;
        }
        resolve({ status: res.statusCode ?? 0, headers: h, text, json, location: h.get("location") });
      });
      res.on("error", reject);
    });
    req.on("error", reject);
    req.end(body);
  });
}

/** A browser of one host: a cookie jar, the CSRF token, form and JSON posts. */
export class HostClient {
  readonly jar = new Map<string, string>();
  constructor(
    readonly port: number,
    /** The Host header, e.g. `acme-1a2b3c.localhost:1234`. */
    readonly host: string,
  ) {}

  /** The same cookies, sent to another host (what a browser would never do). */
  cookiesTo(host: string): HostClient {
    const other = new HostClient(this.port, host);
    for (const [k, v] of this.jar) other.jar.set(k, v);
    return other;
  }

  async request(method: string, path: string, opts: { json?: unknown; form?: Record<string, string>; headers?: Record<string, string> } = {}): Promise<HostResponse> {
    const headers: Record<string, string> = { ...opts.headers };
    if (this.jar.size) headers.cookie = [...this.jar].map(([k, v]) => `${k}=${v}`).join("; ");
    let body: string | undefined;
    if (opts.json !== undefined) {
      body = JSON.stringify(opts.json);
      headers["content-type"] = "application/json";
    } else if (opts.form) {
      body = new URLSearchParams(opts.form).toString();
      headers["content-type"] = "application/x-www-form-urlencoded";
    }
    const res = await hostRequest(this.port, this.host, method, path, headers, body);
    for (const c of res.headers.getSetCookie()) {
      const [pair, ...attrs] = c.split(";");
      const eq = pair!.indexOf("=");
      const name = pair!.slice(0, eq).trim();
      const value = pair!.slice(eq + 1).trim();
      if (attrs.some((a) => /^\s*max-age=0\s*$/i.test(a)) || value === "") this.jar.delete(name);
      else this.jar.set(name, value);
    }
    return res;
  }

  get(path: string, headers?: Record<string, string>): Promise<HostResponse> {
    return this.request("GET", path, { headers });
  }

  async csrf(): Promise<string> {
    const res = await this.get("/oauth/api/me");
    const token = res.headers.get("x-csrf-token");
    if (!token) throw new Error(`no X-CSRF-Token from ${this.host} (status ${res.status}: ${res.text})`);
    return token;
  }

  async postJson(path: string, json: unknown): Promise<HostResponse> {
    return this.request("POST", path, { json, headers: { "x-csrf-token": await this.csrf() } });
  }

  async postForm(path: string, form: Record<string, string>): Promise<HostResponse> {
    return this.request("POST", path, { form: { _csrf: await this.csrf(), ...form } });
  }

  /** POST /oauth/api/auth/login; the answer (204 when logged in). */
  login(userId: string, password: string): Promise<HostResponse> {
    return this.postJson("/oauth/api/auth/login", { user_id: userId, password });
  }
}
