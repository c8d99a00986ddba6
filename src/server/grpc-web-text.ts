// application/grpc-web-text, the grpc-web JS client's default mode: the
// gRPC-Web frames, base64 encoded. connect-node 2.1.2 answers it 415, so the
// RPC adapter translates: the request is read as application/grpc-web+proto
// (base64 decoded as it streams in) and the answer encoded on its way out.
import { Code, ConnectError } from "@connectrpc/connect";

const textType = /^application\/grpc-web-text(?=$|[+;])/i;

export function isGrpcWebText(contentType: string | null | undefined): boolean {
  return textType.test(contentType ?? "");
}

/** application/grpc-web-text[+proto] -> application/grpc-web[+proto], and back. */
export function binaryContentType(contentType: string): string {
  return contentType.replace(textType, "application/grpc-web");
}
export function textContentType(contentType: string): string {
  return contentType.replace(/^application\/grpc-web(?=$|[+;])/i, "application/grpc-web-text");
}

/**
 * Decodes a base64 body as it arrives. Clients may send several base64 strings
 * back to back (one per message, each padded), so every padded group ends a run.
 */
export async function* decodeBase64Body(body: AsyncIterable<Uint8Array>): AsyncIterable<Uint8Array> {
  let carry = "";
  for await (const chunk of body) {
    const text = carry + Buffer.from(chunk).toString("latin1").replace(/\s+/g, "");
    if (/[^A-Za-z0-9+/=]/.test(text)) throw new ConnectError("grpc-web-text: the body is not base64", Code.InvalidArgument);
    const whole = text.length - (text.length % 4);
    carry = text.slice(whole);
    for (const run of text.slice(0, whole).match(/[^=]+={0,2}|=+/g) ?? []) {
      if (run.length % 4 !== 0 || run.startsWith("=")) throw new ConnectError("grpc-web-text: the body is not base64", Code.InvalidArgument);
      yield Buffer.from(run, "base64");
    }
  }
  if (carry) throw new ConnectError("grpc-web-text: the body is not base64 (truncated)", Code.InvalidArgument);
}

/** Encodes a body as one base64 string: whole 3-byte groups as they come, the padded rest at the end. */
export async function* encodeBase64Body(body: AsyncIterable<Uint8Array>): AsyncIterable<Uint8Array> {
  let carry = Buffer.alloc(0);
  for await (const chunk of body) {
    const bytes = Buffer.concat([carry, chunk]);
    const whole = bytes.length - (bytes.length % 3);
    carry = bytes.subarray(whole);
    if (whole > 0) yield Buffer.from(bytes.subarray(0, whole).toString("base64"), "latin1");
  }
  if (carry.length > 0) yield Buffer.from(carry.toString("base64"), "latin1");
}
