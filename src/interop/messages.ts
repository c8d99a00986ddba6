// LoRaWAN Backend Interfaces messages as JSON (TS002 1.0 and 1.1): the common
// header every message carries, the request/answer pairs, the result codes of
// each version, and the header an answer gets. Identifiers are hex text
// (NetID 3 bytes, EUIs 8 bytes; either case, an optional 0x prefix, as the
// stack reads them) and go out upper-case. The names and the spelling of the
// result codes are the specifications'; 1.0 writes "UnkownReceiver" (sic) and
// "MalformedRequest" where 1.1 writes "UnknownReceiver" and "MalformedMessage".

export type ProtocolVersion = "1.0" | "1.1";

/** What happened to a request, independent of the version that names it. */
export type Outcome = "Success" | "MalformedMessage" | "UnknownSender" | "UnknownReceiver" | "UnknownDevEUI" | "InvalidProtocolVersion" | "Other";

/** The request message types and their answers. RejoinReq exists from 1.1 on. */
const answerTypes: Readonly<Record<string, string>> = {
  JoinReq: "JoinAns",
  RejoinReq: "RejoinAns",
  AppSKeyReq: "AppSKeyAns",
  PRStartReq: "PRStartAns",
  PRStopReq: "PRStopAns",
  HRStartReq: "HRStartAns",
  HRStopReq: "HRStopAns",
  HomeNSReq: "HomeNSAns",
  ProfileReq: "ProfileAns",
  XmitDataReq: "XmitDataAns",
};

/** The answer type of a request type; undefined for anything else (answers, unknown names). */
export function answerTypeOf(messageType: unknown): string | undefined {
  return typeof messageType === "string" && Object.hasOwn(answerTypes, messageType) ? answerTypes[messageType] : undefined;
}

export function isProtocolVersion(v: unknown): v is ProtocolVersion {
  return v === "1.0" || v === "1.1";
}

/** The result code of an outcome in a version's spelling (1.1's for an unknown version). */
export function resultCode(outcome: Outcome, version: string | undefined): string {
  if (version === "1.0") {
    if (outcome === "MalformedMessage") return "MalformedRequest";
    if (outcome === "UnknownReceiver") return "UnkownReceiver";
  }
  return outcome;
}

/** Upper-case hex of exactly `bytes` bytes, or undefined when `value` is not that. */
export function hexId(value: unknown, bytes: number): string | undefined {
  if (typeof value !== "string") return undefined;
  const digits = value.startsWith("0x") || value.startsWith("0X") ? value.slice(2) : value;
  return digits.length === bytes * 2 && /^[0-9a-fA-F]+$/.test(digits) ? digits.toUpperCase() : undefined;
}

/** Hex of any even length (tokens), or undefined. */
function hexBytes(value: unknown): string | undefined {
  if (typeof value !== "string") return undefined;
  const digits = value.startsWith("0x") || value.startsWith("0X") ? value.slice(2) : value;
  return digits.length % 2 === 0 && /^[0-9a-fA-F]*$/.test(digits) ? digits.toUpperCase() : undefined;
}

/** The common header of a request, as sent (strings of the wrong shape kept for the echo). */
export interface RequestHeader {
  /** As given: an answer names the version it was asked in. */
  protocolVersion?: string;
  transactionId?: number;
  messageType: string;
  senderId?: string;
  receiverId?: string;
  senderNsid?: string;
  senderToken?: string;
  receiverToken?: string;
}

/** A refused request: the outcome and its description, and the HTTP status of the answer. */
export class Refusal {
  constructor(
    readonly outcome: Exclude<Outcome, "Success">,
    readonly description: string,
    readonly status = 200,
  ) {}
}

const str = (v: unknown) => (typeof v === "string" ? v : undefined);

/**
 * The header of a request body. Without a JSON object or a request
 * MessageType there is nothing to answer in the protocol: a Refusal with HTTP
 * status 400. An invalid TransactionID is left out (and refused later, once an
 * answer can name its type).
 */
export function readHeader(body: unknown): RequestHeader {
  if (typeof body !== "object" || body === null || Array.isArray(body)) throw new Refusal("MalformedMessage", "the body must be a JSON object", 400);
  const m = body as Record<string, unknown>;
  const messageType = str(m.MessageType);
  if (!messageType || !answerTypeOf(messageType)) {
    throw new Refusal("MalformedMessage", messageType ? `MessageType ${JSON.stringify(messageType)} is not a request` : "MessageType is missing", 400);
  }
  const id = m.TransactionID;
  return {
    protocolVersion: str(m.ProtocolVersion),
    transactionId: Number.isInteger(id) && (id as number) >= 0 && (id as number) <= 0xffffffff ? (id as number) : undefined,
    messageType,
    senderId: str(m.SenderID),
    receiverId: str(m.ReceiverID),
    senderNsid: str(m.SenderNSID),
    senderToken: str(m.SenderToken),
    receiverToken: str(m.ReceiverToken),
  };
}

/** The checks every request passes before its sender is authenticated: version, transaction, message type for the version. */
export function checkHeader(h: RequestHeader, body: Record<string, unknown>): void {
  if (!isProtocolVersion(h.protocolVersion)) {
    throw new Refusal("InvalidProtocolVersion", `ProtocolVersion ${JSON.stringify(body.ProtocolVersion ?? null)} is not supported (1.0, 1.1)`);
  }
  if (h.transactionId === undefined) throw new Refusal("MalformedMessage", "TransactionID must be an integer from 0 to 4294967295");
  if (h.messageType === "RejoinReq" && h.protocolVersion === "1.0") throw new Refusal("MalformedMessage", "RejoinReq does not exist in 1.0");
  for (const field of ["SenderToken", "ReceiverToken"] as const) {
    if (body[field] !== undefined && hexBytes(body[field]) === undefined) throw new Refusal("MalformedMessage", `${field} must be hex`);
  }
}

/** The header of the answer: sender and receiver (and their tokens and NSIDs) swapped, the answer type. */
export function answerHeader(h: RequestHeader): Record<string, unknown> {
  const out: Record<string, unknown> = { ProtocolVersion: h.protocolVersion };
  // Identifiers read as NetID or EUI go out normalized; anything else is echoed as sent.
  out.SenderID = hexId(h.receiverId, 8) ?? h.receiverId;
  out.ReceiverID = hexId(h.senderId, 3) ?? h.senderId;
  if (h.transactionId !== undefined) out.TransactionID = h.transactionId;
  out.MessageType = answerTypeOf(h.messageType);
  if (h.receiverToken !== undefined) out.SenderToken = hexBytes(h.receiverToken) ?? h.receiverToken;
  if (h.senderToken !== undefined) out.ReceiverToken = hexBytes(h.senderToken) ?? h.senderToken;
  if (h.protocolVersion === "1.1" && h.senderNsid !== undefined) out.ReceiverNSID = hexId(h.senderNsid, 8) ?? h.senderNsid;
  return out;
}

/** The Result object of an outcome in the request's version. */
export function result(outcome: Outcome, version: string | undefined, description?: string): { ResultCode: string; Description?: string } {
  return description ? { ResultCode: resultCode(outcome, version), Description: description } : { ResultCode: resultCode(outcome, version) };
}

/** A HomeNSReq: a Network Server asks which network is home for the device with this DevEUI and JoinEUI. */
export interface HomeNSReq {
  header: RequestHeader;
  version: ProtocolVersion;
  /** The sender, a NetID (hex). */
  senderNetId: string;
  senderNsid?: string;
  /** ReceiverID: the JoinEUI of the device (hex). */
  joinEui: string;
  devEui: string;
}

/** The sender of a message from a Network Server: its NetID, and (1.1 only) its NSID. */
export function readNsSender(h: RequestHeader, version: ProtocolVersion): { netId: string; nsid?: string } {
  const netId = hexId(h.senderId, 3);
  if (!netId) throw new Refusal("MalformedMessage", "SenderID must be the NetID of the sender (3 bytes, hex)");
  if (h.senderNsid === undefined) return { netId };
  if (version === "1.0") throw new Refusal("MalformedMessage", "SenderNSID does not exist in 1.0");
  const nsid = hexId(h.senderNsid, 8);
  if (!nsid) throw new Refusal("MalformedMessage", "SenderNSID must be an EUI-64 (8 bytes, hex)");
  return { netId, nsid };
}

/**
 * The rest of a HomeNSReq once the sender is known. A ReceiverID that is not
 * an EUI-64 names no Join Server, so it is an unknown receiver; a DevEUI that
 * is missing or not an EUI-64 makes the message malformed.
 */
export function readHomeNSReq(h: RequestHeader, version: ProtocolVersion, sender: { netId: string; nsid?: string }, body: Record<string, unknown>): HomeNSReq {
  if (body.ReceiverID === undefined || body.ReceiverID === null || body.ReceiverID === "") throw new Refusal("MalformedMessage", "ReceiverID (the JoinEUI) is missing");
  const joinEui = hexId(body.ReceiverID, 8);
  if (!joinEui) throw new Refusal("UnknownReceiver", "ReceiverID must be the JoinEUI of the device (8 bytes, hex)");
  const devEui = hexId(body.DevEUI, 8);
  if (!devEui) throw new Refusal("MalformedMessage", body.DevEUI === undefined ? "DevEUI is missing" : "DevEUI must be an EUI-64 (8 bytes, hex)");
  return { header: h, version, senderNetId: sender.netId, senderNsid: sender.nsid, joinEui, devEui };
}
