// The collector the tracing benchmark exports to, in a process of its own so
// its CPU is not counted as the server's: OTLP/HTTP traces taken and answered
// at once, spans counted (GET /count), nothing kept.
// Prints {"url": "http://127.0.0.1:<port>/v1/traces"}.
import http from "node:http";

let requests = 0;
let spans = 0;
const server = http.createServer((req, res) => {
  if (req.method === "GET" && req.url === "/count") {
    res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify({ requests, spans }));
    return;
  }
  const chunks: Buffer[] = [];
  req.on("data", (c: Buffer) => chunks.push(c));
  req.on("end", () => {
    requests++;
    // The JSON encoding's span IDs, counted without building the objects.
    spans += Buffer.concat(chunks).toString("utf8").split('"spanId"').length - 1;
    res.writeHead(200, { "content-type": "application/json" }).end("{}");
  });
});
await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
console.log(JSON.stringify({ url: `http://127.0.0.1:${(server.address() as { port: number }).port}/v1/traces` }));
process.on("SIGTERM", () => server.close(() => process.exit(0)));
