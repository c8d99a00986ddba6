// The bare gRPC server the benchmarks compare with, in a process of its own: a
// connect-node handler on node:http2 (h2c) that answers ApplicationRegistry.Get
// and EntityAccess.AuthInfo with the messages given (the Identity Server's own
// answers, serialized), with no interceptors, authentication or database.
// Argument: {"get": base64, "authInfo": base64}; prints {"address": "host:port"}.
import http2 from "node:http2";
import { fromBinary } from "@bufbuild/protobuf";
import { connectNodeAdapter } from "@connectrpc/connect-node";
import { ApplicationSchema } from "../../gen/ttn/lorawan/v3/application_pb.js";
import { ApplicationRegistry } from "../../gen/ttn/lorawan/v3/application_services_pb.js";
import { AuthInfoResponseSchema, EntityAccess } from "../../gen/ttn/lorawan/v3/identityserver_pb.js";

const input = JSON.parse(process.argv[2]!) as { get: string; authInfo: string };
const application = fromBinary(ApplicationSchema, Buffer.from(input.get, "base64"));
const authInfo = fromBinary(AuthInfoResponseSchema, Buffer.from(input.authInfo, "base64"));

const server = http2.createServer(
  connectNodeAdapter({
    routes: (router) => {
      router.service(ApplicationRegistry, { get: async () => application });
      router.service(EntityAccess, { authInfo: async () => authInfo });
    },
  }),
);
await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
process.stdout.write(JSON.stringify({ address: `127.0.0.1:${(server.address() as { port: number }).port}` }) + "\n");
process.once("SIGTERM", () => server.close(() => process.exit(0)));
