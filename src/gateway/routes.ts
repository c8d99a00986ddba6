// Owns the gateway's route table: built from the google.api.http options of the
// service descriptors (the proto is the contract, there is no hand-written
// table), checked at startup, and matched against requests.
//
// Decisions:
// - Every rule (the primary one and each additional_binding) becomes a route; a
//   primary rule with no pattern is skipped (GetCollaborator and
//   ListNotifications have only additional bindings).
// - Path variables and the body field are resolved against the request message
//   here, so a typo in a proto fails at startup with the method and template named.
// - Only unary methods get routes: the gateway answers one JSON document per
//   request. Streaming methods are skipped.
// - Matching follows grpc-gateway: among the routes of the request's HTTP method
//   the most specific matching template wins (literal segments outrank
//   variables); when only routes of other methods match, the answer is 405 with
//   those methods in Allow; otherwise 404.
import { getOption, type DescField, type DescMessage, type DescMethod, type DescService } from "@bufbuild/protobuf";
import { http } from "../../gen/google/api/annotations_pb.js";
import type { HttpRule } from "../../gen/google/api/http_pb.js";
import { compareSpecificity, matchPathTemplate, parsePathTemplate, type PathTemplate } from "./path-template.js";

export interface PathVariable {
  /** Dotted proto field path, as written in the template. */
  readonly fieldPath: string;
  /** The fields from the request message down to the (scalar or enum) leaf. */
  readonly fields: readonly DescField[];
}

export interface Route {
  readonly service: DescService;
  readonly method: DescMethod;
  /** Upper-case HTTP method: GET, PUT, POST, DELETE, PATCH, or a custom kind. */
  readonly httpMethod: string;
  readonly template: PathTemplate;
  /** "*" = the whole request message, a top-level field name, or "" = no body. */
  readonly body: string;
  /** The field named by `body`, when it names one. */
  readonly bodyField: DescField | undefined;
  readonly variables: readonly PathVariable[];
}

export type RouteMatch =
  | { readonly kind: "found"; readonly route: Route; readonly params: Readonly<Record<string, string>> }
  | { readonly kind: "method_not_allowed"; readonly allow: readonly string[] }
  | { readonly kind: "not_found" };

function describe(method: DescMethod, httpMethod: string, path: string): string {
  return `${method.parent.typeName}.${method.name}: http rule ${httpMethod} ${JSON.stringify(path)}`;
}

function resolveFieldPath(input: DescMessage, fieldPath: string, where: string): DescField[] {
  const names = fieldPath.split(".");
  const fields: DescField[] = [];
  let msg: DescMessage | undefined = input;
  for (let i = 0; i < names.length; i++) {
    const name = names[i]!;
    const field: DescField | undefined = msg?.fields.find((f) => f.name === name);
    if (!msg || !field) {
      throw new Error(`${where}: field \`${names.slice(0, i + 1).join(".")}\` not found in ${input.typeName}`);
    }
    const last = i === names.length - 1;
    if (field.fieldKind === "list" || field.fieldKind === "map") {
      throw new Error(`${where}: path variable field \`${fieldPath}\` goes through repeated field \`${name}\``);
    }
    if (!last && field.fieldKind !== "message") {
      throw new Error(`${where}: path variable field \`${fieldPath}\`: \`${name}\` is not a message`);
    }
    if (last && field.fieldKind === "message") {
      throw new Error(`${where}: path variable field \`${fieldPath}\` must be a scalar or enum, not a message`);
    }
    fields.push(field);
    msg = field.fieldKind === "message" ? field.message : undefined;
  }
  return fields;
}

function ruleToRoute(service: DescService, method: DescMethod, rule: HttpRule): Route | undefined {
  const { pattern } = rule;
  let httpMethod: string;
  let path: string;
  switch (pattern.case) {
    case undefined:
      return undefined;
    case "custom":
      httpMethod = pattern.value.kind.toUpperCase();
      path = pattern.value.path;
      break;
    default:
      httpMethod = pattern.case.toUpperCase();
      path = pattern.value;
  }
  if (path === "") return undefined;
  const where = describe(method, httpMethod, path);
  let template: PathTemplate;
  try {
    template = parsePathTemplate(path);
  } catch (err) {
    throw new Error(`${where}: ${(err as Error).message}`);
  }
  if (rule.responseBody !== "") {
    throw new Error(`${where}: response_body is not supported by this gateway`);
  }
  let bodyField: DescField | undefined;
  if (rule.body !== "" && rule.body !== "*") {
    bodyField = method.input.fields.find((f) => f.name === rule.body);
    if (!bodyField) throw new Error(`${where}: body field \`${rule.body}\` not found in ${method.input.typeName}`);
  }
  const variables = template.captures.map((c) => ({
    fieldPath: c.fieldPath,
    fields: resolveFieldPath(method.input, c.fieldPath, where),
  }));
  return { service, method, httpMethod, template, body: rule.body, bodyField, variables };
}

/**
 * All routes of the given services, most specific first. Throws at startup on a
 * malformed template or a field path that does not exist in the request message.
 */
export function buildRoutes(services: readonly DescService[]): Route[] {
  const routes: Route[] = [];
  for (const service of services) {
    for (const method of service.methods) {
      if (method.methodKind !== "unary") continue;
      const rule = getOption(method, http);
      for (const r of [rule, ...rule.additionalBindings]) {
        if (r.additionalBindings.length > 0 && r !== rule) {
          throw new Error(`${method.parent.typeName}.${method.name}: an additional binding must not have additional_bindings`);
        }
        const route = ruleToRoute(service, method, r);
        if (route) routes.push(route);
      }
    }
  }
  // Array.prototype.sort is stable: equally specific routes keep proto order.
  return routes.sort((a, b) => compareSpecificity(a.template, b.template));
}

/**
 * The literal a path's first segment must equal for the template to match, when
 * that segment is neither a wildcard nor the last one (which may carry a verb).
 */
function firstLiteral(route: Route): string | undefined {
  const [first, second] = route.template.matchers;
  return first?.kind === "literal" && second !== undefined ? first.value : undefined;
}

/** The first segment of a path, raw and percent-decoded (undefined when undecodable). */
function firstSegmentOf(path: string): { raw: string; decoded: string | undefined } {
  const end = path.indexOf("/", 1);
  const raw = path.slice(1, end === -1 ? path.length : end);
  if (!raw.includes("%")) return { raw, decoded: raw };
  try {
    return { raw, decoded: decodeURIComponent(raw) };
  } catch {
    return { raw, decoded: undefined };
  }
}

/** A route with what rules it out cheaply: the segment count a path must have. */
interface Candidate {
  readonly route: Route;
  /** Segments of the template; with "**" at the end, a path needs at least this many minus one. */
  readonly segments: number;
  readonly deep: boolean;
}

/**
 * The routes a path may match, worked out once per first segment and segment
 * count: by the first literal a path must start with (routes without one are
 * in every list), then by the number of segments, each list in table order.
 * `other` stands for first segments that are no route's literal.
 */
interface RouteIndex {
  readonly all: readonly Candidate[];
  readonly byFirst: ReadonlyMap<string, readonly Candidate[]>;
  readonly other: readonly Candidate[];
  /** Segment counts above this one all select the same routes (only "**" ones). */
  readonly maxSegments: number;
  readonly lists: Map<readonly Candidate[], Array<readonly Candidate[] | undefined>>;
}

const indexes = new WeakMap<readonly Route[], RouteIndex>();

function indexOf(routes: readonly Route[]): RouteIndex {
  let index = indexes.get(routes);
  if (index) return index;
  const all = routes.map((route): Candidate => {
    const { matchers } = route.template;
    return { route, segments: matchers.length, deep: matchers[matchers.length - 1]?.kind === "deep_wildcard" };
  });
  const byFirst = new Map<string, Candidate[]>();
  for (const c of all) {
    const literal = firstLiteral(c.route);
    if (literal !== undefined && !byFirst.has(literal)) byFirst.set(literal, []);
  }
  const other: Candidate[] = [];
  for (const c of all) {
    const literal = firstLiteral(c.route);
    if (literal !== undefined) byFirst.get(literal)!.push(c);
    else for (const list of [other, ...byFirst.values()]) list.push(c);
  }
  const maxSegments = Math.max(0, ...all.map((c) => c.segments));
  indexes.set(routes, (index = { all, byFirst, other, maxSegments, lists: new Map() }));
  return index;
}

const fits = (c: Candidate, segments: number) => (c.deep ? segments >= c.segments - 1 : segments === c.segments);

/** The routes a path of `segments` segments may match, in table order. */
function candidatesFor(index: RouteIndex, path: string, segments: number): readonly Candidate[] {
  const first = firstSegmentOf(path);
  if (first.raw !== first.decoded) {
    // An escaped first segment (rare): its raw or decoded form may name the literal.
    return index.all.filter((c) => {
      const literal = firstLiteral(c.route);
      return fits(c, segments) && (literal === undefined || literal === first.raw || literal === first.decoded);
    });
  }
  const byLiteral = index.byFirst.get(first.raw) ?? index.other;
  let bySegments = index.lists.get(byLiteral);
  if (!bySegments) index.lists.set(byLiteral, (bySegments = []));
  const n = Math.min(segments, index.maxSegments + 1);
  return (bySegments[n] ??= byLiteral.filter((c) => fits(c, n)));
}

/** Finds the route for a request path relative to the prefix (raw, no query string). */
export function matchRoute(routes: readonly Route[], httpMethod: string, path: string): RouteMatch {
  // Segments of the path: a verb (":x") never holds a "/", so it does not change the count.
  let segments = 0;
  for (let i = path.indexOf("/"); i !== -1; i = path.indexOf("/", i + 1)) segments++;
  const candidates = candidatesFor(indexOf(routes), path, segments);
  // The most specific template of the request's method wins; other methods matter only without one.
  for (const { route } of candidates) {
    if (route.httpMethod !== httpMethod) continue;
    const params = matchPathTemplate(route.template, path);
    if (params) return { kind: "found", route, params };
  }
  const allow = new Set<string>();
  for (const { route } of candidates) if (route.httpMethod !== httpMethod && matchPathTemplate(route.template, path)) allow.add(route.httpMethod);
  return allow.size > 0 ? { kind: "method_not_allowed", allow: [...allow] } : { kind: "not_found" };
}
