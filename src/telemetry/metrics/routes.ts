// The route label of a request the server's HTTP fallback serves: a fixed name
// per part of the server, from the path alone (never the path itself, which
// holds IDs). The order follows the fallback's (src/server.ts).
import { blobPathPrefix } from "../../blob/http.js";
import type { Config } from "../../config/index.js";
import { oauthCore } from "../../oauth/core/index.js";
import { oauthPathOf } from "../../oauth/http.js";
import type { HttpRoute } from "./http.js";

export function fallbackRoute(config: Config): (path: string) => HttpRoute {
  return (path) => {
    if (path === "/healthz" || path.startsWith("/healthz/")) return "health";
    if (path.startsWith(blobPathPrefix)) return "blob";
    const oauth = oauthPathOf(config, oauthCore, path);
    if (oauth) return oauth === "asset" ? "assets" : "oauth";
    return path.startsWith("/api/") ? "api" : "other";
  };
}
