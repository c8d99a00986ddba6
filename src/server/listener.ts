// One port for every protocol. Cleartext: the first bytes of a connection
// decide (Node 20's h2c server ignores allowHTTP1): the HTTP/2 preface goes to
// an http2 server (gRPC, Connect over h2), anything else to an HTTP/1.1 server
// (Connect, gRPC-Web, /api/v3). With TLS, ALPN does the same job.
//
// Shutdown: close() stops accepting, sends GOAWAY on HTTP/2 sessions, closes
// idle HTTP/1.1 connections at once and answers every further request on a
// kept-alive one with `Connection: close`, so clients move away while the
// requests in flight finish; whatever is left at the deadline is cut.
import http from "node:http";
import http2 from "node:http2";
import net from "node:net";
import type { Duplex } from "node:stream";

export type RequestHandler = (req: http.IncomingMessage | http2.Http2ServerRequest, res: http.ServerResponse | http2.Http2ServerResponse) => void;

export interface Listener {
  /** "host:port" actually bound (port 0 resolved). */
  readonly address: string;
  /** Stops accepting, lets running requests finish (up to `graceMs`), then closes what is left. */
  close(graceMs?: number): Promise<void>;
}

const preface = Buffer.from("PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n");

export interface ListenOptions {
  address: string; // ":1885", "127.0.0.1:0", "[::1]:1885"
  handler: RequestHandler;
  tls?: { cert: Buffer; key: Buffer };
}

export function parseAddress(address: string): { host?: string; port: number } {
  const match = /^(?:\[([^\]]+)\]|([^:]*))?:(\d+)$/.exec(address);
  if (!match) throw new Error(`invalid listen address ${JSON.stringify(address)}: expected [host]:port`);
  const host = match[1] ?? match[2];
  return { host: host || undefined, port: Number(match[3]) };
}

export async function listen(opts: ListenOptions): Promise<Listener> {
  const sessions = new Set<http2.Http2Session>();
  const sockets = new Set<Duplex>();
  // HTTP/1.1 responses not yet sent: told to close their connection when the drain starts.
  const pending = new Set<http.ServerResponse>();
  let closing = false;
  const track = (socket: Duplex) => {
    sockets.add(socket);
    socket.once("close", () => sockets.delete(socket));
  };
  // One listener function for every response (not a closure per request).
  function forget(this: http.ServerResponse) {
    pending.delete(this);
  }
  const handler: RequestHandler = (req, res) => {
    if (!("stream" in req)) {
      const r = res as http.ServerResponse;
      if (closing) r.setHeader("connection", "close");
      else {
        pending.add(r);
        r.on("close", forget);
      }
    }
    opts.handler(req, res);
  };
  let acceptor: net.Server;
  let h1: http.Server | undefined;
  let h2: http2.Http2Server | http2.Http2SecureServer;

  if (opts.tls) {
    h2 = http2.createSecureServer({ ...opts.tls, allowHTTP1: true }, handler as never);
    acceptor = h2 as unknown as net.Server;
    acceptor.on("connection", track);
  } else {
    h2 = http2.createServer({}, handler as never);
    h1 = http.createServer({ keepAliveTimeout: 5_000 }, handler as never);
    // Never listens itself (the acceptor hands it sockets), but Node tracks
    // connections (closeIdleConnections, header and request timeouts) only
    // from its "listening" event on.
    h1.emit("listening");
    acceptor = net.createServer((socket) => {
      track(socket);
      socket.on("error", () => socket.destroy());
      let seen = Buffer.alloc(0);
      const onData = (chunk: Buffer) => {
        seen = Buffer.concat([seen, chunk]);
        const n = Math.min(seen.length, preface.length);
        const isH2 = seen.subarray(0, n).equals(preface.subarray(0, n));
        if (isH2 && seen.length < preface.length) return; // need more bytes to decide
        socket.off("data", onData);
        socket.pause();
        socket.unshift(seen);
        if (isH2) h2.emit("connection", socket);
        else {
          h1!.emit("connection", socket);
          socket.resume();
        }
      };
      socket.on("data", onData);
    });
  }
  h2.on("session", (s: http2.Http2Session) => {
    sessions.add(s);
    s.once("close", () => sessions.delete(s));
    if (closing) s.close(); // a connection sniffed just before the drain
  });
  // Idle HTTP/1.1 connections; with TLS the secure server holds them itself.
  const closeIdle = () => (h1 ?? (h2 as unknown as http.Server)).closeIdleConnections?.();

  const { host, port } = parseAddress(opts.address);
  await new Promise<void>((resolve, reject) => {
    acceptor.once("error", reject);
    acceptor.listen(port, host, () => {
      acceptor.off("error", reject);
      resolve();
    });
  });
  const bound = acceptor.address() as net.AddressInfo;
  const shownHost = bound.family === "IPv6" ? `[${bound.address}]` : bound.address;

  return {
    address: `${shownHost}:${bound.port}`,
    async close(graceMs = 5_000) {
      closing = true;
      const closed = new Promise<void>((resolve) => acceptor.close(() => resolve()));
      for (const s of sessions) s.close(); // GOAWAY: no new streams, running ones finish
      for (const r of pending) if (!r.headersSent) r.setHeader("connection", "close");
      closeIdle();
      const deadline = setTimeout(() => {
        for (const s of sessions) s.destroy();
        h1?.closeAllConnections();
        for (const s of sockets) s.destroy();
      }, graceMs);
      deadline.unref();
      // Connections whose last response went out with keep-alive become idle later.
      const idle = setInterval(closeIdle, 100);
      await closed;
      clearInterval(idle);
      clearTimeout(deadline);
    },
  };
}
