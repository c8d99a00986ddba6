// The interop listener's one endpoint: LoRaWAN Backend Interfaces messages as
// JSON in HTTP POST bodies (any path), answered synchronously in the response.
// The order of the checks:
//   POST (405), application/json (415), at most 32 KiB (413), a JSON object
//   with a request MessageType (else 400: nothing to answer in the protocol);
//   then every answer is HTTP 200 with the outcome in Result.ResultCode:
//   ProtocolVersion 1.0 or 1.1 (InvalidProtocolVersion), a TransactionID
//   (MalformedMessage), HomeNSReq the only request answered here
//   (MalformedMessage for the others, as the stack's Identity Server does),
//   SenderID a NetID, the sender authenticated (UnknownSender, and nothing
//   else), the rest of the message (MalformedMessage, UnknownReceiver), the
//   device (UnknownDevEUI). A failure of ours answers Other with HTTP 500.
import type http from "node:http";
import type http2 from "node:http2";
import type { Logger } from "../log.js";
import { requestLogger } from "../telemetry/request-log/context.js";
import type { AuthenticatedSender, InteropRequest } from "./authenticate.js";
import { answerHeader, checkHeader, readHeader, readHomeNSReq, readNsSender, Refusal, result, type HomeNSReq, type ProtocolVersion, type RequestHeader } from "./messages.js";

/** Messages are small; the stack takes 32 kB too. */
export const maxBodyBytes = 32 * 1024;

type Response = http.ServerResponse | http2.Http2ServerResponse;

export interface InteropDeps {
  authenticate(req: InteropRequest, senderId: string): Promise<AuthenticatedSender | undefined>;
  homeNS(req: HomeNSReq): Promise<Record<string, unknown>>;
  log: Logger;
}

async function readBody(req: InteropRequest): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > maxBodyBytes) throw new Refusal("MalformedMessage", `the body is larger than ${maxBodyBytes} bytes`, 413);
    chunks.push(chunk);
  }
  return Buffer.concat(chunks);
}

function send(res: Response, status: number, body: unknown, headers: Record<string, string> = {}): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { "content-type": "application/json", "content-length": String(Buffer.byteLength(text)), ...headers });
  res.end(text);
}

/** The answer to a refused request: the answer header as far as the request allows one, and the result. */
function refusalAnswer(refusal: Refusal, header: RequestHeader | undefined, raw: unknown): Record<string, unknown> {
  if (header) return { ...answerHeader(header), Result: result(refusal.outcome, header.protocolVersion, refusal.description) };
  const m = typeof raw === "object" && raw !== null ? (raw as Record<string, unknown>) : {};
  const version = typeof m.ProtocolVersion === "string" ? m.ProtocolVersion : undefined;
  return { ...(version ? { ProtocolVersion: version } : {}), Result: result(refusal.outcome, version, refusal.description) };
}

export function interopHandler(deps: InteropDeps) {
  /** The answer message of a parsed body; throws a Refusal for what is not answered with Success. */
  async function answer(req: InteropRequest, header: RequestHeader, body: Record<string, unknown>): Promise<Record<string, unknown>> {
    checkHeader(header, body);
    const version = header.protocolVersion as ProtocolVersion;
    if (header.messageType !== "HomeNSReq") throw new Refusal("MalformedMessage", `${header.messageType} is not answered by the Identity Server (only HomeNSReq)`);
    const sender = readNsSender(header, version);
    const authenticated = await deps.authenticate(req, sender.netId);
    if (!authenticated) throw new Refusal("UnknownSender", "the sender is not authenticated as SenderID");
    const message = readHomeNSReq(header, version, sender, body);
    const ans = await deps.homeNS(message);
    requestLogger(deps.log, req).debug({ sender: sender.netId, via: authenticated.via, transaction: header.transactionId, devEui: message.devEui }, "interop: HomeNSReq answered");
    return ans;
  }

  return (req: InteropRequest, res: Response): void => {
    const log = requestLogger(deps.log, req);
    let header: RequestHeader | undefined;
    let raw: unknown;
    (async () => {
      if (req.method !== "POST") throw new Refusal("MalformedMessage", "LoRaWAN Backend Interfaces messages are sent with POST", 405);
      const type = String(req.headers["content-type"] ?? "").split(";", 1)[0]!.trim().toLowerCase();
      if (type !== "application/json") throw new Refusal("MalformedMessage", "the body must be application/json", 415);
      const text = (await readBody(req)).toString("utf8");
      try {
        raw = JSON.parse(text);
      } catch {
        throw new Refusal("MalformedMessage", "the body is not JSON", 400);
      }
      header = readHeader(raw);
      send(res, 200, await answer(req, header, raw as Record<string, unknown>));
    })().catch((err: unknown) => {
      if (res.headersSent) return;
      if (err instanceof Refusal) {
        if (err.outcome === "UnknownSender") log.info({ sender: header?.senderId, transaction: header?.transactionId }, "interop: unauthenticated request refused");
        send(res, err.status, refusalAnswer(err, header, raw), err.status === 405 ? { allow: "POST" } : {});
        return;
      }
      log.error({ err }, "interop: answering a message failed");
      send(res, 500, refusalAnswer(new Refusal("Other", "internal error", 500), header, raw));
    });
  };
}
