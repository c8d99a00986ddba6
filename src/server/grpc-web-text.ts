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

/**
 * Encodes each chunk of the body as its own padded base64 string, as gRPC-Web
 * proxies do: a streamed message must be decodable as soon as it is sent, so
 * no byte may wait in a 3-byte group for the next message (which may come much
 * later, or never). Clients decode padded runs back to back.
 */
export async function* encodeBase64Body(body: AsyncIterable<Uint8Array>): AsyncIterable<Uint8Array> {
  for await (const chunk of body) {
    if (chunk.length > 0) yield Buffer.from(Buffer.from(chunk).toString("base64"), "latin1");
  }
}
