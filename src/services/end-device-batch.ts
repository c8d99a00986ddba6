// ttn.lorawan.v3.EndDeviceBatchRegistry: several end devices of one application
// at once (1 to 20 device IDs). Get returns the devices that exist; Delete
// removes those that exist.
import { create } from "@bufbuild/protobuf";
import { EmptySchema } from "@bufbuild/protobuf/wkt";
import type { ServiceImpl } from "@connectrpc/connect";
import { EndDevicesSchema } from "../../gen/ttn/lorawan/v3/end_device_pb.js";
import { EndDeviceBatchRegistry } from "../../gen/ttn/lorawan/v3/end_device_services_pb.js";
import { scopeOf } from "../auth/scope.js";
import type { EndDeviceSecrets } from "../secrets/end-device-secrets.js";
import { errValidation } from "../errors/index.js";
import { requireRights } from "../rights/gate.js";
import { applicationRef } from "./application-registry.js";
import { removeDevicePictures } from "../pictures/owners.js";
import { DEVICES_READ, DEVICES_WRITE, deviceReadPaths, showDevice } from "./end-device-registry.js";
import { check, checks } from "./shared/validate.js";

function deviceIDs(ids: readonly string[]): string[] {
  if (ids.length < 1 || ids.length > 20) throw errValidation({ field: "device_ids", reason: "must name 1 to 20 devices" });
  ids.forEach((id, i) => check(`device_ids[${i}]`, id, checks.id3));
  return [...new Set(ids)];
}

export function endDeviceBatchRegistry(deps: { secrets: EndDeviceSecrets }): ServiceImpl<typeof EndDeviceBatchRegistry> {
  return {
    async get(req, ctx) {
      const scope = scopeOf(ctx);
      const app = applicationRef(req.applicationIds, "application_ids.application_id");
      await requireRights(scope, app, DEVICES_READ);
      const ids = deviceIDs(req.deviceIds);
      const paths = deviceReadPaths(req.fieldMask);
      const devices = await scope.store.endDevices.getMany(app.id, ids);
      return create(EndDevicesSchema, { endDevices: devices.map((d) => showDevice(scope.config, d, paths, deps.secrets)) });
    },

    async delete(req, ctx) {
      const scope = scopeOf(ctx);
      const app = applicationRef(req.applicationIds, "application_ids.application_id");
      await requireRights(scope, app, DEVICES_WRITE);
      const ids = deviceIDs(req.deviceIds);
      const devices = await scope.store.endDevices.getMany(app.id, ids);
      await scope.store.endDevices.deleteMany(app.id, ids);
      // End devices are hard-deleted: their pictures' blobs go with them.
      await Promise.all(devices.map((d) => removeDevicePictures(scope.config, d)));
      return create(EmptySchema);
    },
  };
}
