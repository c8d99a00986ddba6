// Fixture builder: users, applications, memberships and API keys written
// straight to the store (fast, no rights checks), so a test states its world
// in a few lines and then exercises the API against it.
import { create } from "@bufbuild/protobuf";
import { timestampFromDate } from "@bufbuild/protobuf/wkt";
import { ApplicationSchema } from "../../gen/ttn/lorawan/v3/application_pb.js";
import { ClientSchema } from "../../gen/ttn/lorawan/v3/client_pb.js";
import { EndDeviceSchema } from "../../gen/ttn/lorawan/v3/end_device_pb.js";
import { State } from "../../gen/ttn/lorawan/v3/enums_pb.js";
import { GatewaySchema } from "../../gen/ttn/lorawan/v3/gateway_pb.js";
import { OrganizationSchema } from "../../gen/ttn/lorawan/v3/organization_pb.js";
import { APIKeySchema, type Right } from "../../gen/ttn/lorawan/v3/rights_pb.js";
import { UserSchema } from "../../gen/ttn/lorawan/v3/user_pb.js";
import { accountIdentifiers } from "../../src/auth/identifiers.js";
import { makePBKDF2, hashSecret } from "../../src/auth/secrets.js";
import { generateToken, TokenType } from "../../src/auth/tokens.js";
import { allRightOf, RIGHT_ALL, rightByName } from "../../src/rights/algebra.js";
import type { AccountRef, EntityRef, Store } from "../../src/store/interfaces.js";

/** Right by name, with or without the RIGHT_ prefix. */
export const R = (name: string): Right => {
  const r = rightByName(name);
  if (r === undefined) throw new Error(`unknown right ${name}`);
  return r;
};

export interface TestUser {
  id: string;
  password: string;
  /** API key with all the user's rights. */
  apiKey: string;
}

export class Population {
  private n = 0;
  constructor(readonly store: Store) {}

  async user(opts: { id?: string; admin?: boolean; state?: State; password?: string; email?: string } = {}): Promise<TestUser> {
    const id = opts.id ?? `user-${++this.n}`;
    const password = opts.password ?? "Passw0rd-of-" + id;
    await this.store.users.create(
      create(UserSchema, {
        ids: { userId: id },
        name: `User ${id}`,
        primaryEmailAddress: opts.email ?? `${id}@example.com`,
        primaryEmailAddressValidatedAt: timestampFromDate(new Date()),
        // PBKDF2 with few iterations keeps fixtures fast; it is a format the server verifies.
        password: makePBKDF2(password, 10),
        state: opts.state ?? State.APPROVED,
        admin: opts.admin ?? false,
      }),
    );
    return { id, password, apiKey: await this.apiKey({ kind: "user", id }, RIGHT_ALL) };
  }

  async application(owner: AccountRef, opts: { id?: string; name?: string } = {}): Promise<string> {
    const id = opts.id ?? `app-${++this.n}`;
    await this.store.applications.create(
      create(ApplicationSchema, {
        ids: { applicationId: id },
        name: opts.name ?? `Application ${id}`,
        administrativeContact: accountIdentifiers(owner),
        technicalContact: accountIdentifiers(owner),
      }),
    );
    await this.store.memberships.set({ kind: "application", id }, owner, [allRightOf("application")]);
    return id;
  }

  /** An approved OAuth client owned by `owner` (all client rights), with the secret `secret-of-<id>`. */
  async oauthClient(owner: AccountRef, opts: { id?: string; name?: string; state?: State } = {}): Promise<string> {
    const id = opts.id ?? `client-${++this.n}`;
    await this.store.clients.create(
      create(ClientSchema, {
        ids: { clientId: id },
        name: opts.name ?? `Client ${id}`,
        secret: makePBKDF2(`secret-of-${id}`, 10),
        state: opts.state ?? State.APPROVED,
        administrativeContact: accountIdentifiers(owner),
        technicalContact: accountIdentifiers(owner),
      }),
    );
    await this.store.memberships.set({ kind: "client", id }, owner, [allRightOf("client")]);
    return id;
  }

  /** An organization with `owner` (a user) as member holding RIGHT_ALL, as OrganizationRegistry.Create leaves it. */
  async organization(owner: AccountRef, opts: { id?: string; name?: string } = {}): Promise<string> {
    const id = opts.id ?? `org-${++this.n}`;
    await this.store.organizations.create(
      create(OrganizationSchema, {
        ids: { organizationId: id },
        name: opts.name ?? `Organization ${id}`,
        administrativeContact: accountIdentifiers(owner),
        technicalContact: accountIdentifiers(owner),
      }),
    );
    await this.store.memberships.set({ kind: "organization", id }, owner, [RIGHT_ALL]);
    return id;
  }

  /** A gateway owned by `owner` (written to the store as given: secrets are not sealed). */
  async gateway(owner: AccountRef, opts: { id?: string; name?: string; eui?: string; statusPublic?: boolean; locationPublic?: boolean } = {}): Promise<string> {
    const id = opts.id ?? `gtw-${++this.n}`;
    await this.store.gateways.create(
      create(GatewaySchema, {
        ids: { gatewayId: id, eui: opts.eui ? Buffer.from(opts.eui, "hex") : undefined },
        name: opts.name ?? `Gateway ${id}`,
        statusPublic: opts.statusPublic ?? false,
        locationPublic: opts.locationPublic ?? false,
        administrativeContact: accountIdentifiers(owner),
        technicalContact: accountIdentifiers(owner),
      }),
    );
    await this.store.memberships.set({ kind: "gateway", id }, owner, [allRightOf("gateway")]);
    return id;
  }

  /** An end device in `applicationId`; EUIs as hex. */
  async endDevice(applicationId: string, opts: { id?: string; name?: string; description?: string; devEui?: string; joinEui?: string; attributes?: Record<string, string> } = {}): Promise<string> {
    const id = opts.id ?? `dev-${++this.n}`;
    await this.store.endDevices.create(
      create(EndDeviceSchema, {
        ids: {
          deviceId: id,
          applicationIds: { applicationId },
          devEui: opts.devEui ? Buffer.from(opts.devEui, "hex") : undefined,
          joinEui: opts.joinEui ? Buffer.from(opts.joinEui, "hex") : undefined,
        },
        name: opts.name ?? `Device ${id}`,
        description: opts.description ?? "",
        attributes: opts.attributes ?? {},
      }),
    );
    return id;
  }

  async member(entity: EntityRef, account: AccountRef, ...rights: Right[]): Promise<void> {
    await this.store.memberships.set(entity, account, rights);
  }

  /** A new API key of `entity` with exactly `rights` (and an expiry, when given); returns the token. */
  async apiKey(entity: EntityRef, ...rights: (Right | { expiresAt: Date })[]): Promise<string> {
    const token = generateToken(TokenType.APIKey);
    const expiry = rights.find((r): r is { expiresAt: Date } => typeof r === "object");
    await this.store.apiKeys.create(
      entity,
      create(APIKeySchema, {
        id: token.id,
        name: `Key ${++this.n}`,
        rights: rights.filter((r): r is Right => typeof r === "number"),
        expiresAt: expiry ? timestampFromDate(expiry.expiresAt) : undefined,
      }),
      hashSecret(token.secret),
    );
    return token.value;
  }
}
