// LoRaWAN Backend Interfaces (TS002 1.0 and 1.1) on the interop listeners
// (interop.listen, cleartext; interop.listen-tls, with tls.certificate and
// client certificates asked for): the Identity Server's part of the stack's
// interoperability, answering HomeNSReq with the network's NetID, the device's
// tenant and its Network Server address (The Things Industries' vendor
// extension), as The Things Stack's Identity Server does.
//   messages.ts      message types, result codes per version, header parsing and
//                    validation, the answer header
//   sender-cas.ts    the client CAs trusted per SenderID (interop.sender-client-ca.*,
//                    interop.sender-client-cas), read at start
//   authenticate.ts  who sent a message: TLS client certificate of the sender's CA,
//                    or a Packet Broker bearer token (interop.packet-broker.*)
//   home-ns.ts       the HomeNSReq handler: the device across tenants, HomeNSAns
//   http.ts          the HTTP endpoint: POST, JSON, the order of the checks
// Result codes are the protocol's own error family (like OAuth's), not the
// error catalogue: answers carry them in Result.ResultCode.
import { ConfigError, describeOption, type Config } from "../config/index.js";
import type { Logger } from "../log.js";
import type { RequestHandler } from "../server/listener.js";
import type { TenantDirectory } from "../tenancy/directory.js";
import { senderAuthenticator } from "./authenticate.js";
import { homeNSHandler } from "./home-ns.js";
import { interopHandler } from "./http.js";
import { loadSenderClientCAs } from "./sender-cas.js";

export interface Interop {
  handler: RequestHandler;
  /**
   * TLS options of interop.listen-tls: the server's certificate, and client
   * certificates asked for (not required: a sender may use a token instead)
   * and verified against every sender's CAs; which sender a CA is good for is
   * checked per message.
   */
  tls(server: { cert: Buffer; key: Buffer }): { cert: Buffer; key: Buffer; requestCert: true; rejectUnauthorized: false; ca?: string[] };
}

/**
 * Packet Broker tokens are checked for their audience, this server's public
 * address, and their issuer: without either, enabling them is a mistake (the
 * stack refuses to start too). Here rather than among the option checks, so
 * that the bool can be given alone like every other.
 */
function checkPacketBroker(config: Config): void {
  const pb = config.interop.packetBroker;
  if (!pb.enabled) return;
  if (!config.interop.publicTlsAddress) throw new ConfigError(`${describeOption(config, "interop.public-tls-address")} must be set when interop.packet-broker.enabled is true: Packet Broker tokens must be meant for this address`, "interop.public-tls-address");
  if (!pb.tokenIssuer) throw new ConfigError(`${describeOption(config, "interop.packet-broker.token-issuer")} must be set when interop.packet-broker.enabled is true`, "interop.packet-broker.token-issuer");
}

/** Reads the sender client CAs (a ConfigError names the option when one cannot be read). */
export function createInterop(deps: { config: Config; tenants: TenantDirectory; log: Logger }): Interop {
  checkPacketBroker(deps.config);
  const cas = loadSenderClientCAs(deps.config);
  const handler = interopHandler({
    authenticate: senderAuthenticator({ config: deps.config, cas, log: deps.log }),
    homeNS: homeNSHandler({ tenants: deps.tenants }),
    log: deps.log,
  });
  return {
    handler: handler as RequestHandler,
    tls: (server) => ({ ...server, requestCert: true, rejectUnauthorized: false, ...(cas.pem.length ? { ca: [...cas.pem] } : {}) }),
  };
}
