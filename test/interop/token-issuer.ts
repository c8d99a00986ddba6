// A stand-in for Packet Broker IAM: publishes its signing key at
// /.well-known/jwks.json on a local port and signs tokens with the claims
// Packet Broker puts in them (issuer, audience, subject, expiry and the
// `https://iam.packetbroker.net/claims` object whose `c` marks a cluster).
import http from "node:http";
import type { AddressInfo } from "node:net";
import { exportJWK, generateKeyPair, SignJWT, type CryptoKey } from "jose";

export interface TokenIssuer {
  /** http://127.0.0.1:port, the `iss` of its tokens. */
  issuer: string;
  sign(opts: { audience: string; cluster?: boolean; expiresIn?: string; issuer?: string; subject?: string; otherKey?: boolean }): Promise<string>;
  close(): Promise<void>;
}

export async function startTokenIssuer(): Promise<TokenIssuer> {
  const key = await generateKeyPair("ES256");
  const stranger = await generateKeyPair("ES256");
  const jwk = { ...(await exportJWK(key.publicKey)), kid: "pb-1", alg: "ES256", use: "sig" };
  const server = http.createServer((req, res) => {
    if (req.url === "/.well-known/jwks.json") {
      res.writeHead(200, { "content-type": "application/json" });
      res.end(JSON.stringify({ keys: [jwk] }));
      return;
    }
    res.writeHead(404).end();
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const issuer = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    issuer,
    async sign(opts) {
      const signing: CryptoKey = opts.otherKey ? stranger.privateKey : key.privateKey;
      return new SignJWT({ "https://iam.packetbroker.net/claims": opts.cluster === false ? { ns: [{ nid: 19 }] } : { c: true } })
        .setProtectedHeader({ alg: "ES256", kid: "pb-1" })
        .setIssuer(opts.issuer ?? issuer)
        .setAudience(opts.audience)
        .setSubject(opts.subject ?? "pb-cluster-eu")
        .setIssuedAt(opts.expiresIn?.startsWith("-") ? Math.floor(Date.now() / 1000) - 3600 : undefined)
        .setExpirationTime(opts.expiresIn?.startsWith("-") ? Math.floor(Date.now() / 1000) - 60 : (opts.expiresIn ?? "5m"))
        .sign(signing);
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
