// Who sent a message, as the stack authenticates Network Servers:
// - a TLS client certificate (interop.listen-tls) whose verified chain leads to
//   a client CA configured for the message's SenderID (sender-cas.ts). The
//   addresses of the sender are the certificate's DNS names, else its common
//   name. A certificate that does not verify, or whose CA is not the sender's,
//   fails at once: no other credential is tried after it.
// - else a bearer token of Packet Broker (interop.packet-broker.enabled): a JWT
//   of the configured issuer, signed with one of the keys at
//   <issuer>/.well-known/jwks.json, meant for interop.public-tls-address (the
//   address, or its host), unexpired, and of a Packet Broker cluster; it
//   authenticates NetID 000000, with the token's subject as address. Tokens of
//   other issuers are not ours to judge and are ignored.
// The authenticated NetID must be the message's SenderID. Anything else is an
// unknown sender; the caller answers UnknownSender and nothing more.
import { X509Certificate } from "node:crypto";
import type http from "node:http";
import type http2 from "node:http2";
import type { PeerCertificate, TLSSocket } from "node:tls";
import type { Config } from "../config/index.js";
import type { Logger } from "../log.js";
import { loadJose } from "../oauth/core/oidc/keys.js";
import type { SenderClientCAs } from "./sender-cas.js";

export type InteropRequest = http.IncomingMessage | http2.Http2ServerRequest;

export interface AuthenticatedSender {
  netId: string;
  /** The sender's addresses (certificate DNS names or common name, or the token subject). */
  addresses: string[];
  via: "tls-client-certificate" | "packet-broker-token";
}

/** The claims Packet Broker IAM puts in its tokens: `c` marks a Packet Broker cluster. */
const packetBrokerClaims = "https://iam.packetbroker.net/claims";
/** The NetID a Packet Broker cluster authenticates as. */
const packetBrokerNetId = "000000";
/** How long the issuer's keys are used before they are fetched again (the stack's cache TTL). */
const keysMaxAgeMs = 10 * 60_000;

/** The TLS socket of the request, over HTTP/1.1 or HTTP/2; undefined for cleartext. */
function tlsSocketOf(req: InteropRequest): TLSSocket | undefined {
  const socket = ("stream" in req ? req.stream.session?.socket : req.socket) as TLSSocket | undefined;
  return socket?.encrypted ? socket : undefined;
}

/**
 * The certificates from the peer's own up to the root, as the TLS layer
 * completed them, each checked here to be signed by the next (so a certificate
 * merely sent along cannot stand in for a CA).
 */
function chainOf(peer: PeerCertificate & { issuerCertificate?: PeerCertificate }): X509Certificate[] {
  const chain = [new X509Certificate(peer.raw)];
  let cert = peer;
  for (let i = 0; i < 10 && cert.issuerCertificate && cert.issuerCertificate.raw && !cert.issuerCertificate.raw.equals(cert.raw); i++) {
    cert = cert.issuerCertificate;
    const issuer = new X509Certificate(cert.raw);
    const child = chain.at(-1)!;
    if (!child.checkIssued(issuer) || !child.verify(issuer.publicKey)) break;
    chain.push(issuer);
  }
  return chain;
}

export function senderAuthenticator(deps: { config: Config; cas: SenderClientCAs; log: Logger }) {
  const { config, cas, log } = deps;
  const pb = config.interop.packetBroker;
  let jwks: ReturnType<Awaited<ReturnType<typeof loadJose>>["createRemoteJWKSet"]> | undefined;
  const audience = (() => {
    const address = config.interop.publicTlsAddress;
    const host = /^(?:\[([^\]]+)\]|([^:]+))(?::\d+)?$/.exec(address);
    return [...new Set([address, host?.[1] ?? host?.[2] ?? address])];
  })();

  function byCertificate(socket: TLSSocket, senderId: string): AuthenticatedSender | "refused" | undefined {
    const peer = socket.getPeerCertificate(true);
    if (!peer || Object.keys(peer).length === 0) return undefined;
    if (!socket.authorized) {
      log.warn({ senderId, reason: String(socket.authorizationError) }, "interop: client certificate does not verify");
      return "refused";
    }
    const trusted = new Set(cas.of(senderId).map((c) => c.fingerprint256));
    const match = chainOf(peer).slice(1).some((ca) => trusted.has(ca.fingerprint256));
    if (!match) {
      log.warn({ senderId, subject: peer.subject?.CN }, "interop: client certificate not issued by a CA of the sender");
      return "refused";
    }
    const dnsNames = (peer.subjectaltname ?? "").split(", ").filter((n) => n.startsWith("DNS:")).map((n) => n.slice(4));
    return { netId: senderId, addresses: dnsNames.length ? dnsNames : [String(peer.subject?.CN ?? "")], via: "tls-client-certificate" };
  }

  async function byToken(req: InteropRequest): Promise<AuthenticatedSender | "refused" | undefined> {
    const authorization = String(req.headers.authorization ?? "");
    const m = /^bearer\s+(\S+)$/i.exec(authorization);
    if (!m || !pb.enabled) return undefined;
    const jose = await loadJose();
    let issuer: unknown;
    try {
      issuer = jose.decodeJwt(m[1]!).iss;
    } catch {
      return undefined; // not a JWT: no credential of ours
    }
    if (issuer !== pb.tokenIssuer) return undefined;
    jwks ??= jose.createRemoteJWKSet(new URL(`${pb.tokenIssuer.replace(/\/+$/, "")}/.well-known/jwks.json`), { cacheMaxAge: keysMaxAgeMs, timeoutDuration: 5_000 });
    try {
      const { payload } = await jose.jwtVerify(m[1]!, jwks, { issuer: pb.tokenIssuer, audience });
      const claims = payload[packetBrokerClaims] as { c?: boolean } | undefined;
      if (claims?.c !== true) {
        log.warn({ subject: payload.sub }, "interop: Packet Broker token is not of a cluster");
        return "refused";
      }
      return { netId: packetBrokerNetId, addresses: payload.sub ? [payload.sub] : [], via: "packet-broker-token" };
    } catch (err) {
      log.warn({ reason: (err as Error).message }, "interop: Packet Broker token refused");
      return "refused";
    }
  }

  /** The sender of a message that names `senderId` (a NetID, upper-case hex), or undefined when it is not proven. */
  return async function authenticate(req: InteropRequest, senderId: string): Promise<AuthenticatedSender | undefined> {
    const socket = tlsSocketOf(req);
    for (const attempt of [() => (socket ? byCertificate(socket, senderId) : undefined), () => byToken(req)]) {
      const found = await attempt();
      if (found === "refused") return undefined;
      if (found) {
        if (found.netId !== senderId) {
          log.warn({ senderId, authenticated: found.netId, via: found.via }, "interop: the credential is not of the SenderID");
          return undefined;
        }
        return found;
      }
    }
    return undefined;
  };
}
