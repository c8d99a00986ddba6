// The bare JSON server the benchmarks compare with, in a process of its own:
// node:http answering every request with the bytes given (the Identity
// Server's own answer) and the same content type, with no routing,
// authentication or database. Argument: {"body": base64}; prints {"url": ...}.
import http from "node:http";

const body = Buffer.from((JSON.parse(process.argv[2]!) as { body: string }).body, "base64");
const server = http.createServer((_req, res) => {
  res.writeHead(200, { "content-type": "application/json", "content-length": String(body.length) });
  res.end(body);
});
await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
process.stdout.write(JSON.stringify({ url: `http://127.0.0.1:${(server.address() as { port: number }).port}` }) + "\n");
process.once("SIGTERM", () => {
  server.closeAllConnections();
  server.close(() => process.exit(0));
});
