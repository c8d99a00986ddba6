// Public surface of the /api/v3 HTTP/JSON gateway: the request handler, and the
// pieces it is built from for tools and tests (path templates, the route table
// from descriptors, The Things Stack's JSON mapping).
export { createGateway, type Gateway, type GatewayOptions, type GatewayLogger, type GatewayRequest, type GatewayResponse } from "./handler.js";
export { buildRoutes, matchRoute, type Route, type RouteMatch, type PathVariable } from "./routes.js";
export {
  parsePathTemplate,
  matchPathTemplate,
  compareSpecificity,
  formatPathTemplate,
  type PathTemplate,
  type Segment,
  type Matcher,
  type Capture,
} from "./path-template.js";
export {
  messageToJson,
  messageFromJson,
  normalizeJson,
  decodeNormalized,
  resolveEnumValue,
  findField,
  splitPaths,
  bodyFail,
  type Fail,
  type JsonOptions,
  type NormalizeOptions,
} from "./json.js";
export { queryToJson, pathToJson, mergeJson, valueFromString, setAtFieldPath, urlFail, type QueryOptions } from "./query.js";
