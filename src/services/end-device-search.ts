// ttn.lorawan.v3.EndDeviceRegistrySearch: the end devices of one application
// matching every given condition, paginated (needs APPLICATION_DEVICES_READ).
import { create } from "@bufbuild/protobuf";
import type { ServiceImpl } from "@connectrpc/connect";
import { EndDevicesSchema } from "../../gen/ttn/lorawan/v3/end_device_pb.js";
import { EndDeviceRegistrySearch } from "../../gen/ttn/lorawan/v3/search_services_pb.js";
import { scopeOf } from "../auth/scope.js";
import type { EndDeviceSecrets } from "../secrets/end-device-secrets.js";
import { requireRights } from "../rights/gate.js";
import { applicationRef } from "./application-registry.js";
import { DEVICES_READ, deviceOrders, deviceReadPaths, showDevice } from "./end-device-registry.js";
import { pageOptions, setTotal } from "./shared/pagination.js";

export function endDeviceRegistrySearch(deps: { secrets: EndDeviceSecrets }): ServiceImpl<typeof EndDeviceRegistrySearch> {
  return {
    async searchEndDevices(req, ctx) {
      const scope = scopeOf(ctx);
      const app = applicationRef(req.applicationIds, "application_ids.application_id");
      await requireRights(scope, app, DEVICES_READ);
      const paths = deviceReadPaths(req.fieldMask);
      // The device address is not held by the Identity Server: `dev_addr_contains` selects nothing more.
      const filter = {
        applicationId: app.id,
        query: req.query,
        idContains: req.idContains,
        nameContains: req.nameContains,
        descriptionContains: req.descriptionContains,
        attributesContain: req.attributesContain,
        devEuiContains: req.devEuiContains,
        joinEuiContains: req.joinEuiContains,
      };
      const page = await scope.store.endDevices.find(filter, pageOptions(req, scope.config.is.pagination.defaultLimit, deviceOrders));
      setTotal(ctx, page.total);
      return create(EndDevicesSchema, { endDevices: page.items.map((d) => showDevice(scope.config, d, paths, deps.secrets)) });
    },
  };
}
