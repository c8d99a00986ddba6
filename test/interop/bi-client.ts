// A LoRaWAN Backend Interfaces client written from the specification (TS002
// 1.0 and 1.1), not from the server: a serving Network Server's HomeNSReq to a
// Join Server as JSON in an HTTP POST, over cleartext, TLS (HTTP/1.1) or TLS
// with HTTP/2, optionally with a client certificate or a bearer token.
import http from "node:http";
import http2 from "node:http2";
import https from "node:https";

/** HomeNSReq: the common message header (sender, receiver, transaction, type) and the DevEUI. */
export interface HomeNSReq {
  ProtocolVersion: string;
  SenderID: string;
  ReceiverID: string;
  TransactionID: number;
  MessageType: "HomeNSReq";
  SenderNSID?: string;
  SenderToken?: string;
  ReceiverToken?: string;
  DevEUI: string;
}

let transactions = 1000;

/** A HomeNSReq from the sNS of NetID `sender` about the device (`receiver` is the JoinEUI). */
export function homeNSReq(opts: { version: string; sender: string; receiver: string; devEui: string; senderNsid?: string; senderToken?: string }): HomeNSReq {
  return {
    ProtocolVersion: opts.version,
    SenderID: opts.sender,
    ReceiverID: opts.receiver,
    TransactionID: ++transactions,
    MessageType: "HomeNSReq",
    ...(opts.senderNsid ? { SenderNSID: opts.senderNsid } : {}),
    ...(opts.senderToken ? { SenderToken: opts.senderToken } : {}),
    DevEUI: opts.devEui,
  };
}

export interface Target {
  /** "host:port" */
  address: string;
  protocol: "http" | "https" | "h2";
  /** Trusted server CA (PEM). */
  ca?: Buffer;
  /** Client certificate and key (PEM). */
  cert?: Buffer;
  key?: Buffer;
  bearer?: string;
}

export interface Answer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  /** The parsed JSON answer (undefined when the body is empty or not JSON). */
  body: any; // eslint-disable-line @typescript-eslint/no-explicit-any
  text: string;
}

function parse(status: number, headers: Answer["headers"], text: string): Answer {
  let body: unknown;
  try {
    body = text ? JSON.parse(text) : undefined;
  } catch {
    body = undefined;
  }
  return { status, headers, body, text };
}

/** POSTs a message (an object as JSON, or a raw string) and reads the answer. */
export function send(target: Target, message: unknown, opts: { method?: string; contentType?: string; path?: string } = {}): Promise<Answer> {
  const payload = typeof message === "string" ? message : JSON.stringify(message);
  const headers: Record<string, string> = { "content-type": opts.contentType ?? "application/json" };
  if (target.bearer) headers.authorization = `Bearer ${target.bearer}`;
  const [host, port] = [target.address.slice(0, target.address.lastIndexOf(":")), Number(target.address.slice(target.address.lastIndexOf(":") + 1))];
  const tls = { ca: target.ca, cert: target.cert, key: target.key };
  if (target.protocol === "h2") {
    return new Promise((resolve, reject) => {
      const session = http2.connect(`https://${host}:${port}`, tls);
      session.on("error", reject);
      const req = session.request({ ":method": opts.method ?? "POST", ":path": opts.path ?? "/", ...headers });
      let status = 0;
      let got: Answer["headers"] = {};
      const chunks: Buffer[] = [];
      req.on("response", (h) => {
        status = Number(h[":status"]);
        got = h;
      });
      req.on("data", (c: Buffer) => chunks.push(c));
      req.on("end", () => {
        session.close();
        resolve(parse(status, got, Buffer.concat(chunks).toString("utf8")));
      });
      req.on("error", reject);
      req.end(payload);
    });
  }
  const lib = target.protocol === "https" ? https : http;
  return new Promise((resolve, reject) => {
    const req = lib.request(
      { host, port, method: opts.method ?? "POST", path: opts.path ?? "/", headers, agent: false, ...(target.protocol === "https" ? tls : {}) },
      (res) => {
        const chunks: Buffer[] = [];
        res.on("data", (c: Buffer) => chunks.push(c));
        res.on("end", () => resolve(parse(res.statusCode ?? 0, res.headers, Buffer.concat(chunks).toString("utf8"))));
      },
    );
    req.on("error", reject);
    req.end(payload);
  });
}
