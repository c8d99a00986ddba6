// HomeNSReq: which network is home for an end device, found by its JoinEUI
// (the message's ReceiverID) and DevEUI across every tenant. The answer,
// HomeNSAns, carries the network's NetID (HNetID, is.network.net-id), in 1.1
// the Home Network Server's NSID (HNSID, is.network.ns-id, when set), and The
// Things Industries' vendor extension (VendorID EC656E, Object.TTSV3) with
// - HTenantID: the device's tenant, or is.network.tenant-id for a device of the
//   default tenant. The default tenant holds what existed before tenants, so
//   its place in the host NetID is the one the operator configured; any other
//   tenant is itself the tenant within the NetID. Empty: left out.
// - HNSAddress: the device's network_server_address. Empty: left out.
// A device that no tenant holds, or only a tenant that is not served
// (suspended, deleted), is UnknownDevEUI; one that several tenants hold has no
// single home and is refused as Other rather than answered with a guess.
import type { TenantDirectory } from "../tenancy/directory.js";
import { answerHeader, result, Refusal, type HomeNSReq } from "./messages.js";

/** The Things Industries' IEEE OUI, the VendorID of its extension. */
export const ttiVendorId = "EC656E";

export function homeNSHandler(deps: { tenants: TenantDirectory }) {
  const { tenants } = deps;

  /** The one served tenant holding the device, or a Refusal. */
  async function homeTenant(joinEui: Uint8Array, devEui: Uint8Array): Promise<string> {
    const found = await tenants.records.byEndDeviceEUIs(joinEui, devEui);
    const served: string[] = [];
    for (const tenantId of found) {
      const admitted = await tenants.admit(tenantId).then(
        () => true,
        () => false,
      );
      if (admitted) served.push(tenantId);
    }
    if (served.length === 0) throw new Refusal("UnknownDevEUI", "no end device has this DevEUI and JoinEUI");
    if (served.length > 1) throw new Refusal("Other", "more than one tenant has an end device with this DevEUI and JoinEUI");
    return served[0]!;
  }

  return async function homeNS(req: HomeNSReq): Promise<Record<string, unknown>> {
    const joinEui = Buffer.from(req.joinEui, "hex");
    const devEui = Buffer.from(req.devEui, "hex");
    const tenantId = await homeTenant(joinEui, devEui);
    const device = await tenants.store(tenantId).endDevices.findByEUIs(joinEui, devEui);
    // Deleted between the two reads.
    if (!device) throw new Refusal("UnknownDevEUI", "no end device has this DevEUI and JoinEUI");
    const network = (await tenants.config(tenantId)).is.network;
    const tenant = tenantId === tenants.defaultId ? network.tenantId : tenantId;
    const ttsv3: Record<string, string> = {};
    if (tenant) ttsv3.HTenantID = tenant;
    if (device.networkServerAddress) ttsv3.HNSAddress = device.networkServerAddress;
    return {
      ...answerHeader(req.header),
      Result: result("Success", req.version),
      ...(req.version === "1.1" && network.nsId ? { HNSID: network.nsId.toUpperCase() } : {}),
      HNetID: network.netId.toUpperCase(),
      VSExtension: { VendorID: ttiVendorId, Object: { TTSV3: ttsv3 } },
    };
  };
}
