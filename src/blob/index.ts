// The blob store the configuration names (`blob.provider`). Only the local
// directory provider exists; it is stateless, so building it per use is cheap.
import type { Config } from "../config/index.js";
import { localBlobStore } from "./local.js";
import type { BlobStore } from "./provider.js";

export * from "./provider.js";
export { localBlobStore } from "./local.js";
export { blobHandler, blobPathPrefix } from "./http.js";

export function blobStoreOf(config: Config): BlobStore {
  switch (config.blob.provider) {
    case "local":
      return localBlobStore(config.blob.local.directory);
  }
}
