// The bare JSON server the JSON target compares with, in a process of
// its own: a connect-node handler on node:http (HTTP/1.1) that answers
// ApplicationRegistry.Get in the Connect protocol's JSON with the message given
// (the Identity Server's own answer), with no interceptors, authentication or
// database; field names as the proto spells them, as /api/v3 writes them. Argument: {"get": base64 of the binary message}; prints {"url": ...}.
import http from "node:http";
import { fromBinary } from "@bufbuild/protobuf";
import { connectNodeAdapter } from "@connectrpc/connect-node";
import { ApplicationSchema } from "../../gen/ttn/lorawan/v3/application_pb.js";
import { ApplicationRegistry } from "../../gen/ttn/lorawan/v3/application_services_pb.js";

const input = JSON.parse(process.argv[2]!) as { get: string };
const application = fromBinary(ApplicationSchema, Buffer.from(input.get, "base64"));

const server = http.createServer(connectNodeAdapter({ jsonOptions: { useProtoFieldName: true }, routes: (router) => router.service(ApplicationRegistry, { get: async () => application }) }));
await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
process.stdout.write(JSON.stringify({ url: `http://127.0.0.1:${(server.address() as { port: number }).port}` }) + "\n");
process.once("SIGTERM", () => {
  server.closeAllConnections();
  server.close(() => process.exit(0));
});
