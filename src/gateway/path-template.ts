// Owns the google.api.http path templates: parsing them (once, at startup) and
// matching request paths against them, capturing the variables.
//
// Grammar (from google/api/http.proto), implemented exactly:
//
//   Template  = "/" Segments [ ":" Verb ] ;
//   Segments  = Segment { "/" Segment } ;
//   Segment   = "*" | "**" | LITERAL | Variable ;
//   Variable  = "{" FieldPath [ "=" Segments ] "}" ;
//   FieldPath = IDENT { "." IDENT } ;
//   Verb      = LITERAL ;
//
// Lexical rules (the grammar leaves them open; these are ours):
//   IDENT   = ( ALPHA | "_" ) { ALPHA | DIGIT | "_" } ;
//   LITERAL = 1*( ALPHA | DIGIT | "-" | "." | "_" | "~" | "!" | "$" | "&" | "'" | "(" | ")"
//                 | "+" | "," | ";" | "@" | "%" HEXDIG HEXDIG ) ;
//     i.e. an RFC 3986 path character, minus "/" ":" "=" "*" "{" "}" which the
//     grammar uses as delimiters. No whitespace, "?" or "#".
//
// Semantic rules, checked after parsing:
//   - "**" matches zero or more segments, so it must be the last segment of the
//     template (a verb may follow); anything after it could never be matched.
//   - A variable without "=" is "{x=*}": exactly one segment.
//   - A field path may be captured once per template.
//   - Variables may nest (the grammar allows it): each captures its own span.
//
// Matching:
//   - "*" and a one-segment variable match one non-empty segment; "**" matches
//     the rest of the path (zero or more segments).
//   - Literals compare after percent-decoding both sides.
//   - A captured single segment is fully percent-decoded: "%2F" in it is part of
//     the value, not a separator. A multi-segment capture keeps "%2F" encoded so
//     that "/" in the value stays distinguishable from the separators.
//   - With a verb, the last path segment must end in ":<verb>"; without one, a
//     ":" is an ordinary character of the last segment.

export type Segment =
  | { readonly kind: "literal"; readonly value: string }
  | { readonly kind: "wildcard" }
  | { readonly kind: "deep_wildcard" }
  | { readonly kind: "variable"; readonly fieldPath: readonly string[]; readonly segments: readonly Segment[] };

/** One position of the flattened template: what a single path segment must be. */
export type Matcher = { readonly kind: "literal"; readonly value: string } | { readonly kind: "wildcard" | "deep_wildcard" };

export interface Capture {
  /** Dotted field path, e.g. "application_ids.application_id". */
  readonly fieldPath: string;
  /** Flat matcher index range [start, end). */
  readonly start: number;
  readonly end: number;
}

export interface PathTemplate {
  readonly source: string;
  readonly segments: readonly Segment[];
  readonly verb: string | undefined;
  /** The segments flattened (variables replaced by what they match). */
  readonly matchers: readonly Matcher[];
  /** Variables in order of appearance (outer before inner). */
  readonly captures: readonly Capture[];
}

const literalChar = /[A-Za-z0-9\-._~!$&'()+,;@]/;
const identStart = /[A-Za-z_]/;
const identChar = /[A-Za-z0-9_]/;
const hexDigit = /[0-9A-Fa-f]/;

class Parser {
  private pos = 0;
  constructor(private readonly src: string) {}

  fail(expected: string): never {
    const at = this.pos < this.src.length ? `got ${JSON.stringify(this.src[this.pos])}` : "got end of template";
    throw new Error(`invalid path template ${JSON.stringify(this.src)}: at column ${this.pos + 1}: expected ${expected}, ${at}`);
  }

  peek(): string | undefined {
    return this.src[this.pos];
  }

  eat(ch: string): boolean {
    if (this.src[this.pos] === ch) {
      this.pos++;
      return true;
    }
    return false;
  }

  atEnd(): boolean {
    return this.pos >= this.src.length;
  }

  template(): { segments: Segment[]; verb: string | undefined } {
    if (!this.eat("/")) this.fail('"/"');
    const segments = this.segments();
    let verb: string | undefined;
    if (this.eat(":")) verb = this.literal("a verb");
    if (!this.atEnd()) this.fail(verb === undefined ? '"/", ":" or end of template' : "end of template");
    return { segments, verb };
  }

  segments(): Segment[] {
    const out = [this.segment()];
    while (this.eat("/")) out.push(this.segment());
    return out;
  }

  segment(): Segment {
    const ch = this.peek();
    if (ch === "*") {
      this.pos++;
      if (this.eat("*")) return { kind: "deep_wildcard" };
      return { kind: "wildcard" };
    }
    if (ch === "{") return this.variable();
    if (ch !== undefined && (literalChar.test(ch) || ch === "%")) return { kind: "literal", value: this.literal("a literal") };
    return this.fail('a segment ("*", "**", a literal or "{variable}")');
  }

  variable(): Segment {
    this.pos++; // "{"
    const fieldPath = [this.ident()];
    while (this.eat(".")) fieldPath.push(this.ident());
    let segments: Segment[] = [{ kind: "wildcard" }];
    if (this.eat("=")) segments = this.segments();
    if (!this.eat("}")) this.fail('"}"');
    return { kind: "variable", fieldPath, segments };
  }

  ident(): string {
    const start = this.pos;
    if (!identStart.test(this.peek() ?? "")) this.fail("a field name");
    while (identChar.test(this.peek() ?? "")) this.pos++;
    return this.src.slice(start, this.pos);
  }

  /** A LITERAL, returned percent-decoded. */
  literal(what: string): string {
    const start = this.pos;
    for (;;) {
      const ch = this.peek();
      if (ch === undefined) break;
      if (ch === "%") {
        if (!hexDigit.test(this.src[this.pos + 1] ?? "") || !hexDigit.test(this.src[this.pos + 2] ?? "")) {
          this.pos++;
          this.fail("two hex digits after \"%\"");
        }
        this.pos += 3;
        continue;
      }
      if (!literalChar.test(ch)) break;
      this.pos++;
    }
    if (this.pos === start) this.fail(what);
    const raw = this.src.slice(start, this.pos);
    try {
      return decodeURIComponent(raw);
    } catch {
      // Valid escapes that are not UTF-8: compare them byte for byte instead.
      return raw;
    }
  }
}

function flatten(segments: readonly Segment[], matchers: Matcher[], captures: Capture[]): void {
  for (const seg of segments) {
    if (seg.kind !== "variable") {
      matchers.push(seg);
      continue;
    }
    const index = captures.length;
    captures.push({ fieldPath: seg.fieldPath.join("."), start: matchers.length, end: -1 });
    flatten(seg.segments, matchers, captures);
    captures[index] = { ...captures[index]!, end: matchers.length };
  }
}

/** Parses a template; throws an Error naming the template and column when it is malformed. */
export function parsePathTemplate(source: string): PathTemplate {
  const { segments, verb } = new Parser(source).template();
  const matchers: Matcher[] = [];
  const captures: Capture[] = [];
  flatten(segments, matchers, captures);

  const deep = matchers.findIndex((m) => m.kind === "deep_wildcard");
  if (deep !== -1 && deep !== matchers.length - 1) {
    throw new Error(`invalid path template ${JSON.stringify(source)}: "**" must be the last segment`);
  }
  const seen = new Set<string>();
  for (const c of captures) {
    if (seen.has(c.fieldPath)) {
      throw new Error(`invalid path template ${JSON.stringify(source)}: field \`${c.fieldPath}\` is captured twice`);
    }
    seen.add(c.fieldPath);
  }
  return { source, segments, verb, matchers, captures };
}

/** Decodes a path segment; null when its escapes are malformed. */
function decodeSegment(raw: string, keepSlash: boolean): string | null {
  try {
    if (!keepSlash) return decodeURIComponent(raw);
    return raw.split(/%2F/i).map(decodeURIComponent).join("%2F");
  } catch {
    return null;
  }
}

/**
 * Matches a request path (raw, still percent-encoded, no query string) against
 * the template. Returns the captured values by field path, or null.
 */
export function matchPathTemplate(template: PathTemplate, path: string): Record<string, string> | null {
  if (!path.startsWith("/")) return null;
  let rest = path.slice(1);
  if (template.verb !== undefined) {
    const suffix = ":" + template.verb;
    // The verb is compared decoded, like literals: "%3A" cannot stand in for the
    // separating ":" though, so the separator is looked for in the raw path.
    const colon = rest.lastIndexOf(":");
    if (colon === -1 || rest.lastIndexOf("/") > colon) return null;
    const verb = decodeSegment(rest.slice(colon + 1), false);
    if (verb === null || ":" + verb !== suffix) return null;
    rest = rest.slice(0, colon);
  }
  const parts = rest.split("/");
  const { matchers } = template;
  const hasDeep = matchers.length > 0 && matchers[matchers.length - 1]!.kind === "deep_wildcard";
  if (hasDeep ? parts.length < matchers.length - 1 : parts.length !== matchers.length) return null;

  for (let i = 0; i < matchers.length; i++) {
    const m = matchers[i]!;
    if (m.kind === "deep_wildcard") break;
    const part = parts[i];
    if (part === undefined || part === "") return null;
    if (m.kind === "literal") {
      if (part !== m.value && decodeSegment(part, false) !== m.value) return null;
    }
  }

  const values: Record<string, string> = {};
  for (const c of template.captures) {
    const end = c.end === matchers.length && hasDeep ? parts.length : c.end;
    const span = parts.slice(c.start, end);
    const single = span.length === 1 && !(hasDeep && c.end === matchers.length);
    const decoded = span.map((p) => decodeSegment(p, !single));
    if (decoded.some((d) => d === null)) return null;
    values[c.fieldPath] = decoded.join("/");
  }
  return values;
}

/** Rank of a matcher for precedence: literals beat one-segment wildcards beat "**". */
function rank(m: Matcher | undefined): number {
  if (m === undefined) return 1.5; // the template ended: exact beats "**" matching nothing
  return m.kind === "literal" ? 3 : m.kind === "wildcard" ? 2 : 1;
}

/**
 * Orders templates from most to least specific: compared segment by segment,
 * the first literal where the other has a variable wins. Among templates that
 * match the same path, the smaller one under this order is the one to use.
 */
export function compareSpecificity(a: PathTemplate, b: PathTemplate): number {
  const n = Math.max(a.matchers.length, b.matchers.length);
  for (let i = 0; i < n; i++) {
    const d = rank(b.matchers[i]) - rank(a.matchers[i]);
    if (d !== 0) return d;
  }
  return (b.verb === undefined ? 0 : 1) - (a.verb === undefined ? 0 : 1);
}

/** The template written back in canonical form (defaults made explicit, literals re-encoded). */
export function formatPathTemplate(t: Pick<PathTemplate, "segments" | "verb">): string {
  const seg = (s: Segment): string => {
    switch (s.kind) {
      case "literal":
        return encodeLiteral(s.value);
      case "wildcard":
        return "*";
      case "deep_wildcard":
        return "**";
      case "variable":
        return `{${s.fieldPath.join(".")}=${s.segments.map(seg).join("/")}}`;
    }
  };
  return "/" + t.segments.map(seg).join("/") + (t.verb !== undefined ? ":" + encodeLiteral(t.verb) : "");
}

function encodeLiteral(value: string): string {
  return [...value].map((ch) => (literalChar.test(ch) ? ch : encodeURIComponent(ch).replace(/[!'()*]/g, (c) => "%" + c.charCodeAt(0).toString(16).toUpperCase()))).join("");
}
