// ttn.lorawan.v3.EndDeviceRegistry: the Identity Server's part of end devices.
// Rights are the application's (APPLICATION_DEVICES_READ / _WRITE); other stack
// components (cluster keys) may list every device and record activation,
// locations and last-seen times.
import { create } from "@bufbuild/protobuf";
import { EmptySchema, timestampDate, type FieldMask } from "@bufbuild/protobuf/wkt";
import type { ServiceImpl } from "@connectrpc/connect";
import { EndDeviceSchema, EndDevicesSchema, type EndDevice } from "../../gen/ttn/lorawan/v3/end_device_pb.js";
import { EndDeviceRegistry } from "../../gen/ttn/lorawan/v3/end_device_services_pb.js";
import { EndDeviceIdentifiersSchema, type EndDeviceIdentifiers } from "../../gen/ttn/lorawan/v3/identifiers_pb.js";
import { requireAuthenticated } from "../auth/caller.js";
import type { Config } from "../config/index.js";
import { scopeOf, type RequestScope } from "../auth/scope.js";
import { errAddressMismatch, errEndDeviceNotFound, errFieldMaskPaths, errPermissionDenied, errValidation } from "../errors/index.js";
import { topLevelPaths } from "../messages/fieldmask.js";
import { savePicture } from "../pictures/index.js";
import { deviceUid, pictureOwner, removeDevicePictures, showDevicePicture } from "../pictures/owners.js";
import { rightByName } from "../rights/algebra.js";
import { requireRights } from "../rights/gate.js";
import type { EndDeviceSecrets } from "../secrets/end-device-secrets.js";
import type { EntityRef } from "../store/interfaces.js";
import { applicationRef } from "./application-registry.js";
import { assertAllowedID } from "./shared/blocklist.js";
import { assertBelowLimit } from "./shared/limits.js";
import { applyReadMask } from "./shared/masks.js";
import { pageOptions, setTotal } from "./shared/pagination.js";
import { check, checkPaths, checks, ID3, type Check } from "./shared/validate.js";

const right = (name: string) => rightByName(name)!;
export const DEVICES_READ = right("RIGHT_APPLICATION_DEVICES_READ");
export const DEVICES_WRITE = right("RIGHT_APPLICATION_DEVICES_WRITE");

// The fields the Identity Server holds (§2.4): what may be read, and written.
const writablePaths = [
  "name", "description", "attributes", "version_ids", "version_ids.brand_id", "version_ids.model_id", "version_ids.hardware_version",
  "version_ids.firmware_version", "version_ids.band_id", "service_profile_id", "network_server_address", "application_server_address",
  "join_server_address", "locations", "picture", "claim_authentication_code", "claim_authentication_code.value",
  "claim_authentication_code.valid_from", "claim_authentication_code.valid_to", "activated_at", "last_seen_at", "serial_number",
  "lora_alliance_profile_ids", "lora_alliance_profile_ids.vendor_id", "lora_alliance_profile_ids.vendor_profile_id",
];
const readablePaths = [
  ...writablePaths, "ids", "ids.application_ids", "ids.application_ids.application_id", "ids.device_id", "ids.dev_eui", "ids.join_eui",
  "created_at", "updated_at",
];
/** What cluster peers may change (other paths in their masks are dropped). */
const clusterWritable = ["activated_at", "locations", "last_seen_at"];
export const deviceOrders = ["device_id", "join_eui", "dev_eui", "name", "description", "created_at", "last_seen_at"];

function allowedPaths(mask: FieldMask | undefined, allowed: readonly string[]): string[] {
  const paths = mask?.paths ?? [];
  const forbidden = paths.filter((p) => !allowed.includes(p));
  if (forbidden.length > 0) throw errFieldMaskPaths({ forbidden_paths: forbidden });
  return paths;
}

/** The validated paths of a read mask (empty: identifiers and timestamps only). */
export const deviceReadPaths = (mask: FieldMask | undefined) => allowedPaths(mask, readablePaths);
/**
 * The device as clients see it: the masked paths, its picture as URLs, and a
 * claim code among them decrypted (callers hold APPLICATION_DEVICES_READ).
 */
export const showDevice = (config: Config, device: EndDevice, paths: readonly string[], secrets: EndDeviceSecrets) =>
  secrets.open(applyReadMask(EndDeviceSchema, showDevicePicture(config, device), paths));

// ---- validation ------------------------------------------------------------

const optionalID3: Check = (v) => (v === "" || v === undefined || (typeof v === "string" && v.length <= 36 && ID3.test(v)) ? undefined : "must be empty or 3 to 36 lower-case letters, digits and single dashes");
const eui: Check = (v) => (v === undefined || (v as Uint8Array).length === 0 || (v as Uint8Array).length === 8 ? undefined : "must be 8 bytes");
const sub = (rules: Record<string, Check[]>): Check => (v) => {
  for (const [name, fns] of Object.entries(rules)) {
    const value = (v as Record<string, unknown> | undefined)?.[name.replace(/_([a-z])/g, (_, c: string) => c.toUpperCase())];
    for (const fn of fns) {
      const reason = fn(value);
      if (reason) return `${name} ${reason}`;
    }
  }
  return undefined;
};

const deviceRules: Record<string, Check[]> = {
  name: [checks.maxLength(50)],
  description: [checks.maxLength(2000)],
  attributes: [checks.attributes],
  version_ids: [
    sub({ brand_id: [optionalID3], model_id: [optionalID3], hardware_version: [checks.maxLength(32)], firmware_version: [checks.maxLength(32)], band_id: [checks.maxLength(32)] }),
  ],
  service_profile_id: [checks.maxLength(64)],
  network_server_address: [checks.hostPort],
  application_server_address: [checks.hostPort],
  join_server_address: [checks.hostPort],
  locations: [(v) => (Object.keys((v ?? {}) as object).every((k) => k.length <= 36 && ID3.test(k)) ? undefined : "keys must be 3 to 36 lower-case letters, digits and single dashes")],
  claim_authentication_code: [(v) => (v === undefined || /^[a-zA-Z0-9]{1,32}$/.test((v as { value: string }).value) ? undefined : "value must be 1 to 32 letters and digits")],
  serial_number: [optionalID3],
};

/** The device's application and device ID, checked. */
export function deviceRef(ids: EndDeviceIdentifiers | undefined, field: string): { app: EntityRef; deviceId: string } {
  const prefix = field ? `${field}.` : "";
  const app = applicationRef(ids?.applicationIds, `${prefix}application_ids.application_id`);
  check(`${prefix}device_id`, ids?.deviceId, checks.id3);
  return { app, deviceId: ids!.deviceId };
}

/** Validates the masked fields of `device` (all when `paths` is undefined). */
function validateDevice(device: EndDevice, paths?: ReadonlySet<string>): void {
  checkPaths("end_device.", device as unknown as Record<string, unknown>, deviceRules, paths);
}

const hostOf = (address: string) => address.replace(/:[0-9]+$/, "").toLowerCase();

/** Server addresses set on both the device and its application must name the same host (§1). */
async function checkAddresses(scope: RequestScope, applicationId: string, device: EndDevice, paths?: ReadonlySet<string>): Promise<void> {
  const servers = [
    ["network", "network_server_address", "networkServerAddress"],
    ["application", "application_server_address", "applicationServerAddress"],
    ["join", "join_server_address", "joinServerAddress"],
  ] as const;
  const relevant = servers.filter(([, path, field]) => device[field] !== "" && (!paths || paths.has(path)));
  if (relevant.length === 0) return;
  const app = await scope.store.applications.get(applicationId);
  for (const [server, , field] of relevant) {
    if (app[field] !== "" && hostOf(app[field]) !== hostOf(device[field])) throw errAddressMismatch(server)({ address: device[field], expected: app[field] });
  }
}

// ---- the service -------------------------------------------------------------

export function endDeviceRegistry(deps: { secrets: EndDeviceSecrets }): ServiceImpl<typeof EndDeviceRegistry> {
  return {
    async create(req, ctx) {
      const scope = scopeOf(ctx);
      const device = create(EndDeviceSchema, req.endDevice ?? {});
      const { app, deviceId } = deviceRef(device.ids, "end_device.ids");
      await requireRights(scope, app, DEVICES_WRITE);
      assertAllowedID(deviceId);
      check("end_device.ids.dev_eui", device.ids!.devEui, eui);
      check("end_device.ids.join_eui", device.ids!.joinEui, eui);
      validateDevice(device);
      await checkAddresses(scope, app.id, device);
      // An uploaded picture is stored as blobs first; they go again if the create fails.
      const owner = pictureOwner(scope, "end_device", deviceUid(app.id, deviceId), "end_device.picture");
      const created = await savePicture(owner, device.picture, undefined, (picture) => {
        device.picture = picture;
        return scope.store.transact(async (tx) => {
          await assertBelowLimit(tx, app, "end_device");
          return tx.endDevices.create(deps.secrets.seal(device));
        });
      });
      return showDevicePicture(scope.config, deps.secrets.open(created));
    },

    async get(req, ctx) {
      const scope = scopeOf(ctx);
      const { app, deviceId } = deviceRef(req.endDeviceIds, "end_device_ids");
      await requireRights(scope, app, DEVICES_READ);
      const paths = deviceReadPaths(req.fieldMask);
      return showDevice(scope.config, await scope.store.endDevices.get(app.id, deviceId), paths, deps.secrets);
    },

    async getIdentifiersForEUIs(req, ctx) {
      const scope = scopeOf(ctx);
      requireAuthenticated(await scope.caller());
      check("join_eui", req.joinEui, eui);
      check("dev_eui", req.devEui, eui);
      const device = req.joinEui.length && req.devEui.length ? await scope.store.endDevices.findByEUIs(req.joinEui, req.devEui) : undefined;
      if (!device) throw errEndDeviceNotFound({ application_id: "", device_id: "" });
      const ids = device.ids!;
      return create(EndDeviceIdentifiersSchema, { applicationIds: ids.applicationIds, deviceId: ids.deviceId, devEui: ids.devEui, joinEui: ids.joinEui });
    },

    async list(req, ctx) {
      const scope = scopeOf(ctx);
      const caller = await scope.caller();
      requireAuthenticated(caller);
      // Other stack components without an application: every device, identifiers only.
      const everyDevice = !req.applicationIds?.applicationId && caller.method === "cluster";
      let applicationId: string | undefined;
      if (!everyDevice) {
        const app = applicationRef(req.applicationIds, "application_ids.application_id");
        await requireRights(scope, app, DEVICES_READ);
        applicationId = app.id;
      }
      const paths = everyDevice ? [] : deviceReadPaths(req.fieldMask);
      let updatedSince: Date | undefined;
      for (const filter of req.filters) {
        if (filter.field.case !== "updatedSince") continue;
        const since = timestampDate(filter.field.value);
        if (since > scope.now()) throw errValidation({ field: "filters.updated_since", reason: "must lie in the past" });
        if (!updatedSince || since > updatedSince) updatedSince = since;
      }
      const page = await scope.store.endDevices.find({ applicationId, updatedSince }, pageOptions(req, scope.config.is.pagination.defaultLimit, deviceOrders));
      setTotal(ctx, page.total);
      return create(EndDevicesSchema, { endDevices: page.items.map((d) => showDevice(scope.config, d, paths, deps.secrets)) });
    },

    async update(req, ctx) {
      const scope = scopeOf(ctx);
      const device = create(EndDeviceSchema, req.endDevice ?? {});
      const { app, deviceId } = deviceRef(device.ids, "end_device.ids");
      let paths = allowedPaths(req.fieldMask, writablePaths);
      const caller = await scope.caller();
      if (caller.method === "cluster") {
        paths = paths.filter((p) => clusterWritable.includes(p.split(".")[0]!));
      } else {
        await requireRights(scope, app, DEVICES_WRITE);
      }
      // The activation time cannot be unset once set.
      if (!device.activatedAt) paths = paths.filter((p) => p !== "activated_at");
      const top = topLevelPaths(paths);
      validateDevice(device, top);
      await checkAddresses(scope, app.id, device, top);
      const write = () => scope.store.endDevices.update(app.id, deviceId, deps.secrets.seal(device), paths);
      // A new picture replaces the stored one; the old one's blobs go once the update has committed.
      const updated = top.has("picture")
        ? await savePicture(
            pictureOwner(scope, "end_device", deviceUid(app.id, deviceId), "end_device.picture"),
            device.picture,
            (await scope.store.endDevices.get(app.id, deviceId)).picture,
            (picture) => {
              device.picture = picture;
              return write();
            },
          )
        : await write();
      return showDevice(scope.config, updated, paths, deps.secrets);
    },

    async batchUpdateLastSeen(req, ctx) {
      const scope = scopeOf(ctx);
      if ((await scope.caller()).method !== "cluster") throw errPermissionDenied();
      const updates = req.updates.map((u, i) => {
        const { app, deviceId } = deviceRef(u.ids, `updates[${i}].ids`);
        if (!u.lastSeenAt) throw errValidation({ field: `updates[${i}].last_seen_at`, reason: "must be set" });
        return { applicationId: app.id, deviceId, lastSeenAt: timestampDate(u.lastSeenAt) };
      });
      await scope.store.endDevices.updateLastSeen(updates);
      return create(EmptySchema);
    },

    async delete(req, ctx) {
      const scope = scopeOf(ctx);
      const { app, deviceId } = deviceRef(req, "");
      await requireRights(scope, app, DEVICES_WRITE);
      const device = await scope.store.endDevices.get(app.id, deviceId);
      await scope.store.endDevices.delete(app.id, deviceId);
      // End devices are hard-deleted: their picture's blobs go with them.
      await removeDevicePictures(scope.config, device);
      return create(EmptySchema);
    },
  };
}
